"""Cost growth: the flag run and the import at 2k, 20k and 200k records (should grow linearly).

The growth factor is time(10 n) / time(n): 10 means linear. The full run takes several minutes (200,000
records); the smoke pass uses 200, 2,000 and 20,000.
"""
from __future__ import annotations

import sys

from common import Figure, app_for, fresh_instance, ipreg, table, timed
from generate import records_csv


def measure(n: int) -> tuple[float, float]:
    env = fresh_instance()
    ipreg("init", env=env)
    app = app_for(env)
    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.reform.engine import run_registry
    from ipreg.registry.record_import import import_records

    with app.app_context():
        data = records_csv(get_gazetteer(db.session), n, seed=n)
        import_s, report = timed(lambda: import_records(db.session, data, "g.csv", max_rows=n, max_bytes=None))
        assert report.imported and report.created == n
        db.session.remove()
        flags_s, _ = timed(lambda: run_registry(db.session))
        db.session.remove()
        db.engine.dispose()
    return import_s, flags_s


def run(smoke: bool = False) -> list[Figure]:
    sizes = (100, 1_000, 10_000) if smoke else (2_000, 20_000, 200_000)
    results = {n: measure(n) for n in sizes}
    figures = []
    for label, index in (("import", 0), ("flag run", 1)):
        for n in sizes:
            figures.append(Figure("growth", f"{label}, {n:,} records", results[n][index], "s"))
        for small, large in zip(sizes, sizes[1:]):
            factor = results[large][index] / results[small][index]
            figures.append(Figure("growth", f"{label}: time({large:,}) / time({small:,})", factor, "×",
                                  "≈ 10 (linear), ≤ 15", factor <= 15))
    return figures


if __name__ == "__main__":
    print(table(run(smoke="--smoke" in sys.argv)))
