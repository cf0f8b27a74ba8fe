"""Statistics for the provinces: records and flags per new province and per rule, and the numbers a
province follows through the hand-over (how many records still need a transfer, how many are recorded)."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.errors import N_
from ..models import Flag, Party, RecordProvince, Registration
from ..registry.visibility import visible_ids
from .rules import RULES

TRANSFER_RULES = ("HOLDER_BODY_ABOLISHED", "MANAGER_BODY_ABOLISHED", "HOLDER_BODY_MERGED", "MANAGER_BODY_MERGED",
                  "HOLDER_UNIT_SPLIT", "MANAGER_UNIT_SPLIT", "HOLDER_BODY_RENAMED", "MANAGER_BODY_RENAMED")
# What the provinces follow through the hand-over (as Hà Nội did in June 2025 for its district bodies).
MONITORED = {
    "transfers_needed": N_("Records whose holder or manager must be transferred or renamed (open flags on the body)"),
    "transfers_recorded": N_("Records whose transfer or new name is recorded (a decision taken on such a flag)"),
    "district_bodies": N_("Records still held or managed by a district body"),
    "areas_across_provinces": N_("Areas lying in more than one new province (open)"),
    "areas_to_reexpress": N_("Areas still written in former units (open)"),
}


def statistics(session: Session, scope: list[str] | None = None, public_only: bool = False) -> dict:
    """Counts per new province (records, open flags by severity, closed) and per rule (by status: an
    accepted flag is counted accepted, never resolved).

    ``public_only`` counts registered records only (what the anonymous public may read).
    """
    provinces = select(RecordProvince.registration_id, RecordProvince.province_code).where(
        RecordProvince.vintage == "new")
    if public_only:
        provinces = provinces.where(RecordProvince.registration_id.in_(
            select(Registration.id).where(Registration.status == "registered")))
    if scope is not None:
        provinces = provinces.where(RecordProvince.registration_id.in_(visible_ids(scope)))
    provinces = provinces.subquery()
    scoped_ids = select(provinces.c.registration_id)
    total = session.scalar(select(func.count()).select_from(Registration)) if scope is None else \
        session.scalar(select(func.count(func.distinct(provinces.c.registration_id))))
    return {"records": total or 0,
            "provinces": _per_province(session, provinces, scope),
            "rules": _per_rule(session, scoped_ids if scope is not None else None),
            "monitoring": _monitoring(session, scoped_ids if scope is not None else None)}


def _per_province(session: Session, provinces, scope: list[str] | None) -> list[dict]:
    """Per new province: records, open flags by severity, and the closed ones by outcome (and in all). A
    provincial user's records may lie in other provinces too: the table keeps the user's own."""
    records = dict(session.execute(select(provinces.c.province_code, func.count(func.distinct(
        provinces.c.registration_id))).group_by(provinces.c.province_code)).all())
    per_province = defaultdict(lambda: {"records": 0, "open_high": 0, "open_medium": 0, "open_low": 0,
                                        "accepted": 0, "dismissed": 0, "resolved": 0, "closed": 0})
    for code, n in records.items():
        per_province[code]["records"] = n
    status = Flag.status
    rows = session.execute(select(provinces.c.province_code, status, Flag.severity, func.count())
                           .join(Flag, Flag.registration_id == provinces.c.registration_id)
                           .group_by(provinces.c.province_code, status, Flag.severity)).all()
    for code, closed_as, severity, n in rows:
        if closed_as == "open":
            per_province[code][f"open_{severity}"] += n
        else:
            per_province[code][closed_as] += n
            per_province[code]["closed"] += n
    return [{"province_code": c, **v} for c, v in sorted(per_province.items()) if scope is None or c in scope]


def _per_rule(session: Session, scoped_ids) -> list[dict]:
    """Per rule: its severity and its flags by outcome (an accepted flag counted accepted, never resolved)."""
    per_rule = {rule: {"open": 0, "accepted": 0, "dismissed": 0, "resolved": 0, "severity": sev}
                for rule, sev in RULES.items()}
    status = Flag.status
    rows = select(Flag.rule, status, func.count()).group_by(Flag.rule, status)
    if scoped_ids is not None:
        rows = rows.where(Flag.registration_id.in_(scoped_ids))
    for rule, counted_as, n in session.execute(rows):
        per_rule[rule][counted_as] = n
    return [{"rule": r, **v} for r, v in per_rule.items()]


def _monitoring(session: Session, scoped_ids) -> list[dict]:
    """The hand-over figures, each a count of distinct records (within the user's provinces)."""
    def records(*where) -> int:
        query = select(func.count(func.distinct(Flag.registration_id))).where(*where)
        if scoped_ids is not None:
            query = query.where(Flag.registration_id.in_(scoped_ids))
        return session.scalar(query) or 0

    district = select(Party.id).where(Party.kind == "district_pc")
    bodies = select(func.count()).select_from(Registration).where(
        Registration.holder_id.in_(district) | Registration.manager_id.in_(district))
    if scoped_ids is not None:
        bodies = bodies.where(Registration.id.in_(scoped_ids))
    values = {
        "transfers_needed": records(Flag.rule.in_(TRANSFER_RULES), Flag.status == "open"),
        # accepted by an officer or resolved by a batch (a run that closes a flag gives its reason)
        "transfers_recorded": records(Flag.rule.in_(TRANSFER_RULES), Flag.status.in_(("accepted", "resolved")),
                                      Flag.closed_reason.is_(None)),
        "district_bodies": session.scalar(bodies) or 0,
        "areas_across_provinces": records(Flag.rule == "AREA_CROSSES_PROVINCES", Flag.status == "open"),
        "areas_to_reexpress": records(Flag.rule == "AREA_REEXPRESSION", Flag.status == "open"),
    }
    return [{"key": key, "label": label, "records": values[key]} for key, label in MONITORED.items()]
