"""Batch re-assignment: preview, apply in one transaction, roll back; never half, never twice.

A previewed batch keeps its file hash, rows and plan (what will change, the record versions it was planned
on, the flags it will resolve). Applying refuses a file already applied, a batch whose records changed since
the preview, and a confirmation that does not match the count; then records every change as a recordal with
its decision, resolves the flags it answers, and keeps what is needed to roll back. A rollback retracts the
batch's facts and restores the records and flags exactly; it is refused for records changed after the batch.
"""
from __future__ import annotations

import hashlib
from datetime import date
from typing import Callable

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from ..core.audit import audit
from ..core.clock import utcnow
from ..core.errors import N_, Conflict, IpregError, Message, NotFound
from ..database import begin_write
from ..gazetteer.snapshot import Gazetteer, get_gazetteer
from ..models import Batch, Flag, FlagComment, RecordFact, Registration
from ..reform.engine import refresh_record_flags
from ..reform.review import PARTY_RULES
from ..reform.views import payloads
from ..registry.cells import Problem
from ..registry.parties import PartyBook
from ..registry.recordals import PartyChange, record_party_changes
from ..registry.records import refresh_derived_many
from .reading import RowChange, file_problem, read_reassignment, validate_rows

Finish = Callable[[dict], None]
STATUS_WORDS = {"previewed": N_("previewed"), "applied": N_("applied"), "rolled_back": N_("rolled back")}
FLAG_COLUMNS = ("status", "reason_vi", "reason_en", "suggested", "candidates", "evidence", "closed_at",
                "closed_reason", "decision", "assignee_id", "fingerprint", "severity", "version", "updated_at")


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _flags_answered(session: Session, changes: list[RowChange]) -> dict[tuple[int, str], list[int]]:
    wanted = {(c.registration_id, c.role) for c in changes}
    rows = session.execute(select(Flag.id, Flag.registration_id, Flag.subject).where(
        Flag.registration_id.in_({c.registration_id for c in changes}), Flag.status == "open",
        Flag.rule.in_(PARTY_RULES))).all()
    out: dict[tuple[int, str], list[int]] = {}
    for flag_id, reg_id, subject in rows:
        if (reg_id, subject) in wanted:
            out.setdefault((reg_id, subject), []).append(flag_id)
    return out


def preview(session: Session, data: bytes, filename: str, *, actor: str | None, max_rows: int,
            max_cell_chars: int, max_bytes: int | None, allow_future: bool = False, store: bool = True,
            finish: Finish | None = None, translatable: bool = False) -> dict:
    """Validate every row; when all are valid, keep the batch as previewed. Returns the report.

    ``translatable`` keeps each problem's msgid and params (a job's stored report, shown later in the
    reader's language). ``finish(report)`` (a job's) is called just before the batch's commit, so that the job that previewed
    the batch is done in the same transaction that created it.
    """
    report = {"batch": None, "changed": 0, "errors": [], "warnings": [], "changes": [], "file_hash": file_hash(data)}
    try:
        table = read_reassignment(data, filename, max_rows=max_rows, max_cell_chars=max_cell_chars,
                                  max_bytes=max_bytes)
    except IpregError as exc:
        report["errors"] = [file_problem(exc).as_dict(translatable)]
        return report
    gaz = get_gazetteer(session)
    changes, problems = validate_rows(session, gaz, table, today=date.today(), allow_future=allow_future)
    report["errors"] = [p.as_dict(translatable) for p in problems if p.severity == "error"]
    report["warnings"] = [p.as_dict(translatable) for p in problems if p.severity == "warning"]
    applied = session.scalar(select(Batch.id).where(Batch.file_hash == report["file_hash"],
                                                    Batch.applied_at.is_not(None)))
    if applied:
        report["errors"].insert(0, Problem(None, None, filename, N_("This file was already applied (batch %(id)d)"),
                                           {"id": applied}, suggestion=N_("A file is applied once: upload a "
                                                                          "corrected file.")).as_dict(translatable))
    answered = _flags_answered(session, changes)
    plan = [{"row": c.line, "registration_id": c.registration_id, "kind": c.kind, "reg_no": c.reg_no,
             "name": c.name, "role": c.role, "expected_version": c.version, "before": c.before, "after": c.after(),
             "decision_no": c.decision_no, "decision_date": c.decision_date.isoformat(),
             "effective_date": c.effective_date.isoformat(), "note": c.note,
             "flags": answered.get((c.registration_id, c.role), [])} for c in changes]
    report["changes"] = plan
    report["changed"] = len(plan)
    report["flags_resolved"] = sum(len(p["flags"]) for p in plan)
    if report["errors"] or not store:
        return report
    begin_write(session)
    batch = Batch(file_hash=report["file_hash"], filename=filename[:255], status="previewed", rows=table.rows,
                  plan={"changes": plan}, changed=len(plan), created_by=actor, created_at=utcnow())
    session.add(batch)
    session.flush()
    audit(session, actor, "batch.preview", object_type="batch", object_id=batch.id,
          after={"file_hash": batch.file_hash, "rows": len(table.rows), "changes": len(plan)}, document=filename)
    report["batch"] = batch.id
    if finish:
        finish(report)
    session.commit()
    return report


