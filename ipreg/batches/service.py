"""Batch re-assignment: preview, apply in one transaction, roll back; never half, never twice.

A previewed batch keeps its file hash, rows and plan (what will change, the record versions it was planned
on, the flags it will resolve). Applying refuses a file already applied, a batch whose records changed since
the preview, and a confirmation that does not match the count; then records every change as a recordal with
its decision, resolves the flags it answers, and keeps what is needed to roll back. A rollback retracts the
batch's facts and restores the records and flags exactly; it is refused for records changed after the batch.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from ..core.audit import audit
from ..core.clock import utcnow
from ..core.errors import N_, Conflict, IpregError, Message
from ..database import begin_write
from ..gazetteer.snapshot import get_gazetteer
from ..models import Batch, Flag, Registration
from ..reform.engine import refresh_record_flags
from ..reform.review import PARTY_RULES
from ..reform.views import payloads
from ..registry.cells import Problem
from ..registry.parties import PartyBook
from ..registry.recordals import PartyChange, record_party_changes
from .reading import (
    RowChange,
    column_titles,
    file_problem,
    read_reassignment,
    validate_rows,
)
from .rollback import check_rollback, rollback
from .state import STATUS_WORDS, Finish, file_hash, flag_rows, get_batch, list_batches

# The batch's whole life is reached through this module (the jobs, the actions, the tests).
__all__ = [
    "apply",
    "check_ready",
    "check_rollback",
    "file_hash",
    "get_batch",
    "last_of_file",
    "list_batches",
    "preview",
    "record_changes",
    "resolve_flags",
    "rollback",
]


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
    report = {"batch": None, "changed": 0, "errors": [], "warnings": [], "changes": [], "file_hash": file_hash(data),
              "repeats": None}
    limits = {"max_rows": max_rows, "max_cell_chars": max_cell_chars}
    try:
        table = read_reassignment(data, filename, **limits, max_bytes=max_bytes)
        titles = column_titles(data, filename, **limits)
    except IpregError as exc:
        report["errors"] = [file_problem(exc).as_dict(translatable)]
        return report
    changes, problems = validate_rows(session, get_gazetteer(session), table, today=date.today(),
                                      allow_future=allow_future, titles=titles)
    report["errors"] = [p.as_dict(translatable) for p in problems if p.severity == "error"]
    report["warnings"] = [p.as_dict(translatable) for p in problems if p.severity == "warning"]
    _check_file_history(session, report, filename, translatable)
    plan = _plan(session, changes)
    report.update(changes=plan, changed=len(plan), flags_resolved=sum(len(p["flags"]) for p in plan))
    if report["errors"] or not store:
        return report
    _store(session, report, table.rows, [p for p in problems if p.severity == "warning"], filename, actor)
    if finish:
        finish(report)
    session.commit()
    return report


def last_of_file(session: Session, digest: str) -> Batch | None:
    """The latest batch of a file (by its hash) that was applied, rolled back or not."""
    return session.scalar(select(Batch).where(Batch.file_hash == digest, Batch.applied_at.is_not(None))
                          .order_by(Batch.id.desc()).limit(1))


def _check_file_history(session: Session, report: dict, filename: str, translatable: bool) -> None:
    """A file is applied once at a time: refused while its last batch stands applied; after a rollback it
    may be applied again, as a new batch that says which one it repeats."""
    last = last_of_file(session, report["file_hash"])
    if last is None:
        return
    if last.status == "rolled_back":
        report["repeats"] = last.id
        return
    report["errors"].insert(0, Problem(None, None, filename, N_("This file was already applied (batch %(id)d)"),
                                       {"id": last.id}, suggestion=N_(
                                           "A file is applied once: upload a corrected file, or roll that batch back "
                                           "first.")).as_dict(translatable))


def _plan(session: Session, changes: list[RowChange]) -> list[dict]:
    answered = _flags_answered(session, changes)
    return [{"row": c.line, "registration_id": c.registration_id, "kind": c.kind, "reg_no": c.reg_no,
             "name": c.name, "role": c.role, "expected_version": c.version, "before": c.before, "after": c.after(),
             "decision_no": c.decision_no, "decision_date": c.decision_date.isoformat(),
             "effective_date": c.effective_date.isoformat(), "note": c.note,
             "flags": answered.get((c.registration_id, c.role), [])} for c in changes]


def _store(session: Session, report: dict, rows: list[dict], warnings: list[Problem], filename: str,
           actor: str | None) -> None:
    """Keep the previewed batch: its rows, its plan, the warnings its page shows (in the reader's language,
    hence as msgids), and the batch it repeats."""
    begin_write(session)
    plan = {"changes": report["changes"], "repeats": report["repeats"],
            "warnings": [{k: v for k, v in w.as_dict(True).items() if k != "message"} for w in warnings]}
    batch = Batch(file_hash=report["file_hash"], filename=filename[:255], status="previewed", rows=rows,
                  plan=plan, changed=report["changed"], created_by=actor, created_at=utcnow())
    session.add(batch)
    session.flush()
    audit(session, actor, "batch.preview", object_type="batch", object_id=batch.id,
          after={"file_hash": batch.file_hash, "rows": len(rows), "changes": report["changed"],
                 "repeats": report["repeats"]}, document=filename)
    report["batch"] = batch.id


def check_ready(batch: Batch, confirm) -> None:
    """A batch is applied only from its preview, and only with the number of its changes typed back."""
    if batch.status != "previewed":
        raise Conflict(N_("Batch %(id)d is %(status)s; only a previewed batch can be applied."), id=batch.id,
                       status=Message(STATUS_WORDS.get(batch.status, batch.status)))
    count = len(batch.plan["changes"])
    if confirm is not None and str(confirm).strip() != str(count):
        raise IpregError(N_("Type the number of records to change (%(n)d) to confirm."), n=count)


def _check_current(session: Session, batch: Batch) -> list[int]:
    """Refuse a file applied meanwhile and records changed since the preview; returns the records' ids."""
    twin = session.scalar(select(Batch.id).where(Batch.file_hash == batch.file_hash, Batch.status == "applied"))
    if twin:
        raise Conflict(N_("This file was already applied (batch %(id)d)"), id=twin)
    plan = batch.plan["changes"]
    ids = sorted({p["registration_id"] for p in plan})
    versions = dict(session.execute(select(Registration.id, Registration.version)
                                    .where(Registration.id.in_(ids))).all())
    conflicts = sorted({f"{p['kind']} {p['reg_no']}" for p in plan
                        if versions.get(p["registration_id"]) != p["expected_version"]})
    if conflicts:
        raise Conflict(N_("These records changed since the preview: %(records)s. Preview the file again."),
                       records=", ".join(conflicts), details=conflicts)
    return ids


