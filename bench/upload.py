"""Batch re-assignment benchmark: validate (preview) and apply 5,000 rows on generated records.

Baseline in the same run: applying the same kind of change record by record through the single-record
recordal (one transaction each), on a slice, extrapolated. Target: ≤ 15 s for validation and for apply.
"""
from __future__ import annotations

import csv
import io
import sys
import time

from common import Figure, app_for, fresh_instance, ipreg, table, timed
from generate import import_generated


def reassignment_csv(session, gaz, n: int) -> bytes:
    from sqlalchemy import select

    from ipreg.models import Party, Registration

    rows = session.execute(select(Registration.kind, Registration.reg_no, Party.unit_id)
                           .join(Party, Party.id == Registration.manager_id)
                           .where(Registration.kind == "GI").limit(n)).all()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kind", "reg_no", "role", "new_party", "new_party_kind", "new_party_unit", "decision_no",
                     "decision_date", "effective_date", "note"])
    for kind, reg_no, unit_id in rows:
        old = gaz.units[unit_id]
        province = gaz.successors_of(gaz.by_key[("old", old.province_code)])[0][1]
        writer.writerow([kind, reg_no, "manager", f"Sở Khoa học và Công nghệ {province.name.lower()}", "dost",
                         province.code, "15/QĐ-UBND", "2025-08-01", "2025-08-01", "benchmark"])
    return out.getvalue().encode("utf-8"), len(rows)


def run(smoke: bool = False) -> list[Figure]:
    n = 500 if smoke else 5_000
    env = fresh_instance()
    ipreg("init", env=env)
    app = app_for(env)
    from ipreg.batches import service as batches
    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.reform.engine import run_registry

    with app.app_context():
        gaz = get_gazetteer(db.session)
        import_generated(db.session, gaz, n * 3)
        run_registry(db.session)
        data, rows = reassignment_csv(db.session, gaz, n)
        assert rows == n, rows
        validate_s, preview = timed(lambda: batches.preview(db.session, data, "bench.csv", actor="bench",
                                                            max_rows=n + 1, max_cell_chars=2000, max_bytes=None))
        assert not preview["errors"], preview["errors"][:3]
        apply_s, applied = timed(lambda: batches.apply(db.session, preview["batch"], confirm=n, actor="bench"))
        assert applied["changed"] == n
        naive = naive_apply_seconds(db.session, gaz, preview["changes"][:100]) * n / 100
        db.session.remove()
    return [
        Figure("upload", f"validate {n:,} rows", validate_s, "s", "≤ 15 s", validate_s <= 15),
        Figure("upload", f"apply {n:,} rows ({applied['flags_resolved']:,} flags resolved)", apply_s, "s",
               "≤ 15 s", apply_s <= 15, naive),
    ]


def naive_apply_seconds(session, gaz, plan) -> float:
    """Record by record, one transaction each, through the single-record recordal (rolled back after)."""
    from datetime import date

    from ipreg.models import Party, Registration
    from ipreg.registry.parties import PartyBook
    from ipreg.registry.recordals import change_party

    start = time.perf_counter()
    for item in plan:
        reg = session.get(Registration, item["registration_id"])
        party = session.get(Party, PartyBook(session).id_for(
            item["after"]["name"] + " (naive)", item["after"]["kind"],
            gaz.by_key[("new", item["after"]["unit"]["code"])].id))
        change_party(session, gaz, reg, "manager", party, date(2025, 8, 2), source="bench", actor="bench")
        session.flush()
    elapsed = time.perf_counter() - start
    session.rollback()
    return elapsed


if __name__ == "__main__":
    print(table(run(smoke="--smoke" in sys.argv)))
