"""Long work outside the request: a job table, workers that lease jobs, and progress while they run.

Flag runs, imports, batch previews and applies and gazetteer loads can take seconds to minutes; a web
request only queues them and shows a progress page. A worker (``ipreg worker``, supervised by ``ipreg
serve``) claims one queued job at a time (an UPDATE that only one worker can win) and holds a lease on it:
a heartbeat thread renews the lease, and every commit of the job's work renews it in the same transaction.
A running job whose lease has expired belongs to a worker that died; whoever sees it first (a worker about
to claim, ``ipreg jobs watch``, the job's page) ends it (see ``end_if_dead``).

Why the lease is also renewed by the job's commits: on SQLite the job's write transaction holds the only
write lock, so the heartbeat cannot write while it lasts, but nobody else can end the job either; the
commit that releases the lock carries a fresh lease. Each write is fenced by the claim (owner and attempt):
a job that was ended as dead can no longer commit anything, so "nothing of it was written" stays true.
"""
from __future__ import annotations

import os
import secrets
import socket
import threading
import traceback
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import event, or_, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..core.audit import audit
from ..core.clock import utcnow
from ..core.errors import N_, IpregError, plain_params
from ..database import BUSY_TIMEOUT_MS, WRITING, begin_write
from ..models import Job

KINDS = ("flags_run", "import_records", "batch_preview", "batch_apply", "batch_rollback", "gazetteer_load")
# Run again by the next worker when theirs died: they decide everything afresh from the database, so a second
# run is harmless whatever the first one saved. Imports, previews, applies and rollbacks are failed instead:
# a person started them and decides (a file that killed its worker would kill the next one too).
REPEATABLE = ("flags_run", "gazetteer_load")
MAX_ATTEMPTS = 3
DEAD_NOTHING_WRITTEN = N_("The worker stopped while running this job (lease expired at %(at)s); nothing of it "
                          "was written.")
DEAD_AFTER_WRITING = N_("The worker stopped after this job saved its changes (at %(written)s) and before it "
                        "kept its report (lease expired at %(at)s): check the result before running it again.")
DEAD_QUEUED_AGAIN = N_("The worker stopped while running this job (lease expired at %(at)s); it was queued "
                       "again (attempt %(attempt)d of %(max)d).")


class JobLost(RuntimeError):
    """The job's lease was taken from it (its worker was thought dead): its work must not commit."""