def apply(session: Session, batch_id: int, *, confirm: int | None, actor: str | None,
          progress: Callable[[int, int, str], None] | None = None, finish: Finish | None = None) -> dict:
    """Apply a previewed batch in one transaction: all of its changes, or (on any failure) none.

    ``finish(result)`` (a job's) writes the job's end in that same transaction: a kill leaves the batch and its
    job agreeing.
    """
    begin_write(session)
    batch = get_batch(session, batch_id)
    check_ready(batch, confirm)
    ids = _check_current(session, batch)
    progress = progress or (lambda *_: None)
    progress(1, 3, N_("recording the changes"))
    flags_before = flag_rows(session, ids)
    words = _flag_words(session, batch.plan["changes"])
    results = record_changes(session, batch, actor)
    resolved = resolve_flags(session, batch, words, actor)
    progress(2, 3, N_("re-evaluating the flags of the records"))
    refresh_record_flags(session, ids, actor=actor)
    _mark_applied(session, batch, actor, ids, flags_before, resolved)
    audit(session, actor, "batch.apply", object_type="batch", object_id=batch.id,
          after={"changed": len(results), "flags_resolved": resolved, "file_hash": batch.file_hash,
                 "repeats": batch.plan.get("repeats")}, document=batch.filename)
    result = {"batch": batch.id, "changed": len(results), "flags_resolved": resolved, "errors": []}
    if finish:
        finish(result)
    session.commit()
    return result


