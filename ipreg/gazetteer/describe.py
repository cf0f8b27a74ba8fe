"""The JSON shapes of units and projections, shared by ``ipreg units``, the API and the unit pages."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from ..core.errors import N_, IpregError, NotFound
from ..core.reform import OLD_VALID_TO, REFORM_DATE
from .history import Span, UnitHistory, events_of
from .snapshot import Gazetteer, Projection, Unit


def link_dict(link, unit: Unit) -> dict:
    return {"code": unit.code, "name": unit.name, "level": unit.level, "vintage": unit.vintage,
            "kind": link.kind, "share": None if link.share is None else round(link.share, 4),
            "legal_basis": link.legal_basis}


def describe_unit(gaz: Gazetteer, unit: Unit) -> dict:
    parent = gaz.parent(unit)
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "type": unit.type,
        "vintage": unit.vintage,
        "valid_from": unit.valid_from.isoformat() if unit.valid_from else None,
        "valid_to": unit.valid_to.isoformat() if unit.valid_to else None,
        "parent": {"code": parent.code, "name": parent.name, "level": parent.level} if parent else None,
        "province_code": unit.province_code,
        "legal_basis": unit.legal_basis,
        "successors": [link_dict(l, u) for l, u in sorted(gaz.successors_of(unit), key=lambda t: t[1].code)],
        "predecessors": [link_dict(l, u) for l, u in sorted(gaz.predecessors_of(unit),
                                                            key=lambda t: (t[1].level != "commune", t[1].code))],
    }


def describe_projection(projection: Projection) -> dict:
    return {
        "new_units": [{"code": c.unit.code, "name": c.unit.name, "province_code": c.unit.province_code,
                       "coverage": c.coverage, "share": c.share} for c in projection.new_units],
        "new_provinces": projection.new_provinces,
    }


def units_for_codes(gaz: Gazetteer, codes: list[str], vintage: str = "old") -> list[Unit]:
    """Old units by code for projection (a district or province code stands for all its communes)."""
    return [gaz.get(code, vintage) for code in codes]


def describe_span(history: UnitHistory, span: Span) -> dict:
    """A unit as it stood in one span, with the unit of 2025-06-30 it leads to (or none, when unknown)."""
    unit = history.successor(span)
    return span.ref() | {
        "successor_2025_06_30": unit.ref() | {"path": history.gaz.path(unit), "coverage": history.coverage(span)}
        if unit else None,
        "successor_known": unit is not None,
    }


def describe_life(session: Session, history: UnitHistory, code: str, level: str | None = None) -> dict:
    """Every name, parent and date a code had since 2004, and the dated changes with their acts."""
    return {"code": code,
            "spans": [describe_span(history, s) for s in history.spans_of(code, level)],
            "events": [{"day": e.day.isoformat(), "event": e.event, "level": e.level,
                        "old_name": e.old_name, "old_parent": e.old_parent, "new_name": e.new_name,
                        "new_parent": e.new_parent, "acts": e.acts, "source": e.source}
                       for e in events_of(session, code)]}


def describe_unit_on(session: Session, history: UnitHistory, code: str, day: date | None,
                     vintage: str | None = None) -> dict:
    """``ipreg units show CODE --on DATE``: the unit that bore the code on that date, its whole life, and the
    units it leads to on 2025-06-30 and from 2025-07-01. Without a day: the code's last unit before the reform
    (the page of a code gone before 2025-06-30)."""
    gaz = history.gaz
    if day is None:
        spans = history.spans_of(code)
        day = spans[-1].valid_to if spans else OLD_VALID_TO
    if day >= REFORM_DATE or vintage == "new":
        if vintage == "old":
            raise IpregError(N_("%(day)s is after 2025-06-30: the old units ended then"), day=day.isoformat())
        return describe_unit(gaz, gaz.get(code, "new"))
    on_day = [s for s in history.spans_of(code) if s.on(day)]
    if not on_day:
        known = history.spans_of(code)
        if not known:
            raise NotFound(N_("No unit has code %(code)s on %(day)s"), code=code, day=day.isoformat())
        raise NotFound(N_("No unit had code %(code)s on %(day)s; the code was used %(spans)s"), code=code,
                       day=day.isoformat(), spans="; ".join(f"{s.name} {s.valid_from}–{s.valid_to}" for s in known))
    span = on_day[0]
    unit = history.successor(span)
    out = describe_span(history, span) | {"on": day.isoformat(), "vintage": "old",
                                          "life": describe_life(session, history, code, span.level)}
    out["successors"] = ([link_dict(l, u) for l, u in sorted(gaz.successors_of(unit), key=lambda t: t[1].code)]
                         if unit else [])
    return out


def project_on(history: UnitHistory, codes: list[str], day: date) -> dict:
    """Codes as they stood on ``day`` → their units of 2025-06-30 → the units from 2025-07-01.

    A district or province stands for the communes it had that day. A commune that ceased into another is
    only a part of its successor: the projection then reaches the successor's new communes, and the answer
    says which written units are parts (``part_of``) and which have no known successor (``unknown``).
    """
    gaz = history.gaz
    reached, parts, unknown = [], [], []
    for code in codes:
        spans = [s for s in history.spans_of(code) if s.on(day)]
        if not spans:
            raise NotFound(N_("No unit had code %(code)s on %(day)s"), code=code, day=day.isoformat())
        for span in _communes_on(history, spans[0], day):
            unit = history.successor(span)
            if unit is None:
                unknown.append(span.ref())
                continue
            reached.append(unit)
            if history.coverage(span) == "part":
                parts.append(span.ref() | {"part_of": unit.code})
    data = describe_projection(gaz.project(list(dict.fromkeys(reached))))
    return data | {"on": day.isoformat(), "part_of": parts, "unknown": unknown}


def _communes_on(history: UnitHistory, span: Span, day: date) -> list[Span]:
    if span.level == "commune" or history.successor(span) is not None and span.level != "province" \
            and not any(s.parent_code == span.code and s.on(day) for s in history.spans if s.level == "commune"):
        return [span]
    child_level = "district" if span.level == "province" else "commune"
    children = [s for s in history.spans if s.level == child_level and s.parent_code == span.code and s.on(day)]
    return [c for child in children for c in _communes_on(history, child, day)] or [span]
