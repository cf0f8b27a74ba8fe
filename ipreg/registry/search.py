"""Search the registry: accent-insensitive words, filters, sorting, pages, and provincial scope.

Scope (the new provinces a provincial user may see) is applied here, in the query, so that no page,
export or API call can show another province's records.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from ..core.text import fold
from ..models import Flag, Party, RecordProvince, Registration
from .visibility import in_provinces, visible_clause

SORTS = {"name": Registration.name_key, "reg_no": Registration.reg_no, "kind": Registration.kind,
         "granted_on": Registration.granted_on, "status": Registration.status, "updated": Registration.updated_at}
# The search screen's columns, which its CSV/XLSX export repeats one for one.
RESULT_COLUMNS = ["kind", "reg_no", "name", "product", "status", "granted_on", "holder", "manager", "provinces_old",
                  "provinces_new", "open_flags"]


def result_columns(with_flags: bool) -> list[str]:
    """The columns a reader sees: flag counts only for signed-in users (not for the anonymous public)."""
    return RESULT_COLUMNS if with_flags else [c for c in RESULT_COLUMNS if c != "open_flags"]


@dataclass
class RecordQuery:
    q: str = ""
    kind: str | None = None
    status: str | None = None
    old_province: str | None = None
    new_province: str | None = None
    holder_kind: str | None = None
    flagged: bool | None = None
    sort: str = "name"
    desc: bool = False
    page: int = 1
    per_page: int = 25
    scope: list[str] | None = None  # new province codes the user may see; None = all
    public_only: bool = False  # anonymous read: registered records only
    ids: list[int] | None = field(default=None)


def _in_province(vintage: str, codes) -> object:
    return in_provinces(Registration.id, vintage, codes)


def filtered(query: RecordQuery):
    """The WHERE clauses of a query (shared by the page, its count and its export)."""
    holder = aliased(Party)
    conditions = []
    for word in fold(query.q).split():
        conditions.append(Registration.search_text.contains(word, autoescape=True))
    if query.kind:
        conditions.append(Registration.kind == query.kind)
    if query.status:
        conditions.append(Registration.status == query.status)
    conditions += visible_clause(query.scope, query.public_only)
    if query.old_province:
        conditions.append(_in_province("old", [query.old_province]))
    if query.new_province:
        conditions.append(_in_province("new", [query.new_province]))
    if query.holder_kind:
        conditions.append(exists().where(holder.id == Registration.holder_id, holder.kind == query.holder_kind))
    if query.flagged is not None:
        open_flag = exists().where(Flag.registration_id == Registration.id, Flag.status == "open")
        conditions.append(open_flag if query.flagged else ~open_flag)
    if query.ids is not None:
        conditions.append(Registration.id.in_(query.ids))
    return and_(*conditions) if conditions else True


def search_records(session: Session, query: RecordQuery, paginate: bool = True, with_areas: bool = False
                   ) -> tuple[list[Registration], int]:
    where = filtered(query)
    total = session.scalar(select(func.count()).select_from(Registration).where(where))
    order = SORTS.get(query.sort, Registration.name)
    stmt = select(Registration).where(where).order_by(order.desc() if query.desc else order, Registration.id)
    if with_areas:
        stmt = stmt.options(selectinload(Registration.area_entries))
    if paginate:
        stmt = stmt.limit(query.per_page).offset((max(query.page, 1) - 1) * query.per_page)
    return list(session.scalars(stmt)), total or 0


def result_rows(session: Session, records: list[Registration]) -> list[dict]:
    """The columns of the result screen and of its CSV/XLSX export."""
    ids = [r.id for r in records]
    provinces: dict[tuple[int, str], list[str]] = {}
    flags: dict[int, int] = {}
    if ids:
        for reg_id, vintage, code in session.execute(select(
                RecordProvince.registration_id, RecordProvince.vintage, RecordProvince.province_code)
                .where(RecordProvince.registration_id.in_(ids)).order_by(RecordProvince.province_code)):
            provinces.setdefault((reg_id, vintage), []).append(code)
        flags = dict(session.execute(select(Flag.registration_id, func.count()).where(
            Flag.registration_id.in_(ids), Flag.status == "open").group_by(Flag.registration_id)).all())
    rows = []
    for reg in records:
        rows.append({
            "kind": reg.kind, "reg_no": reg.reg_no or reg.internal_id, "name": reg.name, "product": reg.product or "",
            "status": reg.status, "granted_on": reg.granted_on.isoformat() if reg.granted_on else "",
            "holder": reg.holder.name if reg.holder else "", "holder_kind": reg.holder.kind if reg.holder else "",
            "manager": reg.manager.name if reg.manager else "", "manager_kind": reg.manager.kind if reg.manager else "",
            "provinces_old": ", ".join(provinces.get((reg.id, "old"), [])),
            "provinces_new": ", ".join(provinces.get((reg.id, "new"), [])),
            "open_flags": flags.get(reg.id, 0), "internal_id": reg.internal_id,
        })
    return rows
