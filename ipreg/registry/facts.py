"""Bitemporal history of a record: facts valid from a legal date, recorded at a transaction time.

Nothing is overwritten. The state on a date is, per role, the fact with the latest ``valid_from`` not after
that date (ties: the later recorded); a retracted fact (a rolled-back batch, a corrected import) stays in the
table with ``retracted_at`` and is left out of the current state, but still shown by ``known_at`` queries.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import RecordFact

ROLES = ("details", "holder", "manager", "area", "polygon")


def fact_row(registration_id: int, role: str, value, valid_from: date, *, source: str, actor: str | None,
             recorded_at: datetime, decision_no: str | None = None, decision_date: date | None = None,
             batch_id: int | None = None, flag_id: int | None = None, note: str | None = None) -> dict:
    return {"registration_id": registration_id, "role": role, "value": value, "valid_from": valid_from,
            "recorded_at": recorded_at, "retracted_at": None, "decision_no": decision_no,
            "decision_date": decision_date, "source": source, "batch_id": batch_id, "flag_id": flag_id,
            "actor": actor, "note": note}


def facts_of(session: Session, registration_id: int) -> list[RecordFact]:
    return list(session.scalars(select(RecordFact).where(RecordFact.registration_id == registration_id)
                                .order_by(RecordFact.valid_from, RecordFact.recorded_at, RecordFact.id)))


def state_on(facts: list[RecordFact], day: date, known_at: datetime | None = None) -> dict:
    """Per role, the value that held on ``day`` as known at ``known_at`` (default: now)."""
    state: dict = {}
    chosen: dict = {}
    for fact in facts:
        if fact.valid_from > day:
            continue
        if known_at is not None:
            if fact.recorded_at > known_at or (fact.retracted_at is not None and fact.retracted_at <= known_at):
                continue
        elif fact.retracted_at is not None:
            continue
        current = chosen.get(fact.role)
        if current is None or (fact.valid_from, fact.recorded_at, fact.id) >= (
                current.valid_from, current.recorded_at, current.id):
            chosen[fact.role] = fact
            state[fact.role] = fact.value
    return state


def fact_dict(fact: RecordFact) -> dict:
    return {"id": fact.id, "role": fact.role, "valid_from": fact.valid_from.isoformat(),
            "recorded_at": fact.recorded_at.isoformat(timespec="seconds") + "Z",
            "retracted_at": fact.retracted_at.isoformat(timespec="seconds") + "Z" if fact.retracted_at else None,
            "value": fact.value, "decision_no": fact.decision_no,
            "decision_date": fact.decision_date.isoformat() if fact.decision_date else None,
            "source": fact.source, "batch_id": fact.batch_id, "flag_id": fact.flag_id, "actor": fact.actor,
            "note": fact.note}
