"""Long work outside the request: a job table, a worker that claims jobs, and progress while they run.

Flag runs, imports, batch applies and gazetteer loads can take seconds to minutes; a web request only
queues them and shows a progress page. The worker (``ipreg worker``, started by ``ipreg serve``) claims one
queued job at a time (an UPDATE that only one worker can win), runs it with its own session, and records
progress in short separate transactions that never wait for the job's own write lock.
"""
from __future__ import annotations

import traceback
from pathlib import Path
from typing import Callable

from sqlalchemy import select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..database import BUSY_TIMEOUT_MS, begin_write
from ..models import Job
from .audit import audit
from .errors import N_, IpregError, plain_params
from .history import utcnow

KINDS = ("flags_run", "import_records", "batch_apply", "batch_rollback", "gazetteer_load")


def enqueue(session: Session, kind: str, params: dict, actor: str | None) -> Job:
    if kind not in KINDS:
        raise IpregError(N_("Unknown job kind %(kind)s."), kind=kind)
    job = Job(kind=kind, params=params, status="queued", created_by=actor, created_at=utcnow(), done=0, total=0)
    session.add(job)
    session.flush()
    audit(session, actor, f"job.{kind}", object_type="job", object_id=job.id, after=params)
    return job


def claim_next(engine: Engine) -> int | None:
    """Take the oldest queued job; only one worker wins each job."""
    with Session(engine) as session:
        begin_write(session)  # SQLite: take the write lock before reading what to claim
        for job_id in session.scalars(select(Job.id).where(Job.status == "queued").order_by(Job.id).limit(5)).all():
            claimed = session.execute(update(Job).where(Job.id == job_id, Job.status == "queued")
                                      .values(status="running", started_at=utcnow()))
            if claimed.rowcount == 1:
                session.commit()
                return job_id
        session.commit()
    return None


class Progress:
    """Best-effort progress updates on their own connection; skipped rather than waited for when locked."""

    def __init__(self, engine: Engine, job_id: int):
        self.engine, self.job_id = engine, job_id

    def __call__(self, done: int, total: int, message: str | None = None) -> None:
        values = {"done": done, "total": total}
        if message:
            values["message"] = message
        try:
            with self.engine.connect() as conn:
                quick = conn.dialect.name == "sqlite"
                if quick:
                    conn.exec_driver_sql("PRAGMA busy_timeout=100")
                try:
                    conn.execute(update(Job).where(Job.id == self.job_id).values(**values))
                    conn.commit()
                except Exception:  # noqa: BLE001 - locked by the job itself: skip this update
                    conn.rollback()
                finally:  # the pooled connection goes back with the normal wait, or later writers fail fast
                    if quick:
                        conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        except Exception:  # noqa: BLE001 - progress must never break the work
            pass


def run_job(engine: Engine, job_id: int, handlers: dict[str, Callable]) -> Job:
    """Run one claimed job with a fresh session; record its result or its error."""
    progress = Progress(engine, job_id)
    with Session(engine) as session:
        job = session.get(Job, job_id)
        params, kind, actor = dict(job.params), job.kind, job.created_by
    status, result, message = "done", None, None
    with Session(engine) as session:
        try:
            result = handlers[kind](session, params, actor, progress)
        except IpregError as exc:
            session.rollback()
            status, message = "failed", exc.message
            result = {"error": exc.message, "msgid": exc.msgid, "params": plain_params(exc.params), "details": exc.details}
        except Exception as exc:  # noqa: BLE001 - a failed job is reported, never lost
            session.rollback()
            status, message = "failed", f"{type(exc).__name__}: {exc}"
            result = {"error": message, "trace": traceback.format_exc()[-2000:]}
    with Session(engine) as session:
        session.execute(update(Job).where(Job.id == job_id).values(
            status=status, result=result, message=message, finished_at=utcnow(),
            done=Job.total if status == "done" else Job.done))
        session.commit()
        return session.get(Job, job_id)


def job_dict(job: Job) -> dict:
    return {"id": job.id, "kind": job.kind, "status": job.status, "done": job.done, "total": job.total,
            "percent": job.percent, "message": job.message, "result": job.result, "created_by": job.created_by,
            "created_at": job.created_at.isoformat() if job.created_at else None,
            "started_at": job.started_at.isoformat() if job.started_at else None,
            "finished_at": job.finished_at.isoformat() if job.finished_at else None}


def upload_path(directory: Path, digest: str, filename: str) -> Path:
    """Where an uploaded file waits for its job (named by content hash, keeping the extension)."""
    suffix = Path(filename).suffix.lower() if Path(filename).suffix.lower() in (".csv", ".xlsx") else ".bin"
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"{digest}{suffix}"


def sqlite_checkpoint(engine: Engine) -> None:
    """After a big job, fold the WAL back into the database file (keeps the WAL small)."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(PASSIVE)"))