def get_batch(session: Session, batch_id: int) -> Batch:
    batch = session.get(Batch, batch_id)
    if batch is None:
        raise NotFound(N_("No batch %(id)s."), id=batch_id)
    return batch


def check_ready(batch: Batch, confirm) -> None:
    """A batch is applied only from its preview, and only with the number of its changes typed back."""
    if batch.status != "previewed":
        raise Conflict(N_("Batch %(id)d is %(status)s; only a previewed batch can be applied."), id=batch.id,
                       status=Message(STATUS_WORDS.get(batch.status, batch.status)))
    count = len(batch.plan["changes"])
    if confirm is not None and str(confirm).strip() != str(count):
        raise IpregError(N_("Type the number of records to change (%(n)d) to confirm."), n=count)


def apply(session: Session, batch_id: int, *, confirm: int | None, actor: str | None,
          fail_after: int | None = None, progress: Callable[[int, int, str], None] | None = None,
          finish: Finish | None = None) -> dict:
    """Apply a previewed batch in one transaction.

    ``fail_after`` is the tests' crash: the first ``fail_after`` changes are written, then the apply fails
    before its commit, as a killed process would; nothing of it may remain. ``finish(result)`` (a job's)
    writes the job's end in that same transaction: a kill leaves the batch and its job agreeing.
    """
    begin_write(session)
    batch = get_batch(session, batch_id)
    plan = batch.plan["changes"]
    check_ready(batch, confirm)
    progress = progress or (lambda *_: None)
    twin = session.scalar(select(Batch.id).where(Batch.file_hash == batch.file_hash, Batch.applied_at.is_not(None)))
    if twin:
        raise Conflict(N_("This file was already applied (batch %(id)d)"), id=twin)
    ids = sorted({p["registration_id"] for p in plan})
    versions = dict(session.execute(select(Registration.id, Registration.version)
                                    .where(Registration.id.in_(ids))).all())
    conflicts = [f"{p['kind']} {p['reg_no']}" for p in plan if versions.get(p["registration_id"]) != p["expected_version"]]
    if conflicts:
        raise Conflict(N_("These records changed since the preview: %(records)s. Preview the file again."),
                       records=", ".join(sorted(set(conflicts))), details=sorted(set(conflicts)))
    gaz = get_gazetteer(session)
    progress(1, 3, N_("recording the changes"))
    flags_before = _flag_rows(session, ids)
    words = payloads(session, session.scalars(select(Flag).where(Flag.id.in_(
        [f for p in plan for f in p["flags"]]))).all())
    book = PartyBook(session)
    party_ids = book.ids_for([(p["after"]["name"], p["after"]["kind"],
                               gaz.by_key[("new", p["after"]["unit"]["code"])].id) for p in plan])
    changes = []
    for item, party_id in zip(plan, party_ids):
        changes.append(PartyChange(item["registration_id"], item["role"], party_id,
                                   date.fromisoformat(item["effective_date"]), None, item["decision_no"],
                                   date.fromisoformat(item["decision_date"]), item["note"]))
    if fail_after is not None:
        record_party_changes(session, gaz, changes[:fail_after], source="batch", actor=actor, batch_id=batch.id,
                             document=batch.filename)
        session.flush()
        raise RuntimeError("injected failure (test)")
    # Both roles of one record change in one update, each with its expected version checked above.
    results = record_party_changes(session, gaz, changes, source="batch", actor=actor, batch_id=batch.id,
                                   document=batch.filename)
    now = utcnow()
    resolved = []
    for item in plan:
        for flag_id in item["flags"]:
            w = words.get(flag_id, {})
            resolved.append({"_id": flag_id, "status": "resolved", "closed_at": now, "updated_at": now,
                             "closed_reason": None, "reason_vi": w.get("reason_vi"), "reason_en": w.get("reason_en"),
                             "suggested": w.get("suggested"), "candidates": w.get("candidates"),
                             "evidence": w.get("evidence"),
                             "decision": {"batch": batch.id, "decision_no": item["decision_no"],
                                          "decision_date": item["decision_date"],
                                          "effective_date": item["effective_date"], "by": actor,
                                          "successor": item["after"]}})
    if resolved:
        # Only flags still open: one an officer dismissed or accepted since the preview keeps that decision.
        table = Flag.__table__
        session.connection().execute(
            update(table).where(table.c.id == bindparam("_id"), table.c.status == "open")
            .values({k: bindparam(k) for k in resolved[0] if k != "_id"} | {"version": table.c.version + 1}),
            resolved)
    progress(2, 3, N_("re-evaluating the flags of the records"))
    refresh_record_flags(session, ids, actor=actor)
    after_versions = dict(session.execute(select(Registration.id, Registration.version)
                                          .where(Registration.id.in_(ids))).all())
    batch.status, batch.applied_at, batch.applied_by = "applied", now, actor
    flags_after = dict(session.execute(select(Flag.id, Flag.version).where(Flag.registration_id.in_(ids))).all())
    batch.plan = {"changes": plan, "applied": {
        "versions_after": {str(k): v for k, v in after_versions.items()},
        "flags_before": flags_before, "flags_after": {str(k): v for k, v in flags_after.items()},
        "flags_resolved": len(resolved)}}
    audit(session, actor, "batch.apply", object_type="batch", object_id=batch.id,
          after={"changed": len(results), "flags_resolved": len(resolved), "file_hash": batch.file_hash},
          document=batch.filename)
    result = {"batch": batch.id, "changed": len(results), "flags_resolved": len(resolved), "errors": []}
    if finish:
        finish(result)
    session.commit()
    return result


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
    versions_after = {int(k): v for k, v in applied["versions_after"].items()}
    current = dict(session.execute(select(Registration.id, Registration.version)
                                   .where(Registration.id.in_(list(versions_after)))).all())
    changed = sorted(next(f"{p['kind']} {p['reg_no']}" for p in batch.plan["changes"] if p["registration_id"] == i)
                     for i, v in versions_after.items() if current.get(i) != v)
    if changed:
        raise Conflict(N_("Refused: these records changed after the batch: %(records)s. Record the reverse "
                          "change by hand instead."), records=", ".join(changed), details=changed)
    now = utcnow()
    gaz = get_gazetteer(session)
    session.execute(update(RecordFact).where(RecordFact.batch_id == batch.id, RecordFact.retracted_at.is_(None))
                    .values(retracted_at=now))
    _restore_parties(session, gaz, batch, now)
    _restore_flags(session, list(versions_after), applied["flags_before"], applied.get("flags_after"))
    batch.status, batch.rolled_back_at, batch.rolled_back_by, batch.rollback_reason = "rolled_back", now, actor, reason
    audit(session, actor, "batch.rollback", object_type="batch", object_id=batch.id, before={"status": "applied"},
          after={"status": "rolled_back", "reason": reason}, document=batch.filename)
    result = {"batch": batch.id, "restored": len(versions_after)}
    if finish:
        finish(result)
    session.commit()
    return result


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


