"""Listing flags: filters of the review queue and of ``ipreg flags list``, with provincial scope."""
from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session, aliased, contains_eager

from ..models import Flag, Party, RecordProvince, Registration, User
from ..registry.visibility import in_provinces, visible_clause
from .rules import RULES
from .views import SEVERITY_ORDER, flag_dict, payloads


@dataclass
class FlagQuery:
    status: str | None = "open"
    rule: str | None = None
    severity: str | None = None
    province: str | None = None  # new province code (or old, with province_vintage="old")
    province_vintage: str = "new"
    holder_kind: str | None = None
    assignee: str | None = None  # username, or "-" for unassigned
    registration_id: int | None = None
    scope: list[str] | None = None
    limit: int | None = None
    offset: int = 0


def _where(query: FlagQuery):
    holder = aliased(Party)
    conditions = []
    if query.status:
        conditions.append(Flag.status == query.status)
    if query.rule:
        conditions.append(Flag.rule == query.rule)
    if query.severity:
        conditions.append(Flag.severity == query.severity)
    if query.registration_id:
        conditions.append(Flag.registration_id == query.registration_id)
    if query.province:
        conditions.append(in_provinces(Flag.registration_id, query.province_vintage, [query.province]))
    conditions += visible_clause(query.scope, record_id=Flag.registration_id)
    if query.holder_kind:
        conditions.append(exists().where(holder.id == Registration.holder_id, holder.kind == query.holder_kind))
    if query.assignee == "-":
        conditions.append(Flag.assignee_id.is_(None))
    elif query.assignee:
        conditions.append(exists().where(User.id == Flag.assignee_id, User.username == query.assignee))
    return and_(*conditions) if conditions else True


def list_flags(session: Session, query: FlagQuery) -> tuple[list[Flag], int]:
    """Flags sorted by severity (high first), then record and rule."""
    where = _where(query)
    total = session.scalar(select(func.count()).select_from(Flag).join(Registration).where(where)) or 0
    # high, medium, low: booleans sort False first
    order = [Flag.severity != "high", Flag.severity != "medium", Registration.kind, Registration.reg_no, Flag.rule,
             Flag.id]
    stmt = (select(Flag).join(Registration).options(contains_eager(Flag.registration)).where(where).order_by(*order)
            .offset(query.offset))
    if query.limit:
        stmt = stmt.limit(query.limit)
    return list(session.scalars(stmt)), total


def flags_json(session: Session, query: FlagQuery) -> list[dict]:
    flags, _ = list_flags(session, query)
    words = payloads(session, flags)
    return [flag_dict(f, words[f.id]) for f in flags]


def record_flags(session: Session, reg: Registration) -> list[Flag]:
    """The flags of one record that were not dismissed, oldest first."""
    return list(session.scalars(select(Flag).where(Flag.registration_id == reg.id, Flag.status != "dismissed")
                                .order_by(Flag.id)))


def valid_rule(rule: str | None) -> bool:
    return rule is None or rule in RULES


# --- the queue: one line per record ------------------------------------------------------------------------

RANK = case(*((Flag.severity == s, n) for s, n in SEVERITY_ORDER.items()), else_=len(SEVERITY_ORDER))


def queue_order(session: Session, query: FlagQuery) -> list[int]:
    """The ids of the records with a flag matching ``query``: those with a high flag first, then medium, then
    low, each group in the Vietnamese order of the record names (``name_key``, as the registry sorts), then
    kind, number and id: a total order, so that a page never repeats or skips a record."""
    rank = func.min(RANK)
    stmt = (select(Registration.id).select_from(Flag).join(Registration, Registration.id == Flag.registration_id)
            .where(_where(query)).group_by(Registration.id)
            .order_by(rank, Registration.name_key, Registration.kind, Registration.reg_no, Registration.id))
    return list(session.scalars(stmt))


def flags_of_records(session: Session, query: FlagQuery, record_ids: list[int]) -> dict[int, list[Flag]]:
    """The flags matching ``query`` of these records, each record's sorted by severity, then rule."""
    if not record_ids:
        return {}
    stmt = (select(Flag).join(Registration).options(contains_eager(Flag.registration))
            .where(_where(query), Flag.registration_id.in_(record_ids)).order_by(RANK, Flag.rule, Flag.id))
    grouped: dict[int, list[Flag]] = {i: [] for i in record_ids}
    for flag in session.scalars(stmt).unique():
        grouped[flag.registration_id].append(flag)
    return grouped


def queue_counts(session: Session, query: FlagQuery) -> dict[str, dict[str, int]]:
    """Flags per rule and per severity under the other filters (each count ignores its own filter, so that
    it says what choosing it would list), and the flags the current filters list ("flags")."""
    def count(column, where) -> dict[str, int]:
        stmt = (select(column, func.count()).select_from(Flag).join(Registration).where(where).group_by(column))
        return {key: n for key, n in session.execute(stmt)}

    severity = count(Flag.severity, _where(replace(query, severity=None)))
    flags = severity.get(query.severity, 0) if query.severity else sum(severity.values())
    return {"rule": count(Flag.rule, _where(replace(query, rule=None))), "severity": severity, "flags": flags}


def record_provinces(session: Session, record_ids: list[int], vintage: str = "new") -> dict[int, list[str]]:
    """The province codes of a vintage each record touches (its area and parties), for the queue's lines."""
    out: dict[int, list[str]] = {i: [] for i in record_ids}
    if record_ids:
        stmt = (select(RecordProvince.registration_id, RecordProvince.province_code)
                .where(RecordProvince.registration_id.in_(record_ids), RecordProvince.vintage == vintage)
                .order_by(RecordProvince.registration_id, RecordProvince.province_code))
        for record_id, code in session.execute(stmt):
            out[record_id].append(code)
    return out
