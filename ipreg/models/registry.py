"""Registrations (GIs, collective and certification marks), their parties, areas and history."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from .base import Base
from .types import Geometry

KINDS = ("GI", "COLLECTIVE", "CERTIFICATION")
STATUSES = ("pending", "registered", "expired", "cancelled")
PARTY_KINDS = (
    "state", "province_pc", "district_pc", "commune_pc", "dost", "state_agency", "association",
    "cooperative", "farmers_union", "enterprise", "individual", "foreign",
)
STATE_PARTY_KINDS = ("state", "province_pc", "district_pc", "commune_pc", "dost", "state_agency")
ROLES = ("holder", "manager")


class Party(Base):
    """A body; the body of one unit is one party shared by all its records (``key`` is unique)."""

    __tablename__ = "party"

    id = sa.Column(sa.Integer, primary_key=True)
    key = sa.Column(sa.String(400), nullable=False, unique=True)
    name = sa.Column(sa.String(300), nullable=False)
    name_folded = sa.Column(sa.String(300), nullable=False, index=True)
    kind = sa.Column(sa.String(20), nullable=False)
    unit_id = sa.Column(sa.Integer, sa.ForeignKey("admin_unit.id"), index=True)

    unit = relationship("AdminUnit", lazy="select")


class Registration(Base):
    """Current state of a registration; the facts in ``RecordFact`` are the history it derives from."""

    __tablename__ = "registration"
    __table_args__ = (sa.UniqueConstraint("kind", "reg_no"),)

    id = sa.Column(sa.Integer, primary_key=True)
    kind = sa.Column(sa.String(14), nullable=False)
    reg_no = sa.Column(sa.String(60))
    internal_id = sa.Column(sa.String(20), nullable=False, unique=True)
    name = sa.Column(sa.String(300), nullable=False)
    product = sa.Column(sa.String(300))
    nice_classes = sa.Column(sa.String(100))
    filing_date = sa.Column(sa.Date)
    granted_on = sa.Column(sa.Date)
    expiry_date = sa.Column(sa.Date)
    status = sa.Column(sa.String(12), nullable=False)
    decision_no = sa.Column(sa.String(120))
    notes = sa.Column(sa.Text)
    holder_id = sa.Column(sa.Integer, sa.ForeignKey("party.id"), index=True)  # NULL: not known yet
    manager_id = sa.Column(sa.Integer, sa.ForeignKey("party.id"), index=True)
    co_manager_ids = sa.Column(sa.JSON(none_as_null=True))  # joint managers after the first (Ngọc Linh)
    # Place data written but not resolved, kept verbatim with its candidates until an officer decides:
    # [{"column", "value", "msgid", "params", "candidates"}]. NULL: nothing is pending.
    pending = sa.Column(sa.JSON(none_as_null=True))
    area_vintage = sa.Column(sa.Date)
    area_polygon = sa.Column(Geometry)
    search_text = sa.Column(sa.Text, nullable=False, default="")
    # The name in Vietnamese order as digits (core.text.vi_sort_string): lists sort by it on either database.
    name_key = sa.Column(sa.String(1000), index=True)
    created_at = sa.Column(sa.DateTime, nullable=False)
    updated_at = sa.Column(sa.DateTime, nullable=False, index=True)
    version = sa.Column(sa.Integer, nullable=False, default=1)

    holder = relationship("Party", foreign_keys=[holder_id], lazy="joined")
    manager = relationship("Party", foreign_keys=[manager_id], lazy="joined")
    area_entries = relationship(
        "AreaEntry", order_by="AreaEntry.position", cascade="all, delete-orphan", lazy="select"
    )

    __mapper_args__ = {"version_id_col": version}


class AreaEntry(Base):
    """One unit of a production area as written (a district or province stands for all its communes).

    After re-expression in the units of 2025-07-01 an entry may cover a new commune only in part: ``via``
    then lists the old units (codes) whose territory the area keeps, e.g. "địa bàn xã Tân Mộc cũ".
    """

    __tablename__ = "area_entry"

    id = sa.Column(sa.Integer, primary_key=True)
    registration_id = sa.Column(sa.Integer, sa.ForeignKey("registration.id"), nullable=False, index=True)
    unit_id = sa.Column(sa.Integer, sa.ForeignKey("admin_unit.id"), nullable=False, index=True)
    position = sa.Column(sa.Integer, nullable=False)
    coverage = sa.Column(sa.String(5), nullable=False, default="whole")
    via = sa.Column(sa.JSON(none_as_null=True))
    note = sa.Column(sa.Text)  # the part of the unit as written: "xóm 1–17", "thôn Đông"

    unit = relationship("AdminUnit", lazy="select")


class RecordProvince(Base):
    """Derived: the provinces (old and new) a record touches through its area or parties.

    Kept so that province filters and provincial scope are plain indexed joins.
    """

    __tablename__ = "record_province"

    registration_id = sa.Column(sa.Integer, sa.ForeignKey("registration.id"), primary_key=True)
    vintage = sa.Column(sa.String(3), primary_key=True)
    province_code = sa.Column(sa.String(2), primary_key=True, index=True)


class RecordFact(Base):
    """A bitemporal fact: ``valid_from`` is when it holds in law, ``recorded_at`` when ipreg learnt it.

    Facts are never edited; a correction or rollback sets ``retracted_at`` (the end of its transaction
    time) and records the replacing fact, so the record can be shown as it stood or as it was known.
    """

    __tablename__ = "record_fact"

    id = sa.Column(sa.Integer, primary_key=True)
    registration_id = sa.Column(sa.Integer, sa.ForeignKey("registration.id"), nullable=False, index=True)
    role = sa.Column(sa.String(10), nullable=False)  # holder | manager | area | details
    value = sa.Column(sa.JSON, nullable=False)
    valid_from = sa.Column(sa.Date, nullable=False)
    recorded_at = sa.Column(sa.DateTime, nullable=False)
    retracted_at = sa.Column(sa.DateTime)
    decision_no = sa.Column(sa.String(120))
    decision_date = sa.Column(sa.Date)
    source = sa.Column(sa.String(30), nullable=False)  # import | review | batch | rollback | edit
    batch_id = sa.Column(sa.Integer, sa.ForeignKey("batch.id"))
    flag_id = sa.Column(sa.Integer, sa.ForeignKey("flag.id"))
    actor = sa.Column(sa.String(80))
    note = sa.Column(sa.Text)
