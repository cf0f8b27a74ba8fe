"""Read a unit name as a careful officer does: on the date of the list it comes from, under the parents written.

A GI registered in 2008 lists the communes of 2008. The name is looked for among the units as they stood on
that date, narrowed first by the district and province written (a renamed province, "Thừa Thiên Huế", still
names its code), then told apart by tone marks; only then are known spelling variants tried (k/c finals as in
Pắk/Pắc, i/y). When the name did not exist on that date, the unit that bore it under the written parents at an
earlier (else later) date is taken. The answer is always the unit of 2025-06-30 it leads to, with a warning
saying when the written unit existed, when it ceased and what it became; several equal candidates stay
candidates, and a unit whose successor the sources do not know is never given one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..core.errors import N_, Message
from ..core.reform import OLD_VALID_TO, REFORM_DATE
from ..core.text import canonical_tones
from .history import METHOD_WORDS, Span, UnitHistory, loose, short_slug
from .names import Part, Resolution, _has_marks, parse, parse_part
from .snapshot import Unit

_LEVELS_OF_TYPE = {"Xã": ("commune",), "Phường": ("commune",), "Thị trấn": ("commune",), "Đặc khu": ("commune",),
                   "Huyện": ("district",), "Quận": ("district",), "Thị xã": ("district",),
                   "Thành phố": ("district", "province"), "Tỉnh": ("province",)}


@dataclass
class DatedResolution:
    """The unit of 2025-06-30 a written name leads to (``unit``), the unit as written (``span``), and why."""

    query: str
    day: date
    unit: Unit | None
    path: str | None
    span: Span | None = None
    coverage: str = "whole"
    notes: list[Message] = field(default_factory=list)
    candidates: list[dict] = field(default_factory=list)
    message: Message | str = ""
    found_on_day: bool = False  # the written unit existed on the stated date: the answer stands, even if open

    def as_dict(self) -> dict:
        return {"query": self.query, "on": self.day.isoformat(),
                "match": self.unit.ref() | {"path": self.path} if self.unit else None,
                "as_written": self.span.ref() if self.span else None, "coverage": self.coverage,
                "warnings": [str(n) for n in self.notes], "candidates": self.candidates,
                "message": self.message, "found_on_day": self.found_on_day}


@dataclass
class _Hit:
    span: Span
    notes: list[Message]


def resolve_on(history: UnitHistory, text: str, day: date | None = None,
               levels: tuple[str, ...] | None = None, vintage: str = "old") -> DatedResolution:
    """Resolve ``text`` as written in a list of ``day`` to a unit of 2025-06-30 (or, from 2025-07-01, of the new
    list); without a day, the last list of the ``vintage`` (2025-06-30, or 2025-07-01 for ``new``)."""
    day = day or (REFORM_DATE if vintage == "new" else OLD_VALID_TO)
    query = (text or "").strip()
    gaz = history.gaz
    if day >= REFORM_DATE:
        return _from_index(gaz.names.resolve(query, "new", levels), day)
    current = gaz.names.resolve(query, "old", levels)
    if current.match is not None and day == OLD_VALID_TO:
        return _from_index(current, day)
    parts = parse(query)
    if not parts:
        return _from_index(current, day)
    if parts[0].type is None and parts[0].text.isdigit():
        found = _by_code(history, query, parts[0].text, day, levels) or _from_index(current, day)
        if found.unit is None and not found.candidates:  # the code named other units at other dates: say which
            found.candidates = [_candidate(history, _Hit(s, [])) for s in history.spans_of(parts[0].text)
                                if not levels or s.level in levels]
        return found
    dated = _dated(history, parts[0], parts[1:], day, levels)
    if dated is not None and (dated.unit is not None or dated.found_on_day or dated.span is not None):
        return dated  # a unit of that date, even one whose successor is unknown: never today's namesake
    if current.match is not None:
        out = _from_index(current, day)
        out.notes.append(Message(N_("not on the list of %(day)s; read on the list of 2025-06-30"),
                                 day=day.isoformat()))
        return out
    if dated is not None:
        return dated
    return _from_index(current, day)


def _from_index(result: Resolution, day: date) -> DatedResolution:
    path = result.candidates[0].path if result.match else None
    return DatedResolution(result.query, day, result.match, path,
                           candidates=[c.as_dict() for c in result.candidates], message=result.message)


def _pool(history: UnitHistory, head: Part, levels) -> tuple[list[Span], list[Span]]:
    allowed = levels or (_LEVELS_OF_TYPE.get(head.type) if head.type else None)
    exact = [s for s in history.by_slug.get(head.slug, ()) if not allowed or s.level in allowed]
    variants = [s for s in history.by_loose.get(loose(head.slug), ())
                if (not allowed or s.level in allowed) and s not in exact]
    return exact, variants


def _dated(history: UnitHistory, head: Part, rest: list[Part], day: date, levels) -> DatedResolution | None:
    query = ", ".join(p.text for p in [head, *rest])
    exact, variants = _pool(history, head, levels)
    hits = [h for s in exact if (h := _agrees(history, s, rest)) is not None]
    if not hits:
        hits = [h for s in variants if (h := _agrees(history, s, rest)) is not None]
        for hit in hits:
            hit.notes.insert(0, Message(N_("spelling variant of %(name)s"), name=hit.span.name))
    if not hits:
        return None
    if _has_marks(head.name_text):
        toned = canonical_tones(head.name_text).casefold()
        same = [h for h in hits if canonical_tones(_short(h.span.name)).casefold() == toned]
        if not same:  # Chiềng Hắc written, Chiềng Hặc listed; Mĩ/Mỹ: taken, but said
            for hit in hits:
                hit.notes.append(Message(N_("written %(written)s, listed %(name)s"), written=head.text,
                                         name=hit.span.name))
        hits = same or hits
    chosen = ([h for h in hits if h.span.on(day)]
              or sorted((h for h in hits if h.span.valid_to < day), key=lambda h: h.span.valid_to, reverse=True)
              or sorted((h for h in hits if h.span.valid_from > day), key=lambda h: h.span.valid_from))
    for hit in chosen:
        written_type = parse_part(hit.span.name).type
        if head.type and written_type and head.type != written_type:
            hit.notes.append(Message(N_("type is %(actual)s, not %(given)s"), actual=written_type, given=head.type))
    groups = {}
    for hit in chosen:
        unit = history.successor(hit.span)
        groups.setdefault(unit.code if unit else ("?", hit.span.code), hit)
    on_day = chosen[0].span.on(day)
    if len(groups) > 1:
        return DatedResolution(query, day, None, None, candidates=[_candidate(history, h) for h in groups.values()],
                               message=Message(N_("Ambiguous: %(count)d units were named %(name)r; add the district "
                                                  "or province"), count=len(groups), name=head.text),
                               found_on_day=on_day)
    answer = _answer(history, query, day, next(iter(groups.values())))
    answer.found_on_day = on_day
    return answer


def _by_code(history: UnitHistory, query: str, code: str, day: date, levels) -> DatedResolution | None:
    """A code read on the date of its list: 07585 is Xã Nghĩa Hồ in 2015 (a code alone is not an identity)."""
    spans = [s for s in history.spans_of(code) if s.on(day) and (not levels or s.level in levels)]
    return _answer(history, query, day, _Hit(spans[0], [])) if len(spans) == 1 else None


def _short(name: str) -> str:
    return parse_part(name).name_text


def _agrees(history: UnitHistory, span: Span, rest: list[Part]) -> _Hit | None:
    """The span when every written parent names its district or province (notes say how), else None."""
    notes: list[Message] = []
    parent = short_slug(span.parent_name) if span.parent_name else None
    provinces = history.province_slugs.get(span.province_code, set())
    for part in rest:
        if part.slug == parent or part.slug in provinces:
            if part.slug in provinces and part.slug != short_slug(span.province_name) and part.slug != parent:
                notes.append(Message(N_("%(written)s is the province's name at another date (%(name)s then)"),
                                     written=part.text, name=span.province_name))
            continue
        if parent and loose(part.slug) == loose(parent) or any(loose(part.slug) == loose(p) for p in provinces):
            notes.append(Message(N_("%(written)s read as a spelling of %(name)s"), written=part.text,
                                 name=span.parent_name if parent and loose(part.slug) == loose(parent)
                                 else span.province_name))
            continue
        return None
    return _Hit(span, notes)


def _answer(history: UnitHistory, query: str, day: date, hit: _Hit) -> DatedResolution:
    span = hit.span
    unit = history.successor(span)
    ceased = history.ceased(span)
    params = {"name": span.name, "code": span.code, "where": span.parent_name or span.province_name,
              "start": span.valid_from.isoformat(), "end": span.valid_to.isoformat(),
              "ceased": ceased.isoformat() if ceased else ""}
    if unit is None:
        return DatedResolution(query, day, None, None, span, candidates=_neighbours(history, span),
                               message=Message(N_("%(name)s (%(code)s, %(where)s) existed from %(start)s to "
                                                  "%(end)s; the sources do not say which unit it became: choose "
                                                  "it"), **params))
    path = history.gaz.path(unit)
    notes = list(hit.notes)
    same = unit.code == span.code and short_slug(unit.name) == short_slug(span.name)
    if ceased is not None and unit.code != span.code:
        notes.append(Message(N_("%(name)s (%(code)s, %(where)s) existed from %(start)s and ceased on %(ceased)s; it "
                                "became %(path)s (%(succ)s) (%(method)s)"), path=path, succ=unit.code,
                             method=Message(METHOD_WORDS.get(span.method, span.method)), **params))
    elif span.valid_to < OLD_VALID_TO or not same:
        notes.append(Message(N_("%(name)s (%(code)s, %(where)s, %(start)s to %(end)s) is %(path)s (%(succ)s) on "
                                "2025-06-30"), path=path, succ=unit.code, **params))
    if not span.on(day) and span.valid_to >= day:
        notes.append(Message(N_("%(name)s bore this name only from %(start)s"), **params))
    if notes and not (same and span.valid_to >= OLD_VALID_TO) and not any(str(unit.name) in str(n) for n in notes):
        notes.append(Message(N_("%(name)s (%(code)s, %(where)s, %(start)s to %(end)s) is %(path)s (%(succ)s) on "
                                "2025-06-30"), path=path, succ=unit.code, **params))
    message = Message(N_("Matched")) if not notes else Message.join("; ", notes)
    return DatedResolution(query, day, unit, path, span, history.coverage(span), notes, [], message)


def _candidate(history: UnitHistory, hit: _Hit) -> dict:
    unit = history.successor(hit.span)
    base = unit.ref() | {"path": history.gaz.path(unit)} if unit else {"code": None, "name": None}
    return base | {"as_written": hit.span.ref(), "score": 1.0, "why": [str(n) for n in hit.notes]}


def _neighbours(history: UnitHistory, span: Span) -> list[dict]:
    """Units of 2025-06-30 for the officer to choose from (never chosen here): those under the same parent;
    where the parent is gone or has none left, the units its neighbours of its last day became; for a
    commune of an island district that lost its communes (Lý Sơn, 2020), the district itself."""
    gaz = history.gaz
    parent = gaz.by_key.get(("old", span.parent_code)) if span.parent_code else None
    if parent is None and span.parent_code:  # the district is gone too: where it went, if one district
        gone = [d for d in history.spans_of(span.parent_code, "district") if d.on(span.valid_to)]
        parent = history.successor(gone[0]) if gone else None
    units = [gaz.units[i] for i in gaz.children.get(parent.id, ()) if gaz.units[i].level == span.level] \
        if parent else []
    if not units:
        neighbours = [s for s in history.spans if s.level == span.level and s.parent_code == span.parent_code
                      and s.on(span.valid_to) and s is not span]
        units = list(dict.fromkeys(u for s in neighbours if (u := history.successor(s)) is not None))
    if not units and parent is not None:
        units = [parent]
    return [u.ref() | {"path": gaz.path(u)} for u in units[:12]]
