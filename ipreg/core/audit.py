"""The append-only audit log: who, when (UTC), what, before, after, and the source document."""
from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.orm import Session

from ..models import AuditEntry
from .clock import utcnow


def audit_row(actor: str | None, action: str, object_type: str | None = None, object_id=None, before=None,
              after=None, document: str | None = None, outcome: str = "ok", remote_addr: str | None = None) -> dict:
    """One entry; what the caller cannot bound (a typed user name, a URL) is cut to its column's size."""
    return {"at": utcnow(), "actor": actor[:80] if actor else actor, "action": action, "object_type": object_type,
            "object_id": None if object_id is None else str(object_id)[:80], "before": before, "after": after,
            "document": document, "outcome": outcome, "remote_addr": remote_addr[:64] if remote_addr else None}


def audit(session: Session, actor: str | None, action: str, **kwargs) -> None:
    """Add one entry to the session's transaction (it commits, or rolls back, with the change it describes)."""
    session.execute(insert(AuditEntry), [audit_row(actor, action, **kwargs)])


def audit_many(session: Session, rows: list[dict]) -> None:
    if rows:
        session.execute(insert(AuditEntry), rows)
