"""Recordals: the one place where a record's holder, manager, area or details change.

Every change adds a fact to the record's history (with its legal date and decision), updates the current
columns, refreshes the derived rows, and writes an audit entry, all in the caller's transaction. The
review workflow, batch re-assignment, rollback and re-import all come through here.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import insert
from sqlalchemy.orm import Session

from ..models import Party, RecordFact, Registration
from .areas import Entry
from .audit import audit
from .errors import N_, Conflict
from .gazetteer import Gazetteer
from .history import fact_row, utcnow
from .parties import party_value
from .records import area_value, details_value, entries_of, refresh_derived, set_area_entries


def check_version(reg: Registration, expected: int | None) -> None:
    """Optimistic locking: refuse to act on a record someone changed since it was shown."""
    if expected is not None and int(expected) != reg.version:
        raise Conflict(N_("Record %(record)s was changed by someone else since you opened it (version %(seen)s, "
                          "now %(now)s). Reload it and check the change."),
                       record=reg.reg_no or reg.internal_id, seen=expected, now=reg.version)


def _record(session: Session, reg: Registration, role: str, before, after, valid_from: date, *, source: str,
            actor: str | None, decision_no=None, decision_date=None, batch_id=None, flag_id=None,
            note=None, document=None) -> RecordFact:
    now = utcnow()
    reg.updated_at = now  # touches the row, so that its version moves even when only the area changed
    row = fact_row(reg.id, role, after, valid_from, source=source, actor=actor, recorded_at=now,
                   decision_no=decision_no, decision_date=decision_date, batch_id=batch_id, flag_id=flag_id,
                   note=note)
    fact_id = session.execute(insert(RecordFact).returning(RecordFact.id), [row]).scalar_one()
    audit(session, actor, f"record.{role}", object_type="registration", object_id=reg.internal_id,
          before=before, after=after, document=document or decision_no)
    return session.get(RecordFact, fact_id)


def change_party(session: Session, gaz: Gazetteer, reg: Registration, role: str, party: Party | None,
                 valid_from: date, **context) -> dict:
    """Record a new holder or manager (``party`` None removes the manager)."""
    column = f"{role}_id"
    before = party_value(session.get(Party, getattr(reg, column)) if getattr(reg, column) else None, gaz)
    setattr(reg, column, party.id if party else None)
    after = party_value(party, gaz)
    _record(session, reg, role, before, after, valid_from, **context)
    session.flush()
    refresh_derived(session, gaz, reg)
    return {"before": before, "after": after}


def change_area(session: Session, gaz: Gazetteer, reg: Registration, entries: tuple[Entry, ...],
                vintage: date | None, valid_from: date, **context) -> dict:
    before = area_value(entries_of(gaz, reg), reg.area_vintage)
    set_area_entries(reg, entries)
    reg.area_vintage = vintage
    after = area_value(entries, vintage)
    _record(session, reg, "area", before, after, valid_from, **context)
    session.flush()
    refresh_derived(session, gaz, reg)
    return {"before": before, "after": after}


def change_details(session: Session, gaz: Gazetteer, reg: Registration, changes: dict, valid_from: date,
                   **context) -> dict:
    before = details_value(reg)
    for name, value in changes.items():
        setattr(reg, name, value)
    after = details_value(reg)
    _record(session, reg, "details", before, after, valid_from, **context)
    session.flush()
    refresh_derived(session, gaz, reg)
    return {"before": before, "after": after}


def change_polygon(session: Session, gaz: Gazetteer, reg: Registration, polygon, valid_from: date,
                   **context) -> dict:
    """Attach an uploaded area polygon (kept beside the unit list; the two are compared, never merged)."""
    import hashlib  # noqa: PLC0415

    import shapely  # noqa: PLC0415

    from ..spatial.projection import to_equal_area  # noqa: PLC0415

    before = {"polygon": bool(reg.area_polygon)}
    blob = shapely.to_wkb(polygon)
    reg.area_polygon = blob
    after = {"polygon": True, "sha256": hashlib.sha256(blob).hexdigest(),
             "area_km2": round(float(shapely.area(to_equal_area(polygon))) / 1e6, 2)}
    _record(session, reg, "polygon", before, after, valid_from, **context)
    session.flush()
    return {"before": before, "after": after}
