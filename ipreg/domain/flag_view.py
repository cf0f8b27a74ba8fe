"""The JSON form of a flag, shared by ``ipreg flags list``, the record JSON and the API."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Flag, Registration

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def record_ref(reg: Registration) -> dict:
    return {"kind": reg.kind, "reg_no": reg.reg_no or reg.internal_id}


def flag_dict(flag: Flag, reg: Registration | None = None) -> dict:
    reg = reg or flag.registration
    return {
        "id": flag.id,
        "record": record_ref(reg),
        "rule": flag.rule,
        "subject": flag.subject,
        "severity": flag.severity,
        "status": flag.status,
        "reason": {"vi": flag.reason_vi, "en": flag.reason_en},
        "suggested": flag.suggested,
        "candidates": flag.candidates or [],
        "evidence": flag.evidence or {},
        "assignee": flag.assignee.username if flag.assignee else None,
        "closed_reason": flag.closed_reason,
        "decision": flag.decision,
        "version": flag.version,
    }


def flags_of_record(session: Session, reg: Registration) -> list[dict]:
    flags = session.scalars(select(Flag).where(Flag.registration_id == reg.id)).all()
    flags = sorted(flags, key=lambda f: (f.status != "open", SEVERITY_ORDER[f.severity], f.rule))
    return [flag_dict(f, reg) for f in flags]
