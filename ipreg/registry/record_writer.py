"""Write records handed down by an importer: new ones created in bulk (parties, records, areas, history,
provinces, audit: one INSERT each), the others changed through recordals so that their history is kept. The
transaction is the caller's: an import writes its whole file or nothing."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ..core.audit import audit_many, audit_row
from ..core.clock import utcnow
from ..core.text import fold, vi_sort_string
from ..gazetteer.snapshot import Gazetteer
from ..models import AreaEntry, Party, RecordFact, RecordProvince, Registration
from .facts import fact_row
from .parties import PartyBook, party_value
from .record_input import DATE_FIELDS, PartyInput, RecordInput
from .recordals import change_area, change_details, change_party
from .records import area_value, details_value, entries_of, province_rows, search_text


def match_existing(session: Session, inputs: list[RecordInput]) -> dict[int, Registration]:
    """Map input line → the record it updates (by kind and number, else by kind, name and holder)."""
    out = {}
    numbered = {(i.kind, i.reg_no): i.line for i in inputs if i.reg_no}
    if numbered:
        for reg in session.scalars(select(Registration).where(Registration.reg_no.in_({n for _, n in numbered}))):
            line = numbered.get((reg.kind, reg.reg_no))
            if line:
                out[line] = reg
    unnumbered = {i.identity(): i.line for i in inputs if not i.reg_no}
    if unnumbered:
        for reg in session.scalars(select(Registration).where(Registration.reg_no.is_(None))):
            key = (reg.kind, fold(reg.name), fold(reg.product), fold(reg.holder.name) if reg.holder else "")
            if key in unnumbered:
                out[unnumbered[key]] = reg
    return out


def plan_records(session: Session, gaz: Gazetteer, inputs: list[RecordInput]) -> list[dict]:
    """What ``write_records`` would do to each input, writing nothing (a dry run)."""
    existing = match_existing(session, inputs)
    return [_action(item, "create" if (reg := existing.get(item.line)) is None
                    else "update" if differences(gaz, reg, item) else "unchanged") for item in inputs]


def _action(item: RecordInput, action: str) -> dict:
    return {"row": item.line, "kind": item.kind, "reg_no": item.reg_no, "name": item.name, "action": action}


def differences(gaz: Gazetteer, reg: Registration, item: RecordInput) -> dict:
    """What a re-imported row changes in its record (details, parties, area, pending place data)."""
    diff = {}
    current = details_value(reg)
    wanted = item.details()
    changed = {k: v for k, v in wanted.items() if k not in item.kept() and current.get(k) != v}
    if changed:
        diff["details"] = changed
    for role, party in (("holder", item.holder), ("manager", item.manager)):
        current_party = getattr(reg, role)
        current_key = current_party.key if current_party else None
        if current_key != (party.key() if party else None):
            diff[role] = party
    if entries_of(gaz, reg) != item.entries or reg.area_vintage != item.area_vintage:
        diff["area"] = item.entries
    if (reg.pending or None) != item.pending_json():
        diff["pending"] = item.pending_json()
    return diff


def write_records(session: Session, gaz: Gazetteer, inputs: list[RecordInput], actor: str, document: str
                  ) -> list[dict]:
    """Create the new records and change the others through recordals, in the caller's transaction."""
    existing = match_existing(session, inputs)
    fresh = [i for i in inputs if i.line not in existing]
    create_records(session, gaz, fresh, actor, document)
    actions = [_action(item, "create") for item in fresh]
    book = PartyBook(session)
    today = date.today()
    for item in inputs:
        reg = existing.get(item.line)
        if reg is None:
            continue
        diff = differences(gaz, reg, item)
        if not diff:
            actions.append(_action(item, "unchanged"))
            continue
        context = {"source": "import", "actor": actor, "note": f"re-import of {document}", "document": document}
        if "details" in diff:
            values = {k: (date.fromisoformat(v) if k in DATE_FIELDS and v else v)
                      for k, v in diff["details"].items()}
            change_details(session, gaz, reg, values, today, **context)
        for role in ("holder", "manager"):
            if role in diff:
                party_input = diff[role]
                party = None
                if party_input is not None:
                    party = session.get(Party, book.id_for(party_input.name, party_input.kind,
                                                           party_input.unit.id if party_input.unit else None))
                change_party(session, gaz, reg, role, party, today, **context)
        if "area" in diff:
            change_area(session, gaz, reg, item.entries, item.area_vintage, today, **context)
        if "pending" in diff:
            reg.pending = diff["pending"]
        actions.append(_action(item, "update"))
    return actions


def _spec(party: PartyInput) -> tuple[str, str, int | None]:
    return party.name, party.kind, party.unit.id if party.unit else None


