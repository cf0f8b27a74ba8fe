"""Complete a record kept incomplete on import: an officer names the unit a pending area entry meant.

The unit is given as a candidate's code or typed as officers write it, and read on the record's list date
(its ``area_vintage``) like the import reads it. The area gains the entry through a recordal (history, audit),
the pending item is removed, and the record's flags are re-evaluated in the same transaction, so the
AREA_UNRESOLVED flag closes when nothing is left pending.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from ..core.errors import N_, IpregError
from ..core.reform import OLD_VALID_TO
from ..gazetteer.dated_names import resolve_on
from ..gazetteer.history import get_history
from ..gazetteer.snapshot import get_gazetteer
from ..models import Registration
from ..registry.areas import Entry
from ..registry.recordals import change_area
from ..registry.records import entries_of
from .engine import refresh_record_flags


def complete_area_unit(session: Session, reg: Registration, position: int, text: str, actor: str) -> dict:
    """Resolve pending item ``position`` of ``reg`` to the unit ``text`` names; the caller commits."""
    pending = list(reg.pending or [])
    if not 0 <= position < len(pending) or pending[position]["column"] != "area_units":
        raise IpregError(N_("Nothing of the area is pending at position %(position)s of this record"),
                         position=position)
    text = (text or "").strip()
    if not text:
        raise IpregError(N_("Choose a candidate or type the unit"))
    gaz = get_gazetteer(session)
    day = reg.area_vintage or OLD_VALID_TO
    found = resolve_on(get_history(session), text, day)
    if found.unit is None:
        raise IpregError(N_("%(value)s does not name one unit on %(day)s: %(message)s"), value=text,
                         day=day.isoformat(), message=found.message, details=found.candidates)
    written = pending[position]["value"]
    via = (found.span.code,) if found.span and found.coverage == "part" else ()
    entries = tuple(dict.fromkeys(entries_of(gaz, reg) + (Entry(found.unit, found.coverage, via),)))
    change = change_area(session, gaz, reg, entries, reg.area_vintage or day, date.today(), source="review",
                         actor=actor, note=f"{written} → {found.unit.code} {found.path}", document=None)
    reg.pending = [p for n, p in enumerate(pending) if n != position] or None
    refresh_record_flags(session, [reg.id], actor)
    return {"unit": found.unit.ref() | {"path": found.path}, "warnings": [str(n) for n in found.notes],
            "area": change["after"], "pending": len(reg.pending or ())}
