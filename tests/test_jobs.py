"""Long work runs as jobs: queued by a request, claimed once by a worker, progress and result recorded."""
import html
import json
from pathlib import Path

from conftest import client_as, login, make_user
from sqlalchemy import func, select


def test_worker_runs_queued_jobs_and_records_the_result(loaded):
    from ipreg.extensions import db
    from ipreg.jobs.queue import claim_next, enqueue
    from ipreg.models import Flag, Job

    with loaded.app_context():
        job_id = enqueue(db.session, "flags_run", {}, "officer").id
        failing = enqueue(db.session, "batch_apply", {"batch_id": 999, "confirm": 1}, "admin").id
        db.session.commit()
    runner = loaded.test_cli_runner()
    listed = runner.invoke(args=["jobs", "list", "--json"])
    assert {j["status"] for j in json.loads(listed.output)} == {"queued"}
    result = runner.invoke(args=["worker", "--once", "--nice", "0"])  # 0: leave the test process's priority
    assert result.exit_code == 0 and "2 jobs run" in result.output
    watched = runner.invoke(args=["jobs", "watch", str(job_id), "--interval", "0.1"])
    assert watched.exit_code == 0 and f"job {job_id}: done" in watched.output  # (the bar is drawn on a terminal)
    assert runner.invoke(args=["jobs", "watch", str(failing)]).exit_code == 1
    unknown = runner.invoke(args=["jobs", "watch", "99999"])
    assert unknown.exit_code == 2 and "No job 99999" in unknown.output and "Traceback" not in unknown.output
    with loaded.app_context():
        done, failed = db.session.get(Job, job_id), db.session.get(Job, failing)
        assert done.status == "done" and done.result["opened"] > 0 and done.percent == 100
        assert failed.status == "failed" and "999" in failed.message
        assert db.session.scalar(select(Flag.id).limit(1)) is not None
        assert claim_next(db.engine, "t", 30) is None  # nothing left, nothing claimed twice


def test_only_one_worker_claims_a_job(loaded):
    import threading

    from ipreg.extensions import db
    from ipreg.jobs.queue import claim_next, enqueue

    with loaded.app_context():
        for _ in range(5):
            enqueue(db.session, "flags_run", {}, "t")
        db.session.commit()
        engine = db.engine
    claimed, lock = [], threading.Lock()

    def worker():
        while (job := claim_next(engine, "t", 30)) is not None:
            with lock:
                claimed.append(job)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(claimed) == sorted(set(claimed)) and len(claimed) == 5


def test_job_page_shows_progress(loaded):
    from ipreg.extensions import db
    from ipreg.jobs.queue import enqueue

    make_user(loaded, "officer", "ip_officer")
    with loaded.app_context():
        job_id = enqueue(db.session, "flags_run", {}, "officer").id
        db.session.commit()
    client = loaded.test_client()
    login(client, "officer")
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "<progress" in page and "jobs.js" in page
    assert client.get(f"/jobs/{job_id}.json").get_json()["status"] == "queued"


def translated(msgid: str, params: dict) -> str:
    """The Vietnamese of a msgid, read from the committed catalogue (not through the app under test)."""
    from babel.messages.mofile import read_mo

    with open(Path(__file__).parents[1] / "ipreg/translations/vi/LC_MESSAGES/messages.mo", "rb") as f:
        return read_mo(f)[msgid].string % params


def test_admin_import_and_gazetteer_reload_run_as_jobs(app, sample_csv):
    import io

    from conftest import csrf_token

    from ipreg.extensions import db
    from ipreg.models import Job, Registration

    client = client_as(app, "boss", "admin")
    token = csrf_token(client, "/admin/import")
    response = client.post("/admin/import", data={"csrf_token": token, "partial": "1", "file": (
        io.BytesIO(sample_csv.read_bytes()), "sample.csv", "text/csv")}, content_type="multipart/form-data")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        job = db.session.scalars(select(Job)).first()
        assert job.status == "done" and job.result["created"] > 0
        assert db.session.query(Registration).count() == job.result["created"]
    # The stored report is shown in the reader's language: labels and each row's problem (the sample has no
    # refused row since the units of 2008 are read on their date: its warnings are shown the same way).
    assert "<dt>tạo mới</dt>" in page and "<dt>created</dt>" not in page
    problem = (job.result["errors"] or job.result["warnings"])[0]
    vietnamese = translated(problem["msgid"], problem["params"])
    assert vietnamese != problem["message"] and html.escape(vietnamese, quote=False) in page
    english = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "<dt>created</dt>" in english and html.escape(problem["message"], quote=False) in english
    refused = client.post("/admin/import", data={"csrf_token": token, "file": (
        io.BytesIO(b"\x7fELF\x00\x00"), "x.csv", "text/csv")}, content_type="multipart/form-data")
    assert refused.status_code == 400
    token = csrf_token(client, "/admin/gazetteer")
    reload = client.post("/admin/gazetteer", data={"csrf_token": token})
    assert reload.status_code == 302
    with app.app_context():
        last = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
        assert last.kind == "gazetteer_load" and last.status == "done" and last.result["unchanged"]


