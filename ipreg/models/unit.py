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


class UnitSpan(Base):
    """A unit as it stood between two dates from 2004-08-31 to 2025-06-30, and the 2025-06-30 unit it leads to.

    One row per (level, code, name, parent) span of the statistics office's dated lists: a code is not an
    identity, so Xã Nghĩa Hồ 07585 (2004–2019) and every later unit of that code are separate spans.
    ``succ_code`` names the old-vintage unit (2025-06-30) it leads to, found by ``method`` (``same_code``,
    ``alias``, ``heuristic_*``, ``districts`` for a province …); ``unresolved`` spans have none, by design:
    the officer is asked, nothing is invented.
    """

    __tablename__ = "unit_span"

    id = sa.Column(sa.Integer, primary_key=True)
    level = sa.Column(sa.String(10), nullable=False)
    code = sa.Column(sa.String(8), nullable=False, index=True)
    name = sa.Column(sa.String(160), nullable=False)
    name_folded = sa.Column(sa.String(160), nullable=False, index=True)
    parent_code = sa.Column(sa.String(8))
    parent_name = sa.Column(sa.String(160))
    province_code = sa.Column(sa.String(2), nullable=False)
    province_name = sa.Column(sa.String(160), nullable=False)
    valid_from = sa.Column(sa.Date, nullable=False)
    valid_to = sa.Column(sa.Date, nullable=False)
    succ_code = sa.Column(sa.String(8))
    method = sa.Column(sa.String(40), nullable=False)


class UnitEvent(Base):
    """One change between two consecutive dated lists (added, removed, renamed, moved), with its acts."""

    __tablename__ = "unit_event"

    id = sa.Column(sa.Integer, primary_key=True)
    level = sa.Column(sa.String(10), nullable=False)
    day = sa.Column(sa.Date, nullable=False)
    code = sa.Column(sa.String(8), nullable=False, index=True)
    event = sa.Column(sa.String(20), nullable=False)
    old_name = sa.Column(sa.String(160))
    old_parent = sa.Column(sa.String(160))
    new_name = sa.Column(sa.String(160))
    new_parent = sa.Column(sa.String(160))
    province = sa.Column(sa.String(160))
    acts = sa.Column(sa.Text)
    source = sa.Column(sa.String(120))  # the dated list that shows the change (repository@commit)


class GazetteerLoad(Base):
    """A completed gazetteer load; its fingerprint makes ``ipreg init`` idempotent."""

    __tablename__ = "gazetteer_load"

    id = sa.Column(sa.Integer, primary_key=True)
    kind = sa.Column(sa.String(20), nullable=False)  # units | geometry | nso
    fingerprint = sa.Column(sa.String(64), nullable=False)
    loaded_at = sa.Column(sa.DateTime, nullable=False)
    summary = sa.Column(sa.JSON)
