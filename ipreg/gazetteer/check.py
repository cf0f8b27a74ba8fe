"""Compare the package's succession with the statistics office's table (which decides), as stored in the database."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ..core.errors import N_, IpregError
from ..models import AdminUnit, Succession, UnitSpan
from .crosswalk import SourceLink, compare_links

DECIDES = N_("Where the two differ, ipreg follows the statistics office's table; the package's links are kept "
             "beside it as evidence.")


def _links(session: Session, source: str) -> list[SourceLink]:
    old, new = aliased(AdminUnit), aliased(AdminUnit)
    parents = set(session.scalars(select(AdminUnit.parent_id).where(AdminUnit.parent_id.is_not(None))))
    rows = session.execute(
        select(old.id, old.code, old.level, new.code, Succession.kind)
        .join(old, old.id == Succession.old_id).join(new, new.id == Succession.new_id)
        .where(Succession.source == source, old.level.in_(("commune", "district")))).all()
    # Districts count only where they had no communes (islands): other district links are derived.
    return [SourceLink(code, level, new_code, kind) for unit_id, code, level, new_code, kind in rows
            if level == "commune" or unit_id not in parents]


def check_sources(session: Session) -> dict:
    """Every old unit on which the package and the imported table disagree, with what each says."""
    table = _links(session, "nso")
    if not table:
        raise IpregError(N_("No statistics office table is loaded: put it under IPREG_GEODATA (crosswalk/) and "
                            "run `ipreg init`, or run `ipreg gazetteer import-crosswalk FILE`"))
    names = dict(session.execute(select(AdminUnit.code, AdminUnit.name).where(AdminUnit.vintage == "old")).all())
    new_names = dict(session.execute(select(AdminUnit.code, AdminUnit.name).where(AdminUnit.vintage == "new")).all())
    report = compare_links(_links(session, "vau"), table, names)
    for item in report:
        for side in ("package", "table"):
            for link in item[side]:
                link["name"] = new_names.get(link["code"], "")
    return {"disagreements": len(report), "compared_old_units": len({(l.old_level, l.old_code) for l in table}),
            "decides": "table", "note": DECIDES, "items": report, "history": check_history(session)}


def check_history(session: Session) -> dict:
    """The chain any date → 2025-06-30: spans by how their successor was found, those with none (asked of
    the officer), and any whose successor is not on the list of 2025-06-30 (a broken chain: should be 0)."""
    spans = session.execute(select(UnitSpan.level, UnitSpan.code, UnitSpan.name, UnitSpan.succ_code,
                                   UnitSpan.method)).all()
    if not spans:
        return {"spans": 0}
    listed = {(level, code) for level, code in session.execute(
        select(AdminUnit.level, AdminUnit.code).where(AdminUnit.vintage == "old"))}
    broken = [{"level": s.level, "code": s.code, "name": s.name, "successor": s.succ_code} for s in spans
              if s.succ_code and s.method != "unresolved" and (s.level, s.succ_code) not in listed]
    return {"spans": len(spans), "by_method": dict(Counter(s.method for s in spans)),
            "without_successor": sum(1 for s in spans if not s.succ_code or s.method == "unresolved"),
            "broken_chains": broken}
