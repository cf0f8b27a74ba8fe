"""Statistics for the provinces: records and flags per new province and per rule."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Flag, RecordProvince, Registration
from .rules import RULES


def statistics(session: Session, scope: list[str] | None = None) -> dict:
    """Counts per new province (records, open flags by severity, closed) and per rule (by status)."""
    provinces = select(RecordProvince.registration_id, RecordProvince.province_code).where(
        RecordProvince.vintage == "new")
    if scope is not None:
        provinces = provinces.where(RecordProvince.province_code.in_(scope or ["--"]))
    provinces = provinces.subquery()
    records = dict(session.execute(select(provinces.c.province_code, func.count(func.distinct(
        provinces.c.registration_id))).group_by(provinces.c.province_code)).all())
    per_province = defaultdict(lambda: {"records": 0, "open_high": 0, "open_medium": 0, "open_low": 0, "closed": 0})
    for code, n in records.items():
        per_province[code]["records"] = n
    rows = session.execute(select(provinces.c.province_code, Flag.status, Flag.severity, func.count())
                           .join(Flag, Flag.registration_id == provinces.c.registration_id)
                           .group_by(provinces.c.province_code, Flag.status, Flag.severity)).all()
    for code, status, severity, n in rows:
        key = f"open_{severity}" if status == "open" else "closed"
        per_province[code][key] += n
    scoped_ids = select(provinces.c.registration_id)
    per_rule = {rule: {"open": 0, "accepted": 0, "dismissed": 0, "resolved": 0, "severity": sev}
                for rule, sev in RULES.items()}
    rule_rows = select(Flag.rule, Flag.status, func.count()).group_by(Flag.rule, Flag.status)
    if scope is not None:
        rule_rows = rule_rows.where(Flag.registration_id.in_(scoped_ids))
    for rule, status, n in session.execute(rule_rows):
        per_rule[rule][status] = n
    total = session.scalar(select(func.count()).select_from(Registration)) if scope is None else \
        session.scalar(select(func.count(func.distinct(provinces.c.registration_id))))
    return {"records": total or 0,
            "provinces": [{"province_code": c, **v} for c, v in sorted(per_province.items())],
            "rules": [{"rule": r, **v} for r, v in per_rule.items()]}
