"""The administrator's batch re-assignment: the template, the preview of a file, applying and rolling back
(checked here, done by a job or, on the command line, at once), the list and one batch's page.

Each action checks the permission ("batch"; "rollback" to roll back) whatever adapter called it, and owns
its transaction: a refused file, a wrong confirmation or a refused apply leaves nothing behind.
"""
from __future__ import annotations

from ..batches import service
from ..batches.template import template
from ..core.errors import N_, IpregError
from ..models import Batch, Job
from .context import Context, transaction
from .jobs import start_job

FORMATS = ("csv", "xlsx")


def template_file(ctx: Context, fmt: str, province: str | None = None, prefill: bool = False) -> bytes:
    """The template (CSV or XLSX), prefilled on request with the open flags of a province (or of all)."""
    ctx.require("batch")
    if fmt not in FORMATS:
        raise IpregError(N_("Unknown export format %(fmt)s: use csv or xlsx."), fmt=fmt)
    return template(ctx.session, fmt, province, prefill=prefill)


def preview_file(ctx: Context, data: bytes, filename: str, *, limits: dict, allow_future: bool,
                 store: bool = True) -> dict:
    """Check every row of a file read in this process; with no error (and ``store``), keep it as a previewed
    batch. ``limits``: max_rows, max_cell_chars, max_bytes. The report says what would change."""
    ctx.require("batch")
    with transaction(ctx) as session:
        report = service.preview(session, data, filename, actor=ctx.actor, **limits, allow_future=allow_future,
                                 store=store)
    return report


def start_preview(ctx: Context, path: str, filename: str, *, limits: dict, allow_future: bool, **job) -> Job:
    """A file too large to check in a request: its preview runs as a job (``job``: start_job's options)."""
    return start_job(ctx, "batch_preview", {"path": path, "filename": filename[:255], **limits,
                                            "allow_future": allow_future}, **job)


def start_apply(ctx: Context, batch_id: int, confirm: str, **job) -> Job:
    """Check the typed count and the batch's status now (a wrong count is told at once), then apply it as a job."""
    ctx.require("batch")
    with transaction(ctx) as session:
        service.check_ready(service.get_batch(session, batch_id), confirm)
    return start_job(ctx, "batch_apply", {"batch_id": batch_id, "confirm": int(str(confirm).strip())}, **job)


def start_rollback(ctx: Context, batch_id: int, reason: str | None, **job) -> Job:
    """Check the status and the reason now, then roll the batch back as a job."""
    ctx.require("rollback")
    with transaction(ctx) as session:
        reason = service.check_rollback(service.get_batch(session, batch_id), reason)
    return start_job(ctx, "batch_rollback", {"batch_id": batch_id, "reason": reason}, **job)


def apply_now(ctx: Context, batch_id: int, confirm: int) -> dict:
    """Apply in this process (the command line): one transaction, all of it or nothing."""
    ctx.require("batch")
    with transaction(ctx) as session:
        return service.apply(session, batch_id, confirm=confirm, actor=ctx.actor)


def rollback_now(ctx: Context, batch_id: int, reason: str) -> dict:
    ctx.require("rollback")
    with transaction(ctx) as session:
        return service.rollback(session, batch_id, reason=reason, actor=ctx.actor)


def list_batches(ctx: Context, limit: int = 100) -> list[Batch]:
    ctx.require("batch")
    return service.list_batches(ctx.session, limit)


def batch_page(ctx: Context, batch_id: int) -> dict:
    """A batch with its changes, the warnings of its preview, the batch it repeats, and what it did: the
    flags it will resolve (previewed), resolved (applied), or the records and flags its rollback restored."""
    ctx.require("batch")
    batch = service.get_batch(ctx.session, batch_id)
    plan = batch.plan
    changes = plan["changes"]
    outcome = {"records": len(changes), "flags": sum(len(c["flags"]) for c in changes)}
    if batch.status == "applied":
        outcome["flags"] = plan.get("applied", {}).get("flags_resolved", outcome["flags"])
    elif batch.status == "rolled_back":
        undone = plan.get("rolled_back", {})
        outcome = {"records": undone.get("restored", len(changes)), "flags": undone.get("reopened"),
                   "removed": undone.get("removed")}
    repeats = service.get_batch(ctx.session, plan["repeats"]) if plan.get("repeats") else None
    return {"batch": batch, "changes": changes, "warnings": plan.get("warnings", []), "outcome": outcome,
            "repeats": repeats}
