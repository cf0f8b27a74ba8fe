"""A registration's current state, derived columns, and its JSON form (CLI, API and pages alike)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from ..core.errors import N_, Message, NotFound
from ..core.text import fold, vi_sort_string
from ..gazetteer.snapshot import Gazetteer
from ..models import AreaEntry, Party, RecordProvince, Registration
from .areas import UNCHANGED_EN, UNCHANGED_VI, Entry, old_units_of, summarise
from .facts import fact_dict, facts_of, state_on
from .parties import unit_ref

DETAIL_FIELDS = ("name", "product", "nice_classes", "filing_date", "granted_on", "expiry_date", "status",
                 "decision_no", "notes")


def find_record(session: Session, kind: str, reg_no: str) -> Registration:
    """A record by kind and certificate number (or, for records without one, its internal id)."""
    kind = (kind or "").upper()
    reg = session.scalar(select(Registration).where(
        Registration.kind == kind, or_(Registration.reg_no == reg_no, Registration.internal_id == reg_no)))
    if reg is None:
        raise NotFound(N_("No %(kind)s record has number %(reg_no)s"), kind=kind, reg_no=reg_no)
    return reg


def find_by_internal_id(session: Session, internal_id: str) -> Registration:
    reg = session.scalar(select(Registration).where(Registration.internal_id == internal_id))
    if reg is None:
        raise NotFound(N_("No record %(id)s"), id=internal_id)
    return reg


def entries_from_value(gaz: Gazetteer, value: dict | None) -> tuple[Entry, ...]:
    """Area entries from the area value kept in history."""
    if not value:
        return ()
    out = []
    for item in value.get("units", ()):
        unit = gaz.by_key.get((item["vintage"], item["code"]))
        if unit is not None:
            out.append(Entry(unit, item.get("coverage", "whole"), tuple(item.get("via") or ()), item.get("note")))
    return tuple(out)


def area_value(entries: tuple[Entry, ...], vintage: date | None) -> dict:
    return {"vintage": vintage.isoformat() if vintage else None,
            "units": [{"code": e.unit.code, "vintage": e.unit.vintage, "name": e.unit.name,
                       "coverage": e.coverage, **({"via": list(e.via)} if e.via else {}),
                       **({"note": e.note} if e.note else {})} for e in entries]}


def entries_of(gaz: Gazetteer, reg: Registration) -> tuple[Entry, ...]:
    return tuple(Entry(gaz.units[a.unit_id], a.coverage or "whole", tuple(a.via or ()), a.note)
                 for a in reg.area_entries)


def details_value(reg: Registration) -> dict:
    out = {}
    for name in DETAIL_FIELDS:
        value = getattr(reg, name)
        out[name] = value.isoformat() if isinstance(value, date) else value
    return out


def search_text(*parts: str | None) -> str:
    return " ".join(fold(p) for p in parts if p)


def province_rows(gaz: Gazetteer, registration_id: int, entries: tuple[Entry, ...],
                  party_unit_ids: list[int | None]) -> list[dict]:
    """The old and new provinces a record touches through its area and the units of its parties."""
    summary = summarise(gaz, entries)
    old, new = set(summary.old_provinces), set(summary.new_provinces)
    for unit_id in party_unit_ids:
        if not unit_id:
            continue
        unit = gaz.units[unit_id]
        if unit.vintage == "new":
            new.add(unit.province_code)
        else:
            old.add(unit.province_code)
            province = gaz.by_key[("old", unit.province_code)]
            new.update(u.province_code for _, u in gaz.successors_of(province))
    return ([{"registration_id": registration_id, "vintage": "old", "province_code": c} for c in sorted(old)]
            + [{"registration_id": registration_id, "vintage": "new", "province_code": c} for c in sorted(new)])


def refresh_derived(session: Session, gaz: Gazetteer, reg: Registration) -> None:
    """Recompute the search text and the province rows of one record after a change (flushed first)."""
    session.flush()
    refresh_derived_many(session, gaz, [reg.id])
    session.expire(reg, ["search_text"])


def refresh_derived_many(session: Session, gaz: Gazetteer, ids: list[int]) -> None:
    """Recompute search texts and province rows of many records in a few statements."""
    if not ids:
        return
    regs = session.execute(select(Registration.id, Registration.name, Registration.product, Registration.reg_no,
                                  Registration.internal_id, Registration.decision_no, Registration.holder_id,
                                  Registration.manager_id).where(Registration.id.in_(ids))).all()
    party_ids = {r.holder_id for r in regs} | {r.manager_id for r in regs if r.manager_id}
    parties = {p.id: p for p in session.execute(select(Party.id, Party.name, Party.unit_id)
                                                .where(Party.id.in_(party_ids)))}
    entries: dict[int, list[Entry]] = {}
    for reg_id, unit_id, coverage, via in session.execute(
            select(AreaEntry.registration_id, AreaEntry.unit_id, AreaEntry.coverage, AreaEntry.via)
            .where(AreaEntry.registration_id.in_(ids)).order_by(AreaEntry.registration_id, AreaEntry.position)):
        entries.setdefault(reg_id, []).append(Entry(gaz.units[unit_id], coverage or "whole", tuple(via or ())))
    texts, provinces = [], []
    for r in regs:
        holder, manager = parties.get(r.holder_id), parties.get(r.manager_id)
        texts.append({"_id": r.id, "name_key": vi_sort_string(r.name), "search_text": search_text(
            r.name, r.product, r.reg_no, r.internal_id, r.decision_no, holder.name if holder else None,
            manager.name if manager else None)})
        provinces += province_rows(gaz, r.id, tuple(entries.get(r.id, ())),
                                   [holder.unit_id if holder else None, manager.unit_id if manager else None])
    table = Registration.__table__
    session.connection().execute(update(table).where(table.c.id == bindparam("_id"))
                                 .values(search_text=bindparam("search_text"), name_key=bindparam("name_key")), texts)
    session.execute(delete(RecordProvince).where(RecordProvince.registration_id.in_(ids)))
    if provinces:
        session.execute(insert(RecordProvince.__table__), provinces)


def set_area_entries(reg: Registration, entries: tuple[Entry, ...]) -> None:
    reg.area_entries = [AreaEntry(unit_id=e.unit.id, position=i, coverage=e.coverage, via=list(e.via) or None,
                                  note=e.note) for i, e in enumerate(entries)]


def _old_communes(gaz: Gazetteer, atoms) -> list[dict]:
    """The old communes an area covers (a district entry stands for all of them), by district and code."""
    communes = sorted((gaz.units[a] for a in atoms), key=lambda u: (u.province_code, u.parent_id or 0, u.code))
    return [{"code": u.code, "name": u.name, "district": gaz.units[u.parent_id].name if u.parent_id else None}
            for u in communes]


def describe_area(gaz: Gazetteer, entries: tuple[Entry, ...], vintage: date | None) -> dict:
    summary = summarise(gaz, entries)
    return {
        "vintage": vintage.isoformat() if vintage else None,
        "written": [{"code": e.unit.code, "name": e.unit.name, "level": e.unit.level, "vintage": e.unit.vintage,
                     "coverage": e.coverage, "via": list(e.via), "note": e.note} for e in entries],
        "units_old": [{"code": u.code, "name": u.name, "level": u.level} for u in old_units_of(gaz, summary)],
        "old_communes": len(summary.atoms),
        "communes_old": _old_communes(gaz, summary.atoms),
        "units_new": [{"code": c.unit.code, "name": c.unit.name, "province_code": c.unit.province_code,
                       "coverage": c.coverage, "share": c.share} for c in summary.projection.new_units],
        "provinces_new": summary.new_provinces,
        "provinces_old": list(summary.old_provinces),
        "reexpressed": summary.reexpressed,
        "unchanged_perimeter": summary.unchanged_perimeter,
        "statement": {"vi": UNCHANGED_VI, "en": UNCHANGED_EN} if summary.unchanged_perimeter else None,
    }


def describe_record(session: Session, gaz: Gazetteer, reg: Registration, on: date | None = None,
                    with_history: bool = True) -> dict:
    """The record's JSON; with ``on``, as it stood on that date (from its history). Its flags are the
    reform's, added above (``reform.views.record_with_flags``)."""
    facts = facts_of(session, reg.id)
    if on is None:
        details = details_value(reg)
        holder = _party_json(gaz, session.get(Party, reg.holder_id)) if reg.holder_id else None
        manager = _party_json(gaz, session.get(Party, reg.manager_id)) if reg.manager_id else None
        entries, vintage = entries_of(gaz, reg), reg.area_vintage
    else:
        state = state_on(facts, on)
        details = state.get("details") or {}
        holder = _party_from_value(state.get("holder"))
        manager = _party_from_value(state.get("manager"))
        area = state.get("area")
        entries = entries_from_value(gaz, area)
        vintage = date.fromisoformat(area["vintage"]) if area and area.get("vintage") else None
    data = {
        "kind": reg.kind,
        "reg_no": reg.reg_no,
        "internal_id": reg.internal_id,
        "name": details.get("name", reg.name),
        "product": details.get("product"),
        "status": details.get("status"),
        "nice_classes": details.get("nice_classes"),
        "filing_date": details.get("filing_date"),
        "granted_on": details.get("granted_on"),
        "expiry_date": details.get("expiry_date"),
        "decision_no": details.get("decision_no"),
        "notes": details.get("notes"),
        "holder": holder,
        "manager": manager,
        "area": describe_area(gaz, entries, vintage) if entries else None,
        "as_of": on.isoformat() if on else None,
        "version": reg.version,
        "co_managers": [_party_json(gaz, session.get(Party, pid)) for pid in reg.co_manager_ids or ()],
        "pending": pending_list(reg.pending),
    }
    if with_history:
        data["history"] = [fact_dict(f) for f in facts]
    return data


def pending_list(pending: list[dict] | None) -> list[dict]:
    """Place data kept verbatim until an officer decides (an incomplete record), with its message."""
    return [{"column": p["column"], "value": p["value"], "message": Message(p["msgid"], **p.get("params", {})),
             "candidates": p.get("candidates", [])} for p in pending or ()]


def _party_json(gaz: Gazetteer, party: Party | None) -> dict | None:
    if party is None:
        return None
    unit = gaz.units.get(party.unit_id) if party.unit_id else None
    return {"name": party.name, "kind": party.kind, "unit": unit_ref(unit)}


def _party_from_value(value: dict | None) -> dict | None:
    if not value:
        return None
    return {"name": value["name"], "kind": value["kind"], "unit": value.get("unit")}
