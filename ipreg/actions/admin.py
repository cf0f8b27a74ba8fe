"""The administrator's reading of the house: the audit log, the gazetteer's loads; the denials it records."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from ..core.audit import audit
from ..gazetteer.loading import gazetteer_loads, import_nso_table, unit_counts
from ..models import AuditEntry
from .context import Context, transaction

AUDIT_PAGE = 100


def audit_page(ctx: Context, page: int, action: str | None = None, outcome: str | None = None) -> list[AuditEntry]:
    """One page of the audit log, newest first, filtered by an action prefix and an outcome."""
    ctx.require("audit")
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(AUDIT_PAGE).offset((page - 1) * AUDIT_PAGE)
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action[:60]))
    if outcome in ("ok", "denied"):
        stmt = stmt.where(AuditEntry.outcome == outcome)
    return list(ctx.session.scalars(stmt))


def gazetteer_state(ctx: Context) -> dict:
    ctx.require("gazetteer")
    return {"counts": unit_counts(ctx.session), "loads": gazetteer_loads(ctx.session, 20)}


def import_crosswalk(ctx: Context, path: Path) -> dict:
    """Store the statistics office's conversion table beside the package's links; returns what it skipped."""
    ctx.require("gazetteer")
    with transaction(ctx) as session:
        skipped = import_nso_table(session, path)
    return {"links": unit_counts(ctx.session)["nso_links"], "skipped_rows": skipped}


def record_denial(ctx: Context, path: str, remote_addr: str | None, **details) -> None:
    """A refused request, kept in the audit log whatever the request had begun (that is rolled back)."""
    ctx.session.rollback()
    with transaction(ctx) as session:
        audit(session, ctx.actor, "http.denied", object_type="route", object_id=path[:80], outcome="denied",
              remote_addr=remote_addr, after=details)
