"""Registry benchmark: import 20,000 generated records built from real units; search p50/p95 on them.

Baselines in the same run: a naive import (per row: uncached name resolution, ORM objects, a commit)
on a slice, extrapolated; and search by loading every record and matching in Python.
Targets: import ≤ 30 s; search p95 ≤ 50 ms.
"""
from __future__ import annotations

import random
import statistics
import sys
import time

from common import Figure, app_for, fresh_instance, ipreg, table, timed
from generate import records_csv


def run(smoke: bool = False) -> list[Figure]:
    n = 2_000 if smoke else 20_000
    env = fresh_instance()
    ipreg("init", env=env)
    app = app_for(env)
    from ipreg.core.text import fold
    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.models import Registration
    from ipreg.registry.record_import import import_records
    from ipreg.registry.search import RecordQuery, search_records

    figures = []
    with app.app_context():
        gaz = get_gazetteer(db.session)
        data = records_csv(gaz, n)
        seconds, report = timed(lambda: import_records(db.session, data, "generated.csv", max_rows=n,
                                                       max_bytes=None))
        assert report.imported and report.created == n, report.as_dict()["errors"][:3]
        naive = naive_import_seconds(db.session, gaz, records_csv(gaz, 200, seed=2)) * n / 200
        figures.append(Figure("registry", f"import {n:,} records", seconds, "s", "≤ 30 s", seconds <= 30, naive))

        rng = random.Random(3)
        names = [r.name for r in db.session.query(Registration.name).limit(2000)]
        queries = []
        for _ in range(200):
            words = fold(rng.choice(names)).split()
            queries.append(RecordQuery(q=" ".join(rng.sample(words, min(2, len(words))))))
            queries.append(RecordQuery(new_province=rng.choice(["24", "01", "79", "33"]), flagged=None))
            queries.append(RecordQuery(q=rng.choice(["che", "ca phe", "buoi", "mat ong"]), kind="GI", sort="granted_on"))
        times = []
        for query in queries:
            start = time.perf_counter()
            search_records(db.session, query)
            times.append(time.perf_counter() - start)
        p50, p95 = statistics.median(times), statistics.quantiles(times, n=20)[18]

        def naive_search(q):
            words = fold(q).split()
            return [r for r in db.session.query(Registration).all() if all(w in fold(r.name + " " + (r.product or ""))
                                                                           for w in words)]

        naive, _ = timed(lambda: naive_search("che"), repeat=1 if smoke else 3)
        db.session.remove()
    figures.append(Figure("registry", "search p50", p50 * 1000, "ms", "", None, naive * 1000))
    figures.append(Figure("registry", "search p95", p95 * 1000, "ms", "≤ 50 ms", p95 <= 0.050, naive * 1000))
    return figures


def naive_import_seconds(session, gaz, data: bytes) -> float:
    """Per row: resolve every unit afresh, build ORM objects, commit; rolled back afterwards."""
    import csv
    import io

    from ipreg.core.clock import utcnow
    from ipreg.core.text import fold
    from ipreg.models import AreaEntry, Party, Registration

    rows = list(csv.DictReader(io.StringIO(data.decode())))
    start = time.perf_counter()
    created = []
    for i, row in enumerate(rows):
        units = [gaz.names.resolve(t.strip(), "old").match for t in row["area_units"].split(";")]
        holder = Party(key=f"naive|{i}", name=row["holder"], name_folded=fold(row["holder"]), kind=row["holder_kind"])
        session.add(holder)
        session.flush()
        reg = Registration(kind=row["kind"], reg_no="N" + row["reg_no"], internal_id=f"NAIVE-{i}", name=row["name"],
                           status="registered", holder_id=holder.id, created_at=utcnow(), updated_at=utcnow())
        session.add(reg)
        session.flush()
        for position, unit in enumerate(u for u in units if u):
            session.add(AreaEntry(registration_id=reg.id, unit_id=unit.id, position=position))
        session.commit()
        created.append((reg, holder))
    elapsed = time.perf_counter() - start
    from sqlalchemy import delete

    reg_ids, party_ids = [r.id for r, _ in created], [h.id for _, h in created]
    session.execute(delete(AreaEntry).where(AreaEntry.registration_id.in_(reg_ids)))
    session.execute(delete(Registration).where(Registration.id.in_(reg_ids)))
    session.execute(delete(Party).where(Party.id.in_(party_ids)))
    session.commit()
    return elapsed


if __name__ == "__main__":
    print(table(run(smoke="--smoke" in sys.argv)))
