"""The JSON form of a flag, shared by ``ipreg flags list``, the record JSON and the API.

An open flag's words come from the rules applied to the record as it stands; a decided flag's words are
the ones kept when the officer decided. A flag the engine closed because its cause is gone says so.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.errors import N_, NotFound
from ..gazetteer.snapshot import Gazetteer
from ..models import Flag, Registration
from ..registry.records import describe_record
from ..registry.visibility import check_visible

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
GONE = {"reason_vi": "Nguyên nhân không còn.", "reason_en": "The cause is gone.", "suggested": None,
        "candidates": [], "evidence": {}}


def find_flag(session: Session, flag_id: int, scope: list[str] | None) -> Flag:
    """A flag by id, refused (like its record) outside the user's provinces."""
    flag = session.get(Flag, flag_id)
    if flag is None:
        raise NotFound(N_("No such flag."))
    check_visible(session, flag.registration, scope)
    return flag


def stored_payload(flag: Flag) -> dict | None:
    if flag.reason_vi is None:
        return None
    return {"reason_vi": flag.reason_vi, "reason_en": flag.reason_en, "suggested": flag.suggested,
            "candidates": flag.candidates or [], "evidence": flag.evidence or {}}


def payloads(session: Session, flags: list[Flag]) -> dict[int, dict]:
    """The words of each flag: stored if decided, else computed for all their records in one pass."""
    from ..gazetteer.snapshot import get_gazetteer  # noqa: PLC0415
    from .engine import findings_for  # noqa: PLC0415 - the engine imports this module's helpers

    out, pending = {}, []
    for flag in flags:
        stored = stored_payload(flag)
        if stored is not None:
            out[flag.id] = stored
        else:
            pending.append(flag)
    if pending:
        findings = findings_for(session, get_gazetteer(session), sorted({f.registration_id for f in pending}))
        for flag in pending:
            finding = findings.get((flag.registration_id, flag.rule, flag.subject))
            out[flag.id] = finding.payload if finding is not None else GONE
    return out


def record_ref(reg: Registration) -> dict:
    return {"kind": reg.kind, "reg_no": reg.reg_no or reg.internal_id}


def flag_dict(flag: Flag, payload: dict, reg: Registration | None = None) -> dict:
    reg = reg or flag.registration
    return {
        "id": flag.id,
        "record": record_ref(reg),
        "rule": flag.rule,
        "subject": flag.subject,
        "severity": flag.severity,
        "status": flag.status,
        "reason": {"vi": payload["reason_vi"], "en": payload["reason_en"]},
        "suggested": payload["suggested"],
        "candidates": payload["candidates"],
        "evidence": payload["evidence"],
        "assignee": flag.assignee.username if flag.assignee else None,
        "closed_reason": flag.closed_reason,
        "decision": flag.decision,
        "version": flag.version,
    }


def flags_of_record(session: Session, reg: Registration) -> list[dict]:
    flags = session.scalars(select(Flag).where(Flag.registration_id == reg.id)).all()
    flags = sorted(flags, key=lambda f: (f.status != "open", SEVERITY_ORDER[f.severity], f.rule))
    words = payloads(session, flags)
    return [flag_dict(f, words[f.id], reg) for f in flags]


def record_with_flags(session: Session, gaz: Gazetteer, reg: Registration, on: date | None = None,
                      with_flags: bool = True) -> dict:
    """The record's JSON and, for those who may read them, its flags (the anonymous public reads records,
    not the officers' flags): what the record page, its API and ``ipreg records show`` give."""
    data = describe_record(session, gaz, reg, on=on)
    if with_flags:
        data["flags"] = flags_of_record(session, reg)
    return data
