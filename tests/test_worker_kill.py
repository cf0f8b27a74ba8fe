"""kill -9 of a real ``ipreg worker`` mid-job: the job ends within its lease, nothing of it is written, the
worker comes back under ``ipreg serve``'s supervisor, and the next job runs."""
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import ROOT
from sqlalchemy import func, select

LEASE = 3.0  # seconds: short, so that the test waits little
sys.path.insert(0, str(ROOT / "bench"))


def _env(app) -> dict:
    return {**os.environ, "IPREG_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "IPREG_INSTANCE_PATH": app.instance_path, "IPREG_GEODATA": app.config["IPREG_GEODATA"],
            "IPREG_CACHE_DIR": app.config["IPREG_CACHE_DIR"], "IPREG_SECRET_KEY": "test-secret-key",
            "IPREG_JOB_LEASE_SECONDS": str(LEASE), "IPREG_RUN_JOBS_INLINE": "0"}


def _worker(app, log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen([str(Path(sys.executable).with_name("ipreg")), "worker", "--nice", "0"],
                                env=_env(app), stdout=out, stderr=subprocess.STDOUT)


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _job(app, job_id):
    from ipreg.extensions import db
    from ipreg.jobs.queue import current

    with app.app_context():
        job = current(db.session, job_id)  # ends it when its lease expired, as the page and `jobs watch` do
        db.session.expunge(job)
        db.session.remove()
        return job


def _counts(app) -> dict:
    from ipreg.extensions import db
    from ipreg.models import Flag, RecordFact, Registration

    with app.app_context():
        out = {m.__name__: db.session.scalar(select(func.count()).select_from(m))
               for m in (Registration, RecordFact, Flag)}
        db.session.remove()
        return out


def _queue(app, kind, params) -> int:
    from ipreg.extensions import db
    from ipreg.jobs.queue import enqueue

    with app.app_context():
        job_id = enqueue(db.session, kind, params, "test").id
        db.session.commit()
        db.session.remove()
        return job_id


def test_a_killed_import_ends_within_its_lease_and_jobs_watch_returns(loaded, tmp_path):
    from generate import records_csv

    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer

    with loaded.app_context():
        data = records_csv(get_gazetteer(db.session), 3000, seed=7)
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    before = _counts(loaded)
    job_id = _queue(loaded, "import_records", {"path": str(path), "filename": "big.csv", "max_rows": 5000})
    worker = _worker(loaded, tmp_path / "worker.log")
    try:
        _wait(lambda: _job(loaded, job_id).message == "writing the records", 60, "the import to write")
        time.sleep(0.3)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        assert _job(loaded, job_id).status == "running"  # nobody has noticed yet
        watched = subprocess.run([str(Path(sys.executable).with_name("ipreg")), "jobs", "watch", str(job_id),
                                  "--interval", "0.2"], env=_env(loaded), capture_output=True, text=True,
                                 timeout=LEASE + 20)  # without leases it never returned
        assert watched.returncode == 1 and f"job {job_id}: failed" in watched.stdout
        assert "lease expired at" in watched.stdout and "nothing of it was written" in watched.stdout
    finally:
        if worker.poll() is None:
            worker.kill()
    job = _job(loaded, job_id)
    assert job.status == "failed" and job.written_at is None and job.result["dead"]
    assert _counts(loaded) == before  # 0 partial writes
    assert "nothing of it was written" in _page(loaded, job_id)


def _page(app, job_id) -> str:
    from conftest import client_as

    client = client_as(app, "watcher", "ip_officer")
    return client.get(f"/jobs/{job_id}?lang=en").get_data(as_text=True)


def test_a_killed_apply_leaves_its_batch_previewed_and_the_supervisor_brings_the_worker_back(loaded, tmp_path):
    from generate import import_generated
    from upload import reassignment_csv

    from ipreg.batches import service as batches
    from ipreg.cli.serve import supervise
    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.models import Batch

    with loaded.app_context():
        gaz = get_gazetteer(db.session)
        import_generated(db.session, gaz, 1500, seed=3)
        data, _count = reassignment_csv(db.session, gaz, 1500)
        report = batches.preview(db.session, data, "move.csv", actor="test", max_rows=5000, max_cell_chars=2000,
                                 max_bytes=None)
        assert not report["errors"], report["errors"][:2]
        batch_id, changed = report["batch"], report["changed"]
        db.session.remove()
    before = _counts(loaded)
    job_id = _queue(loaded, "batch_apply", {"batch_id": batch_id, "confirm": changed})
    children, stop, lines = [], threading.Event(), []

    def start():
        children.append(_worker(loaded, tmp_path / "worker.log"))
        return children[-1]

    supervisor = threading.Thread(target=supervise, args=(start, stop),
                                  kwargs={"first_delay": 0.2, "poll": 0.1, "log": lines.append})
    supervisor.start()
    try:
        _wait(lambda: _job(loaded, job_id).status == "running", 60, "the apply to start")
        time.sleep(0.3)
        os.kill(children[0].pid, signal.SIGKILL)
        _wait(lambda: len(children) == 2, 10, "the supervisor to start another worker")
        assert "stopped with exit code -9" in lines[0]
        # bounded by the wait, not timed: without leases the job would never end
        job = _wait(lambda: (j := _job(loaded, job_id)).status == "failed" and j, LEASE + 20, "the job to end")
        assert "nothing of it was written" in job.message
        assert _counts(loaded) == before  # 0 partial writes
        with loaded.app_context():
            assert db.session.get(Batch, batch_id).status == "previewed"
            db.session.remove()
        again = _queue(loaded, "batch_apply", {"batch_id": batch_id, "confirm": changed})
        done = _wait(lambda: (j := _job(loaded, again)).status in ("done", "failed") and j, 60, "the next job")
        assert done.status == "done" and done.result["changed"] == changed, done.message
        with loaded.app_context():
            assert db.session.get(Batch, batch_id).status == "applied"
            db.session.remove()
    finally:
        stop.set()
        supervisor.join(30)
    assert all(child.poll() is not None for child in children)
