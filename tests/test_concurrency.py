"""Concurrent officers and writers, on SQLite and on PostgreSQL: no lost update, no "database is locked"."""
import threading
from datetime import date

import pytest
from sqlalchemy import select


def _registration_id(app, reg_no):
    from ipreg.extensions import db
    from ipreg.models import Registration

    with app.app_context():
        return db.session.scalar(select(Registration.id).where(Registration.reg_no == reg_no))


def test_concurrent_edits_lose_no_update(loaded):
    """Officers edit one record at the same time; each read-modify-write retries on a version conflict."""
    from ipreg.core.errors import Conflict
    from ipreg.database import begin_write
    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.models import Registration
    from ipreg.registry.recordals import change_details, check_version

    reg_id = _registration_id(loaded, "00041")
    with loaded.app_context():
        reg = db.session.get(Registration, reg_id)
        reg.notes = "0"
        db.session.commit()
    workers, increments = 6, 5
    conflicts, errors = [], []
    start = threading.Barrier(workers)

    def officer():
        with loaded.app_context():
            start.wait()
            done = 0
            while done < increments:
                reg = db.session.get(Registration, reg_id)  # the page the officer reads
                seen_version, seen_value = reg.version, int(reg.notes)
                db.session.commit()
                try:
                    begin_write(db.session)  # the form the officer submits
                    reg = db.session.get(Registration, reg_id)
                    check_version(reg, seen_version)
                    change_details(db.session, get_gazetteer(db.session), reg, {"notes": str(seen_value + 1)},
                                   date.today(), source="edit", actor="officer")
                    db.session.commit()
                    done += 1
                except Conflict:
                    db.session.rollback()
                    conflicts.append(1)
                except Exception as exc:  # noqa: BLE001 - counted and reported below
                    db.session.rollback()
                    errors.append(repr(exc))
            db.session.remove()

    threads = [threading.Thread(target=officer) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    with loaded.app_context():
        assert db.session.get(Registration, reg_id).notes == str(workers * increments)  # 0 lost updates
    assert conflicts  # the officers did collide, and were told


def test_concurrent_writers_never_see_database_locked(loaded):
    from ipreg.core.audit import audit
    from ipreg.database import begin_write
    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.models import AuditEntry, Registration
    from ipreg.registry.recordals import change_details

    ids = [_registration_id(loaded, n) for n in ("00005", "00041", "00055", "00017")]
    failures = []
    start = threading.Barrier(4)

    def writer(n):
        with loaded.app_context():
            start.wait()
            for i in range(15):
                try:
                    db.session.scalar(select(Registration.version).where(Registration.id == ids[n]))  # read first
                    begin_write(db.session)
                    reg = db.session.get(Registration, ids[n])
                    change_details(db.session, get_gazetteer(db.session), reg, {"notes": f"w{n}-{i}"}, date.today(),
                                   source="edit", actor=f"w{n}")
                    audit(db.session, f"w{n}", "test.write")
                    db.session.commit()
                except Exception as exc:  # noqa: BLE001
                    db.session.rollback()
                    failures.append(repr(exc))
            db.session.remove()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not [f for f in failures if "locked" in f]
    assert failures == []
    with loaded.app_context():
        assert db.session.query(AuditEntry).filter(AuditEntry.action == "test.write").count() == 60


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    from ipreg.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_concurrent_decisions_on_one_flag_keep_exactly_one(loaded):
    """Officers decide the same flag at once while a full flag run writes: one decision wins, every other
    officer is told (a conflict, shown as 409 on the web), and the run does not undo the decision."""
    from sqlalchemy.orm.exc import StaleDataError

    from ipreg.core.errors import Conflict
    from ipreg.database import begin_write
    from ipreg.extensions import db
    from ipreg.models import Flag
    from ipreg.reform.engine import run_registry
    from ipreg.reform.review import dismiss_flag

    with loaded.app_context():
        run_registry(db.session)
        db.session.commit()
        flag_id = db.session.scalar(select(Flag.id).where(Flag.status == "open", Flag.severity == "high")
                                    .order_by(Flag.id))
    workers = 6
    won, told, errors = [], [], []
    start = threading.Barrier(workers + 1)

    def officer(n):
        with loaded.app_context():
            start.wait()
            seen = db.session.get(Flag, flag_id).version  # the flag page the officer reads
            db.session.commit()
            try:
                begin_write(db.session)
                dismiss_flag(db.session, db.session.get(Flag, flag_id), f"decided by officer {n}", actor=f"o{n}",
                             expected_version=seen)
                db.session.commit()
                won.append(n)
            except (Conflict, StaleDataError):
                db.session.rollback()
                told.append(n)
            except Exception as exc:  # noqa: BLE001 - reported below
                db.session.rollback()
                errors.append(repr(exc))
            db.session.remove()

    def engine():
        with loaded.app_context():
            start.wait()
            try:
                run_registry(db.session, full=True)
                db.session.commit()
            except Exception as exc:  # noqa: BLE001
                db.session.rollback()
                errors.append(repr(exc))
            db.session.remove()

    threads = [threading.Thread(target=officer, args=(n,)) for n in range(workers)] + [threading.Thread(target=engine)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert len(won) == 1 and len(told) == workers - 1
    with loaded.app_context():
        run_registry(db.session, full=True)  # a later run leaves the decision alone too
        db.session.commit()
        flag = db.session.get(Flag, flag_id)
        assert flag.status == "dismissed" and flag.closed_reason == f"decided by officer {won[0]}"
