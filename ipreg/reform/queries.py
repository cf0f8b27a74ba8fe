"""Listing flags: filters of the review queue and of ``ipreg flags list``, with provincial scope."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased, contains_eager

from ..models import Flag, Party, Registration, User
from ..registry.visibility import in_provinces, visible_clause
from .rules import RULES
from .views import flag_dict, payloads


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
