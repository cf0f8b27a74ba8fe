"""Flag engine benchmark: a full run over 20,000 generated records, a re-run, and a naive baseline.

The naive baseline, measured in the same process on the same data, decides the same rules record by record
with queries (the record's parties and their units' successors; the area's communes, their successors and
those successors' predecessors) and adds its flags through the ORM, as an ORM loop would; it builds no
suggestions or evidence, so it flatters itself. It runs on a slice (rolled back) and is extrapolated. Targets: full run ≤ 2 s; ≥ 100× the baseline;
a re-run with no change ≤ 1 s and writes nothing.
"""
from __future__ import annotations

import sys
import time

from common import Figure, app_for, fresh_instance, ipreg, table, timed
from generate import import_generated


def naive_run(session, limit: int) -> float:
    """The same rules record by record, as an ORM loop would write them: query the record's parties and
    their units' successors (abolished, merged, split, renamed); the area's units, their communes, each
    commune's successors and each successor's predecessors (whole or part, provinces crossed, re-expression);
    add each flag through the ORM and flush. Runs on a slice (rolled back) and is extrapolated."""
    from datetime import datetime

    from sqlalchemy import select

    from ipreg.core.text import slug
    from ipreg.models import AdminUnit, AreaEntry, Flag, Party, Registration, Succession

    def successors(unit):
        return session.scalars(select(Succession).where(Succession.old_id == unit.id,
                                                        Succession.source == "vau")).all()

    start = time.perf_counter()
    for reg in session.scalars(select(Registration).limit(limit)).all():
        findings = []
        for role, party_id in (("holder", reg.holder_id), ("manager", reg.manager_id)):
            if not party_id:
                continue
            party = session.get(Party, party_id)
            unit = session.get(AdminUnit, party.unit_id) if party.unit_id else None
            if unit is None or unit.vintage != "old":
                continue
            links = successors(unit)
            state = party.kind not in ("association", "cooperative", "farmers_union", "enterprise", "individual",
                                       "foreign")
            if unit.level == "district" and state:
                findings.append((f"{role.upper()}_BODY_ABOLISHED", role))
            elif len(links) > 1 and state:
                findings.append((f"{role.upper()}_UNIT_SPLIT", role))
            elif len(links) == 1:
                new = session.get(AdminUnit, links[0].new_id)
                if slug(new.short_name) != slug(unit.short_name):
                    findings.append((f"{role.upper()}_BODY_MERGED" if state else "ADDRESS_OUTDATED", role))
        communes = []
        for entry in session.scalars(select(AreaEntry).where(AreaEntry.registration_id == reg.id)):
            unit = session.get(AdminUnit, entry.unit_id)
            communes += [unit] if unit.level == "commune" else session.scalars(
                select(AdminUnit).where(AdminUnit.parent_id == unit.id)).all()
        in_area = {c.id for c in communes}
        provinces, partial = set(), False
        for commune in communes:
            for link in successors(commune):
                new = session.get(AdminUnit, link.new_id)
                provinces.add(new.province_code)
                before = session.scalars(select(Succession.old_id).where(Succession.new_id == new.id,
                                                                         Succession.source == "vau")).all()
                partial = partial or not set(before) <= in_area or link.kind == "part"
        if len(provinces) > 1:
            findings.append(("AREA_CROSSES_PROVINCES", "area"))
        if partial:
            findings.append(("AREA_PARTIAL_UNITS", "area"))
        if communes:
            findings.append(("AREA_REEXPRESSION", "area"))
        now = datetime.utcnow()
        for rule, subject in dict.fromkeys(findings):
            session.add(Flag(registration_id=reg.id, rule=rule, subject=subject, severity="high", status="open",
                             fingerprint="naive", created_at=now, updated_at=now, version=1))
        session.flush()
    elapsed = time.perf_counter() - start
    session.rollback()
    return elapsed


def run(smoke: bool = False) -> list[Figure]:
    n = 2_000 if smoke else 20_000
    env = fresh_instance()
    ipreg("init", env=env)
    app = app_for(env)
    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.reform.engine import run_registry

    with app.app_context():
        gaz = get_gazetteer(db.session)
        import_generated(db.session, gaz, n)
        db.session.remove()
        slice_size = 200 if smoke else 500
        naive = naive_run(db.session, slice_size) * n / slice_size  # first: it adds (then drops) flags
        db.session.remove()
        first_seconds, first = timed(lambda: run_registry(db.session))
        db.session.remove()
        again_seconds, again = timed(lambda: run_registry(db.session))
        db.session.remove()
        forced_seconds, forced = timed(lambda: run_registry(db.session, full=True))
        db.session.remove()
    figures = [
        Figure("flags", f"full run, {n:,} records ({first.opened:,} flags)", first_seconds, "s", "≤ 2 s, ≥ 100×",
               first_seconds <= 2 and naive / first_seconds >= 100, naive),
        Figure("flags", f"re-run, no change ({again.writes} writes)", again_seconds, "s", "≤ 1 s, 0 writes",
               again_seconds <= 1 and again.writes == 0, naive),
        Figure("flags", f"forced full re-run, no change ({forced.writes} writes)", forced_seconds, "s", "",
               None, naive),
    ]
    return figures


if __name__ == "__main__":
    print(table(run(smoke="--smoke" in sys.argv)))