def _ids_by_internal_id(session: Session, internal_ids: list[str]) -> list[int]:
    found: dict[str, int] = {}
    for start in range(0, len(internal_ids), 900):
        chunk = internal_ids[start:start + 900]
        found.update(session.execute(select(Registration.internal_id, Registration.id)
                                     .where(Registration.internal_id.in_(chunk))).all())
    return [found[i] for i in internal_ids]


def _next_internal_number(session: Session) -> int:
    last = session.scalar(select(func.max(Registration.internal_id)))
    return int(last.split("-")[1]) + 1 if last else 1


def create_records(session: Session, gaz: Gazetteer, items: list[RecordInput], actor: str, document: str) -> None:
    """Create records in bulk: parties, registrations, areas, history, provinces, audit (one INSERT each)."""
    if not items:
        return
    now = utcnow()
    book = PartyBook(session)
    holders = [i for i in items if i.holder]
    holder_by_line = dict(zip((i.line for i in holders), book.ids_for([_spec(i.holder) for i in holders])))
    holder_ids = [holder_by_line.get(i.line) for i in items]
    managers = [i for i in items if i.manager]
    manager_ids = dict(zip((i.line for i in managers), book.ids_for([_spec(i.manager) for i in managers])))
    first = _next_internal_number(session)
    rows = []
    for n, item in enumerate(items):
        rows.append({
            "kind": item.kind, "reg_no": item.reg_no, "internal_id": f"IPR-{first + n:06d}", "name": item.name,
            "product": item.product, "nice_classes": item.nice_classes, "filing_date": item.filing_date,
            "granted_on": item.granted_on, "expiry_date": item.expiry_date, "status": item.status,
            "decision_no": item.decision_no, "notes": item.notes,
            "holder_id": holder_ids[n], "manager_id": manager_ids.get(item.line), "area_vintage": item.area_vintage,
            "co_manager_ids": book.ids_for([_spec(m) for m in item.co_managers]) or None,
            "pending": item.pending_json(),
            "search_text": search_text(item.name, item.product, item.reg_no, f"IPR-{first + n:06d}",
                                       item.decision_no, item.holder.name if item.holder else None,
                                       item.manager.name if item.manager else None),
            "name_key": vi_sort_string(item.name), "created_at": now, "updated_at": now, "version": 1,
        })
    session.execute(insert(Registration.__table__), rows)
    ids = _ids_by_internal_id(session, [r["internal_id"] for r in rows])
    parties = {p.id: p for p in session.scalars(select(Party).where(
        Party.id.in_(set(holder_by_line.values()) | set(manager_ids.values()))))}
    areas, facts, provinces, audits = [], [], [], []
    for n, (item, reg_id) in enumerate(zip(items, ids)):
        for position, entry in enumerate(item.entries):
            areas.append({"registration_id": reg_id, "unit_id": entry.unit.id, "position": position,
                          "coverage": entry.coverage, "via": list(entry.via) or None, "note": entry.note})
        valid_from = item.granted_on or item.area_vintage or now.date()
        common = {"source": "import", "actor": actor, "recorded_at": now}
        facts.append(fact_row(reg_id, "details", item.details(), valid_from, note=_note(item, "details"), **common))
        facts.append(fact_row(reg_id, "holder", party_value(parties.get(holder_ids[n]), gaz), valid_from,
                              note=_note(item, "holder"), **common))
        if item.manager:
            facts.append(fact_row(reg_id, "manager", party_value(parties[manager_ids[item.line]], gaz), valid_from,
                                  note=_note(item, "manager"), **common))
        if item.entries:
            facts.append(fact_row(reg_id, "area", area_value(item.entries, item.area_vintage), valid_from,
                                  note=_note(item, "area"), **common))
        provinces += province_rows(gaz, reg_id, item.entries, [
            item.holder.unit.id if item.holder and item.holder.unit else None,
            item.manager.unit.id if item.manager and item.manager.unit else None])
        audits.append(audit_row(actor, "record.create", "registration", rows[n]["internal_id"], None,
                                {"kind": item.kind, "reg_no": item.reg_no, "name": item.name}, document=document))
    for model, payload in ((AreaEntry, areas), (RecordFact, facts), (RecordProvince, provinces)):
        if payload:
            session.execute(insert(model.__table__), payload)
    audit_many(session, audits)


def _note(item: RecordInput, role: str) -> str | None:
    """The import's warnings about one fact (the area's readings with the area, the holder's with the holder…),
    kept with it in the history."""
    said = [p.message for p in item.warnings if _role_of(p.column) == role]
    return "; ".join(said) or None


def _role_of(column: str | None) -> str:
    if column and column.startswith(("holder", "manager")):
        return column.split("_")[0]
    return "area" if column in ("area_units", "area_vintage") else "details"
