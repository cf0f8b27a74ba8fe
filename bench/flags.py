"""Flag engine benchmark: a full run over 20,000 generated records, a re-run, and a naive baseline.

The naive baseline, measured in the same process on the same data, evaluates record by record with
queries (the record's parties, its area entries, each unit's successors and their provinces), as an ORM
loop would; it runs on a slice and is extrapolated. Targets: full run ≤ 2 s; ≥ 100× the baseline;
a re-run with no change ≤ 1 s and writes nothing.
"""
from __future__ import annotations

import sys
import time

from common import Figure, app_for, fresh_instance, ipreg, table, timed
from generate import import_generated


def naive_run(session, limit: int) -> float:
    from sqlalchemy import select

    from ipreg.models import AdminUnit, AreaEntry, Party, Registration, Succession

    start = time.perf_counter()
    for reg in session.scalars(select(Registration).limit(limit)):
        findings = []
        for party_id in (reg.holder_id, reg.manager_id):
            if not party_id:
                continue
            party = session.get(Party, party_id)
            unit = session.get(AdminUnit, party.unit_id) if party.unit_id else None
            if unit is not None and unit.vintage == "old":
                successors = session.scalars(select(Succession).where(Succession.old_id == unit.id)).all()
                if unit.level == "district" and party.kind in ("district_pc", "state_agency"):
                    findings.append("ABOLISHED")
                elif len(successors) > 1:
                    findings.append("SPLIT")
        provinces = set()
        for entry in session.scalars(select(AreaEntry).where(AreaEntry.registration_id == reg.id)):
            unit = session.get(AdminUnit, entry.unit_id)
            communes = [unit] if unit.level == "commune" else session.scalars(
                select(AdminUnit).where(AdminUnit.parent_id == unit.id)).all()
            for commune in communes:
                for link in session.scalars(select(Succession).where(Succession.old_id == commune.id,
                                                                     Succession.source == "vau")):
                    provinces.add(session.get(AdminUnit, link.new_id).province_code)
        if len(provinces) > 1:
            findings.append("CROSSES")
    return time.perf_counter() - start


def run(smoke: bool = False) -> list[Figure]:
    n = 2_000 if smoke else 20_000
    env = fresh_instance()
    ipreg("init", env=env)
    app = app_for(env)
    from ipreg.domain.flags import run_registry
    from ipreg.domain.gazetteer import get_gazetteer
    from ipreg.extensions import db

    with app.app_context():
        gaz = get_gazetteer(db.session)
        import_generated(db.session, gaz, n)
        db.session.remove()
        first_seconds, first = timed(lambda: run_registry(db.session))
        db.session.remove()
        again_seconds, again = timed(lambda: run_registry(db.session))
        db.session.remove()
        forced_seconds, forced = timed(lambda: run_registry(db.session, full=True))
        db.session.remove()
        slice_size = 200 if smoke else 500
        naive = naive_run(db.session, slice_size) * n / slice_size
        db.session.remove()
    figures = [
        Figure("flags", f"full run, {n:,} records ({first.opened:,} flags)", first_seconds, "s", "≤ 2 s",
               first_seconds <= 2 and naive / first_seconds >= 100, naive),
        Figure("flags", f"re-run, no change ({again.writes} writes)", again_seconds, "s", "≤ 1 s, 0 writes",
               again_seconds <= 1 and again.writes == 0, naive),
        Figure("flags", f"forced full re-run, no change ({forced.writes} writes)", forced_seconds, "s", "",
               None, naive),
    ]
    return figures


if __name__ == "__main__":
    print(table(run(smoke="--smoke" in sys.argv)))
