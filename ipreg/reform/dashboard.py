"""The figures of the homes: what an officer decided lately, a province's numbers, the records left incomplete.

The counts themselves are the statistics' (``stats.statistics``): a home shows the same figure as the statistics
page, for the same provinces, or it would be a second truth. Only what the statistics do not hold is queried
here, and every list of records goes through ``registry.visibility``.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Flag, Registration
from ..models.flag import SEVERITIES
from ..registry.visibility import Scope, visible_clause
from .stats import statistics

DECIDED = ("accepted", "dismissed")  # an officer's decisions (a batch's or a run's closing is not one)
# The hand-over figures a province follows on its home (keys of stats.MONITORED).
PROVINCE_FIGURES = ("transfers_needed", "transfers_recorded", "areas_to_reexpress")


def recent_decisions(session: Session, scope: Scope, limit: int = 8) -> list[dict]:
    """The flags officers accepted or dismissed last, newest first, with who decided and when.

    (Accepts an older review stored as "resolved" became "accepted" in migration 0007.)"""
    rows = session.execute(
        select(Flag, Flag.status)
        .where(Flag.status.in_(DECIDED), *visible_clause(scope, record_id=Flag.registration_id))
        .order_by(Flag.closed_at.desc(), Flag.id.desc()).limit(limit)).all()
    return [{"flag": flag, "outcome": closed_as, "by": (flag.decision or {}).get("by"), "at": flag.closed_at}
            for flag, closed_as in rows]


def province_figures(session: Session, code: str) -> dict:
    """One new province in numbers, read from its statistics: records, open flags by severity and the
    hand-over figures it follows (``PROVINCE_FIGURES``)."""
    stats = statistics(session, [code])
    row = next((p for p in stats["provinces"] if p["province_code"] == code), {})
    monitoring = {m["key"]: m for m in stats["monitoring"]}
    return {"code": code, "records": stats["records"],
            "open": {severity: row.get(f"open_{severity}", 0) for severity in SEVERITIES},
            "figures": [monitoring[key] for key in PROVINCE_FIGURES]}


def incomplete_records(session: Session, scope: Scope) -> int:
    """Records kept with place data or a party still to complete (``Registration.pending``), within scope."""
    return session.scalar(select(func.count()).select_from(Registration)
                          .where(Registration.pending.is_not(None), *visible_clause(scope))) or 0