def owner_id(role: str = "worker") -> str:
    """Who holds a lease: host and process, and a token so that a reused process id is another owner."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{role}:{secrets.token_hex(3)}"


def enqueue(session: Session, kind: str, params: dict, actor: str | None) -> Job:
    if kind not in KINDS:
        raise IpregError(N_("Unknown job kind %(kind)s."), kind=kind)
    job = Job(kind=kind, params=params, status="queued", created_by=actor, created_at=utcnow(), done=0, total=0,
              attempts=0)
    session.add(job)
    session.flush()
    audit(session, actor, f"job.{kind}", object_type="job", object_id=job.id, after=params)
    return job


def claim_next(engine: Engine, owner: str, lease_seconds: float, job_id: int | None = None) -> int | None:
    """End the jobs of dead workers, then take the oldest queued job (or ``job_id``); one worker wins each.

    The only place where a job becomes "running": the worker and the inline runner of tests both call it.
    """
    with Session(engine) as session:
        begin_write(session)  # SQLite: take the write lock before reading what to claim
        now = utcnow()
        for dead in session.scalars(select(Job).where(Job.status == "running", _expired(now))).all():
            _end_dead(session.connection(), dead, now)
        query = select(Job.id).where(Job.status == "queued").order_by(Job.id).limit(5)
        if job_id is not None:
            query = query.where(Job.id == job_id)
        for candidate in session.scalars(query).all():
            claimed = session.execute(update(Job).where(Job.id == candidate, Job.status == "queued").values(
                status="running", started_at=now, finished_at=None, lease_owner=owner,
                lease_expires_at=now + timedelta(seconds=lease_seconds), attempts=Job.attempts + 1))
            if claimed.rowcount == 1:
                session.commit()
                return candidate
        session.commit()
    return None


def _expired(now):
    return or_(Job.lease_expires_at.is_(None), Job.lease_expires_at < now)


def _stamp(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "?"


def _end_dead(conn: Connection, job: Job, now) -> dict | None:
    """Fail (or queue again) a running job whose lease expired, unless it was renewed or ended meanwhile.

    Returns what was written, or None."""
    params = {"at": _stamp(job.lease_expires_at), "written": _stamp(job.written_at)}
    if job.kind in REPEATABLE and (job.attempts or 0) < MAX_ATTEMPTS:
        msgid, params = DEAD_QUEUED_AGAIN, {**params, "attempt": (job.attempts or 0) + 1, "max": MAX_ATTEMPTS}
        values = {"status": "queued", "started_at": None, "done": 0, "total": 0, "lease_expires_at": None}
    else:
        msgid = DEAD_AFTER_WRITING if job.written_at else DEAD_NOTHING_WRITTEN
        values = {"status": "failed", "finished_at": now}
    message = msgid % params
    values.update(message=message, result={"error": message, "msgid": msgid, "params": params, "dead": True})
    ended = conn.execute(update(Job).where(Job.id == job.id, Job.status == "running", Job.attempts == job.attempts,
                                           _expired(now)).values(**values))
    return values if ended.rowcount == 1 else None


def current(session: Session, job_id: int) -> Job | None:
    """The job as it stands; a running job whose lease has expired is ended first (if the database lets us
    within 100 ms: a writer holding the lock may be the job itself, alive)."""
    job = session.get(Job, job_id)
    now = utcnow()
    if job is None or job.status != "running" or (job.lease_expires_at and job.lease_expires_at >= now):
        return job
    try:
        with _impatient(session.get_bind(), wait_ms=100) as conn:
            written = _end_dead(conn, job, now)
            conn.commit()
    except Exception:  # noqa: BLE001 - locked: the next look tries again
        return job
    for key, value in (written or {}).items():  # the caller's read may predate the write (SQLite snapshot)
        set_committed_value(job, key, value)
    return job


@contextmanager
def _impatient(engine: Engine, wait_ms: int) -> Iterator[Connection]:
    """A connection that waits at most ``wait_ms`` for SQLite's write lock, then fails instead of waiting.

    The pooled connection goes back with the normal wait, or later writers on it would fail fast.
    """
    with engine.connect() as conn:
        quick = conn.dialect.name == "sqlite"
        if quick:
            conn.exec_driver_sql(f"PRAGMA busy_timeout={int(wait_ms)}")
        try:
            yield conn
        finally:
            conn.rollback()
            if quick:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                conn.commit()


class JobRun:
    """The handler's view of its job: progress updates, the lease, and finishing in the work's transaction.

    Called as ``progress(done, total, message)``: best effort on its own connection, skipped rather than
    waited for when the job itself holds the lock. ``finish(result)`` just before the handler's last commit
    makes the job "done" in that same transaction (an apply and its job never disagree).
    """

    def __init__(self, engine: Engine, job_id: int, owner: str, attempt: int, lease_seconds: float):
        self.engine, self.job_id, self.owner, self.attempt = engine, job_id, owner, attempt
        self.lease = timedelta(seconds=lease_seconds)
        self.lost = False
        self.final: dict | None = None
        self.finished = False
        self._stop = threading.Event()
        self._heartbeat: threading.Thread | None = None

    def held(self):
        """The job row while this run still holds its claim (the fence of every write)."""
        return (Job.id == self.job_id, Job.status == "running", Job.lease_owner == self.owner,
                Job.attempts == self.attempt)

    def __call__(self, done: int, total: int, message: str | None = None) -> None:
        values = {"done": done, "total": total}
        if message:
            values["message"] = message
        try:
            with _impatient(self.engine, wait_ms=100) as conn:
                conn.execute(update(Job).where(*self.held()).values(**values))
                conn.commit()
        except Exception:  # noqa: BLE001 - progress must never break the work
            pass

    def finish(self, result: dict) -> None:
        self.final = {"status": "done", "result": result, "message": None, "finished_at": utcnow(),
                      "done": Job.total}

    # --- the lease ---------------------------------------------------------------------------------

    def renew(self, wait_ms: int) -> bool:
        """Push the lease forward; False (and the job marked lost) when another worker has ended it."""
        try:
            with _impatient(self.engine, wait_ms=wait_ms) as conn:
                renewed = conn.execute(update(Job).where(*self.held())
                                       .values(lease_expires_at=utcnow() + self.lease)).rowcount
                conn.commit()
        except Exception:  # noqa: BLE001 - locked (by the job's own writes): its commit renews instead
            return True
        self.lost = self.lost or renewed != 1
        return not self.lost

    def _beat(self) -> None:
        interval = self.lease.total_seconds() / 3
        while not self._stop.wait(interval):
            if not self.renew(wait_ms=int(min(interval, 5) * 1000)):
                return

    def attach(self, session: Session) -> None:
        """Renew the lease (and write the final state, when finished) in every commit of the job's work."""
        event.listen(session, "before_commit", self._before_commit)
        event.listen(session, "after_commit", self._after_commit)
        self._heartbeat = threading.Thread(target=self._beat, name=f"job-{self.job_id}-lease", daemon=True)
        self._heartbeat.start()

    def detach(self) -> None:
        self._stop.set()
        if self._heartbeat is not None:
            self._heartbeat.join()

    def _before_commit(self, session: Session) -> None:
        if session.get_bind().dialect.name == "sqlite" and not session.info.get(WRITING):
            return  # a read-only SQLite transaction must not start writing at its end
        now = utcnow()
        values = {"lease_expires_at": now + self.lease, "written_at": now, **(self.final or {})}
        if session.connection().execute(update(Job).where(*self.held()).values(**values)).rowcount != 1:
            self.lost = True
            raise JobLost(f"job {self.job_id} was ended while it ran (its lease expired): nothing is written")

    def _after_commit(self, _session: Session) -> None:
        self.finished = self.finished or self.final is not None


