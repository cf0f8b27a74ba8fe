"""Administrative units of both vintages and the succession links between them."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from .base import Base
from .types import Geometry

VINTAGES = ("old", "new")
LEVELS = ("province", "district", "commune")
LINK_KINDS = ("whole", "part", "unchanged", "renamed")


class AdminUnit(Base):
    """A unit is its GSO code *and* its validity interval: 00004 is two units (old and new vintage)."""

    __tablename__ = "admin_unit"
    __table_args__ = (sa.UniqueConstraint("code", "vintage"),)

    id = sa.Column(sa.Integer, primary_key=True)
    code = sa.Column(sa.String(8), nullable=False, index=True)
    vintage = sa.Column(sa.String(3), nullable=False)
    level = sa.Column(sa.String(10), nullable=False)
    type = sa.Column(sa.String(20), nullable=False)
    name = sa.Column(sa.String(160), nullable=False)
    short_name = sa.Column(sa.String(140), nullable=False)
    name_folded = sa.Column(sa.String(160), nullable=False, index=True)
    parent_id = sa.Column(sa.Integer, sa.ForeignKey("admin_unit.id"), index=True)
    province_code = sa.Column(sa.String(2), nullable=False, index=True)
    valid_from = sa.Column(sa.Date)
    valid_to = sa.Column(sa.Date)
    legal_basis = sa.Column(sa.Text)
    area_km2 = sa.Column(sa.Float)
    lat = sa.Column(sa.Float)
    lon = sa.Column(sa.Float)
    geom = sa.Column(Geometry)
    minx = sa.Column(sa.Float)
    miny = sa.Column(sa.Float)
    maxx = sa.Column(sa.Float)
    maxy = sa.Column(sa.Float)

    parent = relationship("AdminUnit", remote_side=[id], lazy="select")

    def __repr__(self) -> str:
        return f"<AdminUnit {self.vintage}:{self.code} {self.name}>"


class Succession(Base):
    """One old→new link; ``share`` is the fraction of the old unit that went into the new one.

    ``share_of_new`` is the fraction of the new unit that came from the old one. Both are computed from
    geometry in an equal-area projection and are NULL where either side has no polygon (old communes).
    ``source`` keeps the package's links and an imported statistics-office table side by side.
    """

    __tablename__ = "succession"
    __table_args__ = (sa.UniqueConstraint("old_id", "new_id", "source"),)

    id = sa.Column(sa.Integer, primary_key=True)
    old_id = sa.Column(sa.Integer, sa.ForeignKey("admin_unit.id"), nullable=False, index=True)
    new_id = sa.Column(sa.Integer, sa.ForeignKey("admin_unit.id"), nullable=False, index=True)
    kind = sa.Column(sa.String(10), nullable=False)
    effective_date = sa.Column(sa.Date, nullable=False)
    legal_basis = sa.Column(sa.Text)
    share = sa.Column(sa.Float)
    share_of_new = sa.Column(sa.Float)
    source = sa.Column(sa.String(8), nullable=False, default="vau")
    note = sa.Column(sa.Text)


class GazetteerLoad(Base):
    """A completed gazetteer load; its fingerprint makes ``ipreg init`` idempotent."""

    __tablename__ = "gazetteer_load"

    id = sa.Column(sa.Integer, primary_key=True)
    kind = sa.Column(sa.String(20), nullable=False)  # units | geometry | nso
    fingerprint = sa.Column(sa.String(64), nullable=False)
    loaded_at = sa.Column(sa.DateTime, nullable=False)
    summary = sa.Column(sa.JSON)