def test_a_progress_update_skipped_under_a_lock_leaves_connections_waiting_normally(loaded):
    """The job holds the write lock, so its progress updates are skipped after 100 ms; the pooled connection
    must get its normal busy timeout back, or the worker's next claim fails with "database is locked"."""
    import pytest

    from ipreg.database import BUSY_TIMEOUT_MS
    from ipreg.extensions import db
    from ipreg.jobs.queue import JobRun, enqueue

    with loaded.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only: PostgreSQL has no busy timeout")
        job_id = enqueue(db.session, "flags_run", {}, "officer").id
        db.session.commit()
        holder = db.engine.raw_connection()
        holder.execute("BEGIN IMMEDIATE")  # the job's own write transaction
        try:
            JobRun(db.engine, job_id, "t", 0, 30)(1, 2, "evaluating the rules")  # skipped, not waited for
        finally:
            holder.rollback()
            holder.close()
        for _ in range(3):  # every pooled connection
            with db.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS


def test_every_job_kind_has_a_handler_and_a_label():
    from ipreg.jobs.handlers import HANDLERS
    from ipreg.jobs.queue import KINDS
    from ipreg.web.jobs import JOB_KINDS

    assert set(HANDLERS) == set(KINDS) == set(JOB_KINDS)


def test_a_job_held_longer_than_its_lease_stays_alive_and_a_dead_ones_commit_is_refused(loaded):
    """The heartbeat keeps a live job's lease; once a job was ended as dead, its work can no longer commit."""
    import time

    import pytest
    from sqlalchemy.orm import Session

    from ipreg.database import begin_write
    from ipreg.extensions import db
    from ipreg.jobs.queue import JobLost, JobRun, claim_next, current, enqueue
    from ipreg.models import Job, Registration

    with loaded.app_context():
        job_id = enqueue(db.session, "import_records", {}, "t").id
        db.session.commit()
        engine = db.engine
        assert claim_next(engine, "alive", 0.6) == job_id
        run = JobRun(engine, job_id, "alive", 1, 0.6)
        with Session(engine) as work:
            run.attach(work)
            time.sleep(1.5)  # two and a half leases
            assert claim_next(engine, "other", 0.6) is None
            assert current(db.session, job_id).status == "running"
            run.detach()
            time.sleep(1.0)  # the heartbeat stopped: the lease runs out, as when the worker is killed
            db.session.expire_all()
            assert current(db.session, job_id).status == "failed"
            begin_write(work)
            work.get(Registration, db.session.scalar(select(Registration.id).limit(1))).notes = "zombie"
            with pytest.raises(JobLost):
                work.commit()
            work.rollback()
        db.session.commit()  # a fresh read (SQLite snapshots per transaction)
        job = db.session.get(Job, job_id)
        assert job.status == "failed" and job.written_at is None and "nothing of it was written" in job.message
        assert db.session.scalar(select(Registration.id).where(Registration.notes == "zombie")) is None


def test_a_repeatable_job_whose_worker_died_is_queued_again_then_failed_after_three_attempts(loaded):
    import time

    from ipreg.extensions import db
    from ipreg.jobs.queue import MAX_ATTEMPTS, claim_next, enqueue
    from ipreg.models import Job

    with loaded.app_context():
        job_id = enqueue(db.session, "flags_run", {}, "t").id
        db.session.commit()
        for attempt in range(1, MAX_ATTEMPTS + 1):
            assert claim_next(db.engine, f"dies-{attempt}", 0.05) == job_id  # claimed; its worker never renews
            time.sleep(0.1)
        assert claim_next(db.engine, "next", 0.05) is None
        job = db.session.get(Job, job_id)
        assert job.status == "failed" and job.attempts == MAX_ATTEMPTS and job.result["dead"]


def _reassignment_rows(app, n_rows: int) -> bytes:
    header = "kind,reg_no,role,new_party,new_party_kind,new_party_unit,decision_no,decision_date,effective_date,note\n"
    row = "GI,99999,manager,Sở Khoa học và Công nghệ tỉnh Bắc Ninh,dost,24,1/QĐ,2025-08-01,2025-08-01,x\n"
    return (header + row * n_rows).encode()


def test_a_large_batch_upload_is_previewed_by_a_job_and_a_small_one_in_the_request(loaded):
    import io

    from werkzeug.datastructures import FileStorage

    from ipreg.extensions import db
    from ipreg.models import Job
    from ipreg.web.uploads import INLINE_ROWS, preview_upload

    make_user(loaded, "admin.uploads", "admin")

    def upload(data: bytes, name="move.csv"):
        from flask import g

        from ipreg.accounts.users import get_user

        with loaded.test_request_context("/admin/batches", method="POST"):
            g.api_user = get_user(db.session, "admin.uploads")  # the uploading administrator
            response = preview_upload(FileStorage(io.BytesIO(data), name, content_type="text/csv"))
            return response if isinstance(response, tuple) else (response, response.status_code)

    small, status = upload(_reassignment_rows(loaded, 3))
    assert status == 400  # previewed here: record 99999 does not exist
    with loaded.app_context():
        assert db.session.scalar(select(Job.id).where(Job.kind == "batch_preview")) is None
    large, status = upload(_reassignment_rows(loaded, INLINE_ROWS + 1))
    assert status == 302 and "/jobs/" in large.headers["Location"]
    with loaded.app_context():
        job = db.session.scalars(select(Job).where(Job.kind == "batch_preview")).one()
        assert job.status == "done" and job.result["batch"] is None and job.result["errors"]
        assert "changes" not in job.result and job.result["errors"][0]["msgid"]
    from ipreg.core.errors import IpregError

    wrong_header = b"kind,number\n" + b"GI,1\n" * (INLINE_ROWS + 1)
    try:
        upload(wrong_header)
        raise AssertionError("a wrong header row must be refused in the request")
    except IpregError as exc:
        assert "Missing columns" in exc.message
    with loaded.app_context():
        assert db.session.scalar(select(func.count()).select_from(Job).where(Job.kind == "batch_preview")) == 1

