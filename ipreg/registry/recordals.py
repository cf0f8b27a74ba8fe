"""Recordals: the one place where a record's holder, manager, area or details change.

Every change adds a fact to the record's history (with its legal date and decision), updates the current
columns, refreshes the derived rows, and writes an audit entry, all in the caller's transaction. The
review workflow, batch re-assignment, rollback and re-import all come through here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..core.audit import audit, audit_many, audit_row
from ..core.clock import utcnow
from ..core.errors import N_, Conflict
from ..database import insert_rows
from ..gazetteer.snapshot import Gazetteer
from ..models import Party, RecordFact, Registration
from .areas import Entry
from .facts import fact_row
from .parties import party_value
from .records import area_value, details_value, entries_of, refresh_derived, refresh_derived_many, set_area_entries


def check_version(reg: Registration, expected: int | None) -> None:
    """Optimistic locking: refuse to act on a record someone changed since it was shown."""
    if expected is not None and int(expected) != reg.version:
        raise Conflict(N_("Record %(record)s was changed by someone else since you opened it (version %(seen)s, "
                          "now %(now)s). Reload it and check the change."),
                       record=reg.reg_no or reg.internal_id, seen=expected, now=reg.version)


def flush_or_conflict(session: Session, reg: Registration) -> None:
    """Write pending changes; the version column refuses them if someone else changed the record first."""
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise Conflict(N_("Record %(record)s was changed by someone else at the same time; nothing was "
                          "saved. Reload it and check the change."), record=reg.reg_no or reg.internal_id) from None


def _record(session: Session, reg: Registration, role: str, before, after, valid_from: date, *, source: str,
            actor: str | None, decision_no=None, decision_date=None, batch_id=None, flag_id=None,
            note=None, document=None) -> RecordFact:
    now = utcnow()
    reg.updated_at = now  # touches the row, so that its version moves even when only the area changed
    flush_or_conflict(session, reg)
    row = fact_row(reg.id, role, after, valid_from, source=source, actor=actor, recorded_at=now,
                   decision_no=decision_no, decision_date=decision_date, batch_id=batch_id, flag_id=flag_id,
                   note=note)
    fact_id = session.execute(insert(RecordFact).returning(RecordFact.id), [row]).scalar_one()
    audit(session, actor, f"record.{role}", object_type="registration", object_id=reg.internal_id,
          before=before, after=after, document=document or decision_no)
    return session.get(RecordFact, fact_id)


@dataclass
class PartyChange:
    """One new holder or manager to record; ``expected_version`` is the record version the change was
    decided on (optimistic locking), None to skip the check."""

    registration_id: int
    role: str
    party_id: int | None
    valid_from: date
    expected_version: int | None = None
    decision_no: str | None = None
    decision_date: date | None = None
    note: str | None = None


def record_party_changes(session: Session, gaz: Gazetteer, changes: list[PartyChange], *, source: str,
                         actor: str | None, batch_id: int | None = None, flag_id: int | None = None,
                         document: str | None = None) -> list[dict]:
    """Record many holder/manager changes in a few statements: history, columns, versions, derived rows.

    Refuses the whole set (``Conflict``, nothing written) when any record moved past its expected version.
    Returns, per change, the record id, role, before and after values and the new version.
    """
    if not changes:
        return []
    ids = sorted({c.registration_id for c in changes})
    current = {r.id: r for r in session.execute(select(
        Registration.id, Registration.internal_id, Registration.reg_no, Registration.version,
        Registration.holder_id, Registration.manager_id).where(Registration.id.in_(ids)))}
    stale = [current[c.registration_id].reg_no or current[c.registration_id].internal_id for c in changes
             if c.expected_version is not None and current[c.registration_id].version != c.expected_version]
    if stale:
        raise Conflict(N_("Changed by someone else since they were read: %(records)s."),
                       records=", ".join(sorted(set(stale))), details=sorted(set(stale)))
    party_ids = {c.party_id for c in changes if c.party_id} | {getattr(current[c.registration_id], f"{c.role}_id")
                                                               for c in changes} - {None}
    parties = {p.id: p for p in session.scalars(select(Party).where(Party.id.in_(party_ids)))}
    now = utcnow()
    state = {i: {"holder_id": r.holder_id, "manager_id": r.manager_id, "version": r.version}
             for i, r in current.items()}
    facts, audits, results = [], [], []
    for c in changes:
        row = state[c.registration_id]
        before = party_value(parties.get(row[f"{c.role}_id"]), gaz)
        after = party_value(parties.get(c.party_id), gaz)
        row[f"{c.role}_id"] = c.party_id
        facts.append(fact_row(c.registration_id, c.role, after, c.valid_from, source=source, actor=actor,
                              recorded_at=now, decision_no=c.decision_no, decision_date=c.decision_date,
                              batch_id=batch_id, flag_id=flag_id, note=c.note))
        audits.append(audit_row(actor, f"record.{c.role}", "registration", current[c.registration_id].internal_id,
                                before, after, document=document or c.decision_no))
        results.append({"registration_id": c.registration_id, "role": c.role, "before": before, "after": after})
    table = Registration.__table__
    updates = [{"_id": i, "_version": current[i].version, "holder_id": s["holder_id"], "manager_id": s["manager_id"],
                "updated_at": now, "version": current[i].version + 1} for i, s in state.items()]
    result = session.connection().execute(
        update(table).where(table.c.id == bindparam("_id"), table.c.version == bindparam("_version"))
        .values(holder_id=bindparam("holder_id"), manager_id=bindparam("manager_id"),
                updated_at=bindparam("updated_at"), version=bindparam("version")), updates)
    if result.rowcount not in (-1, len(updates)):
        raise Conflict(N_("Changed by someone else since they were read: %(records)s."), records="?")
    insert_rows(session, RecordFact.__table__, facts)
    audit_many(session, audits)
    refresh_derived_many(session, gaz, ids)
    for item in results:
        item["version"] = current[item["registration_id"]].version + 1
    return results


def change_party(session: Session, gaz: Gazetteer, reg: Registration, role: str, party: Party | None,
                 valid_from: date, *, source: str, actor: str | None, decision_no=None, decision_date=None,
                 batch_id=None, flag_id=None, note=None, document=None) -> dict:
    """Record a new holder or manager of one record (``party`` None removes the manager)."""
    session.flush()
    [result] = record_party_changes(
        session, gaz, [PartyChange(reg.id, role, party.id if party else None, valid_from, reg.version, decision_no,
                                   decision_date, note)],
        source=source, actor=actor, batch_id=batch_id, flag_id=flag_id, document=document)
    session.expire(reg)
    return result


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
