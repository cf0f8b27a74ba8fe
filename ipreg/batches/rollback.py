"""Rolling a batch back: its facts retracted, its records' holders and managers and their flags as before.

Refused for records changed after the batch (the officer records the reverse change by hand then). The
batch keeps what the rollback did — records restored, flags reopened, flags the batch had opened and that
were removed — for its page, which says so instead of what the apply had done.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..core.audit import audit
from ..core.clock import utcnow
from ..core.errors import N_, Conflict, IpregError, Message
from ..database import begin_write
from ..gazetteer.snapshot import Gazetteer, get_gazetteer
from ..models import Batch, Flag, FlagComment, RecordFact, Registration
from ..registry.records import refresh_derived_many
from .state import FLAG_COLUMNS, STATUS_WORDS, Finish, get_batch


def check_rollback(batch: Batch, reason: str | None) -> str:
    """Only an applied batch is rolled back, and only with a reason (returned cleaned)."""
    if batch.status != "applied":
        raise Conflict(N_("Batch %(id)d is %(status)s; only an applied batch can be rolled back."), id=batch.id,
                       status=Message(STATUS_WORDS.get(batch.status, batch.status)))
    reason = (reason or "").strip()
    if not reason:
        raise IpregError(N_("Give the reason for the rollback."))
    return reason


def rollback(session: Session, batch_id: int, *, reason: str, actor: str | None, finish: Finish | None = None) -> dict:
    """Undo an applied batch: retract its facts, restore holders/managers and flags, record the rollback.

    ``finish(result)`` as for ``apply``: the job's end commits with the rollback.
    """
    begin_write(session)
    batch = get_batch(session, batch_id)
    reason = check_rollback(batch, reason)
    applied = batch.plan["applied"]
    ids = _check_unchanged(session, batch)
    now = utcnow()
    session.execute(update(RecordFact).where(RecordFact.batch_id == batch.id, RecordFact.retracted_at.is_(None))
                    .values(retracted_at=now))
    _restore_parties(session, get_gazetteer(session), batch, now)
    reopened, removed = _restore_flags(session, ids, applied["flags_before"], applied.get("flags_after"))
    batch.status, batch.rolled_back_at, batch.rolled_back_by, batch.rollback_reason = "rolled_back", now, actor, reason
    undone = {"restored": len(ids), "reopened": reopened, "removed": removed}
    batch.plan = {**batch.plan, "rolled_back": undone}
    audit(session, actor, "batch.rollback", object_type="batch", object_id=batch.id, before={"status": "applied"},
          after={"status": "rolled_back", "reason": reason, **undone}, document=batch.filename)
    result = {"batch": batch.id, "restored": len(ids), "reopened": reopened}
    if finish:
        finish(result)
    session.commit()
    return result


def _check_unchanged(session: Session, batch: Batch) -> list[int]:
    """The batch's records, refused when any changed after the batch; returns their ids."""
    versions_after = {int(k): v for k, v in batch.plan["applied"]["versions_after"].items()}
    current = dict(session.execute(select(Registration.id, Registration.version)
                                   .where(Registration.id.in_(list(versions_after)))).all())
    changed = sorted(next(f"{p['kind']} {p['reg_no']}" for p in batch.plan["changes"] if p["registration_id"] == i)
                     for i, v in versions_after.items() if current.get(i) != v)
    if changed:
        raise Conflict(N_("Refused: these records changed after the batch: %(records)s. Record the reverse "
                          "change by hand instead."), records=", ".join(changed), details=changed)
    return list(versions_after)


def _restore_parties(session: Session, gaz: Gazetteer, batch: Batch, now) -> None:
    """Put back the holder/manager each record had before the batch (ids kept in the batch's facts)."""
    before = {}
    for item in batch.plan["changes"]:
        previous = session.execute(select(RecordFact.value).where(
            RecordFact.registration_id == item["registration_id"], RecordFact.role == item["role"],
            RecordFact.retracted_at.is_(None)).order_by(RecordFact.valid_from.desc(), RecordFact.recorded_at.desc(),
                                                        RecordFact.id.desc()).limit(1)).scalar()
        before.setdefault(item["registration_id"], {})[f"{item['role']}_id"] = (previous or {}).get("party_id")
    table = Registration.__table__
    for reg_id, columns in before.items():
        session.execute(update(table).where(table.c.id == reg_id)
                        .values(**columns, updated_at=now, version=table.c.version + 1))
    refresh_derived_many(session, gaz, list(before))


def _restore_flags(session: Session, ids: list[int], before: list[dict], after: dict | None) -> tuple[int, int]:
    """Flags as before the batch, where nobody has touched them since it was applied; returns how many were
    reopened and how many (opened by the batch's changes) removed.

    A flag still at the version the apply left (``after``) gets its columns back; one the batch's changes
    opened is removed, unless an officer has commented on it. A flag an officer has acted on since (a
    dismissal, an assignment: its version moved) keeps that decision.
    """
    current = {i: (v, s) for i, v, s in session.execute(
        select(Flag.id, Flag.version, Flag.status).where(Flag.registration_id.in_(ids))).all()}
    untouched = {i for i, (v, _) in current.items() if after is None or after.get(str(i)) == v}
    earlier = {f["id"]: f for f in before}
    commented = set(session.scalars(select(FlagComment.flag_id).where(FlagComment.flag_id.in_(list(current)))))
    born = [i for i in untouched if i not in earlier and i not in commented]
    if born:
        session.execute(delete(Flag).where(Flag.id.in_(born)))
    table, reopened = Flag.__table__, 0
    for flag_id in untouched & set(earlier):
        values = {k: earlier[flag_id][k] for k in FLAG_COLUMNS if k != "version"}  # versions only move on
        for key in ("closed_at", "updated_at"):
            values[key] = datetime.fromisoformat(values[key]) if values[key] else None
        reopened += values["status"] == "open" and current[flag_id][1] != "open"
        session.execute(update(table).where(table.c.id == flag_id).values(**values, version=table.c.version + 1))
    return reopened, len(born)
