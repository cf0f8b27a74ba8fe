"""What every step of a batch reads: the batch itself, its status words, the flags of its records."""
from __future__ import annotations

import hashlib
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.errors import N_, NotFound
from ..models import Batch, Flag

Finish = Callable[[dict], None]
STATUS_WORDS = {"previewed": N_("previewed"), "applied": N_("applied"), "rolled_back": N_("rolled back")}
FLAG_COLUMNS = ("status", "reason_vi", "reason_en", "suggested", "candidates", "evidence", "closed_at",
                "closed_reason", "decision", "assignee_id", "fingerprint", "severity", "version", "updated_at")


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def get_batch(session: Session, batch_id: int) -> Batch:
    batch = session.get(Batch, batch_id)
    if batch is None:
        raise NotFound(N_("No batch %(id)s."), id=batch_id)
    return batch


def list_batches(session: Session, limit: int = 100) -> list[Batch]:
    return list(session.scalars(select(Batch).order_by(Batch.id.desc()).limit(limit)))


def flag_rows(session: Session, ids: list[int]) -> list[dict]:
    """The flags of the records as they stand (what a rollback puts back)."""
    rows = session.execute(select(Flag.__table__).where(Flag.registration_id.in_(ids))).mappings().all()
    out = []
    for row in rows:
        item = {k: row[k] for k in ("id", *FLAG_COLUMNS)}
        for key in ("closed_at", "updated_at"):
            item[key] = item[key].isoformat() if item[key] else None
        out.append(item)
    return out