def _flag_rows(session: Session, ids: list[int]) -> list[dict]:
    rows = session.execute(select(Flag.__table__).where(Flag.registration_id.in_(ids))).mappings().all()
    out = []
    for row in rows:
        item = {k: row[k] for k in ("id", *FLAG_COLUMNS)}
        for key in ("closed_at", "updated_at"):
            item[key] = item[key].isoformat() if item[key] else None
        out.append(item)
    return out


def _restore_flags(session: Session, ids: list[int], before: list[dict], after: dict | None) -> None:
    """Flags as before the batch, where nobody has touched them since it was applied.

    A flag still at the version the apply left (``after``) gets its columns back; one the batch's changes
    opened is removed, unless an officer has commented on it. A flag an officer has acted on since (a
    dismissal, an assignment: its version moved) keeps that decision.
    """
    from datetime import datetime  # noqa: PLC0415

    current = dict(session.execute(select(Flag.id, Flag.version).where(Flag.registration_id.in_(ids))).all())
    untouched = {i for i, v in current.items() if after is None or after.get(str(i)) == v}
    earlier = {f["id"]: f for f in before}
    commented = set(session.scalars(select(FlagComment.flag_id).where(FlagComment.flag_id.in_(list(current)))))
    born = [i for i in untouched if i not in earlier and i not in commented]
    if born:
        session.execute(delete(Flag).where(Flag.id.in_(born)))
    table = Flag.__table__
    for flag_id in untouched & set(earlier):
        values = {k: earlier[flag_id][k] for k in FLAG_COLUMNS if k != "version"}  # versions only move on
        for key in ("closed_at", "updated_at"):
            values[key] = datetime.fromisoformat(values[key]) if values[key] else None
        session.execute(update(table).where(table.c.id == flag_id).values(**values, version=table.c.version + 1))


def list_batches(session: Session, limit: int = 100) -> list[Batch]:
    return list(session.scalars(select(Batch).order_by(Batch.id.desc()).limit(limit)))