def run_job(engine: Engine, job_id: int, handlers: dict[str, Callable], *, owner: str,
            lease_seconds: float) -> Job:
    """Run one job claimed by ``owner`` with a fresh session; record its result or its error."""
    with Session(engine) as session:
        job = session.get(Job, job_id)
        params, kind, actor, attempt = dict(job.params), job.kind, job.created_by, job.attempts
    run = JobRun(engine, job_id, owner, attempt, lease_seconds)
    status, result, message = "done", None, None
    with Session(engine) as session:
        run.attach(session)
        try:
            result = handlers[kind](session, params, actor, run)
        except IpregError as exc:
            session.rollback()
            status, message = "failed", exc.message
            result = {"error": exc.message, "msgid": exc.msgid, "params": plain_params(exc.params), "details": exc.details}
        except Exception as exc:  # noqa: BLE001 - a failed job is reported, never lost
            session.rollback()
            status, message = "failed", f"{type(exc).__name__}: {exc}"
            result = {"error": message, "trace": traceback.format_exc()[-2000:]}
        finally:
            run.detach()
    with Session(engine) as session:
        if not run.finished:  # fenced: a job ended as dead meanwhile keeps what its ender wrote
            session.execute(update(Job).where(*run.held()).values(
                status=status, result=result, message=message, finished_at=utcnow(),
                done=Job.total if status == "done" else Job.done))
            session.commit()
        return session.get(Job, job_id)


def list_jobs(session: Session, limit: int = 100) -> list[Job]:
    return list(session.scalars(select(Job).order_by(Job.id.desc()).limit(limit)))


def job_dict(job: Job) -> dict:
    return {"id": job.id, "kind": job.kind, "status": job.status, "done": job.done, "total": job.total,
            "percent": job.percent, "message": job.message, "result": job.result, "created_by": job.created_by,
            "created_at": job.created_at.isoformat() if job.created_at else None,
            "started_at": job.started_at.isoformat() if job.started_at else None,
            "finished_at": job.finished_at.isoformat() if job.finished_at else None,
            "attempts": job.attempts,
            "lease_expires_at": job.lease_expires_at.isoformat() if job.lease_expires_at else None}


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