def _flag_words(session: Session, plan: list[dict]) -> dict[int, dict]:
    """The words of the flags the batch answers, as they read before its changes (kept with the closed flag)."""
    return payloads(session, session.scalars(select(Flag).where(Flag.id.in_(
        [f for p in plan for f in p["flags"]]))).all())


def record_changes(session: Session, batch: Batch, actor: str | None) -> list[dict]:
    """Every change of the plan as a recordal with its decision (both roles of one record in one update)."""
    gaz = get_gazetteer(session)
    plan = batch.plan["changes"]
    party_ids = PartyBook(session).ids_for([(p["after"]["name"], p["after"]["kind"],
                                             gaz.by_key[("new", p["after"]["unit"]["code"])].id) for p in plan])
    changes = [PartyChange(item["registration_id"], item["role"], party_id,
                           date.fromisoformat(item["effective_date"]), None, item["decision_no"],
                           date.fromisoformat(item["decision_date"]), item["note"])
               for item, party_id in zip(plan, party_ids)]
    results = record_party_changes(session, gaz, changes, source="batch", actor=actor, batch_id=batch.id,
                                   document=batch.filename)
    session.flush()
    return results


def resolve_flags(session: Session, batch: Batch, words: dict[int, dict], actor: str | None) -> int:
    """Close the flags the batch answers, with its decision; returns how many were still open.

    Only flags still open: one an officer dismissed or accepted since the preview keeps that decision."""
    now, values = utcnow(), []
    for item in batch.plan["changes"]:
        for flag_id in item["flags"]:
            w = words.get(flag_id, {})
            values.append({"_id": flag_id, "status": "resolved", "closed_at": now, "updated_at": now,
                           "closed_reason": None, "reason_vi": w.get("reason_vi"), "reason_en": w.get("reason_en"),
                           "suggested": w.get("suggested"), "candidates": w.get("candidates"),
                           "evidence": w.get("evidence"),
                           "decision": {"batch": batch.id, "decision_no": item["decision_no"],
                                        "decision_date": item["decision_date"],
                                        "effective_date": item["effective_date"], "by": actor,
                                        "successor": item["after"]}})
    if not values:
        return 0
    still_open = session.scalar(select(func.count()).select_from(Flag).where(
        Flag.id.in_([v["_id"] for v in values]), Flag.status == "open"))
    table = Flag.__table__
    session.connection().execute(
        update(table).where(table.c.id == bindparam("_id"), table.c.status == "open")
        .values({k: bindparam(k) for k in values[0] if k != "_id"} | {"version": table.c.version + 1}), values)
    return still_open


def _mark_applied(session: Session, batch: Batch, actor: str | None, ids: list[int], flags_before: list[dict],
                  resolved: int) -> None:
    """The batch applied, with what its rollback needs: the versions it left and the flags before and after."""
    after_versions = dict(session.execute(select(Registration.id, Registration.version)
                                          .where(Registration.id.in_(ids))).all())
    flags_after = dict(session.execute(select(Flag.id, Flag.version).where(Flag.registration_id.in_(ids))).all())
    batch.status, batch.applied_at, batch.applied_by = "applied", utcnow(), actor
    batch.plan = {**batch.plan, "applied": {
        "versions_after": {str(k): v for k, v in after_versions.items()},
        "flags_before": flags_before, "flags_after": {str(k): v for k, v in flags_after.items()},
        "flags_resolved": resolved}}


