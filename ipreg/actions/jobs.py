"""Starting long work as a job: the permission each kind needs, the queueing, and (for tests and demos
configured so) running it at once in the request."""
from __future__ import annotations

from ..jobs.handlers import HANDLERS
from ..jobs.queue import claim_next, current, enqueue, list_jobs, owner_id, run_job
from ..models import Job
from .context import Context, transaction

PERMISSION = {"flags_run": "review", "import_records": "import", "batch_preview": "batch", "batch_apply": "batch",
              "batch_rollback": "rollback", "gazetteer_load": "gazetteer"}


def start_job(ctx: Context, kind: str, params: dict, *, inline: bool = False, lease_seconds: float = 60) -> Job:
    """Queue a job for the worker; with ``inline`` run it now in this process (tests, demos)."""
    ctx.require(PERMISSION[kind])
    with transaction(ctx) as session:
        job = enqueue(session, kind, params, ctx.actor)
    if inline:
        engine, owner = ctx.session.get_bind(), owner_id("inline")
        if claim_next(engine, owner, lease_seconds, job_id=job.id) is not None:
            run_job(engine, job.id, HANDLERS, owner=owner, lease_seconds=lease_seconds)
        ctx.session.expire_all()
    return job


def job_state(ctx: Context, job_id: int) -> Job | None:
    """The job as it stands now: the read ends first, so that the worker's latest writes are seen (a job
    whose worker died is ended here, and shown as such)."""
    ctx.require("jobs")
    ctx.session.commit()
    ctx.session.expire_all()
    return current(ctx.session, job_id)


def recent_jobs(ctx: Context, limit: int = 100) -> list[Job]:
    ctx.require("jobs")
    return list_jobs(ctx.session, limit)
