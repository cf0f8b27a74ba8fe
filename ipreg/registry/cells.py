"""Parsing single cell values (dates, kinds, statuses) and resolving units, shared by both importers."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from ..core.errors import N_, IpregError, Message, plain_params
from ..core.reform import OLD_VALID_TO
from ..core.text import fold
from ..gazetteer.dated_names import resolve_on
from ..gazetteer.history import UnitHistory
from ..gazetteer.names import Candidate
from ..gazetteer.snapshot import Gazetteer, Unit
from ..tables.reader import NumberCell
from ..tables.values import KINDS, read_value

STATUS_ALIASES = {
    "pending": "pending", "dang xu ly": "pending", "don": "pending", "cho cap": "pending",
    "registered": "registered", "da cap": "registered", "con hieu luc": "registered", "hieu luc": "registered",
    "expired": "expired", "het han": "expired", "het hieu luc": "expired",
    "cancelled": "cancelled", "canceled": "cancelled", "huy bo": "cancelled", "da huy": "cancelled",
}
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")


@dataclass
class Problem:
    """One finding about one cell: an error rejects the row, a warning is reported and imported."""

    row: int | None
    column: str | None
    value: str | None
    msgid: str
    params: dict = field(default_factory=dict)
    candidates: list[dict] = field(default_factory=list)
    severity: str = "error"  # error | warning | incomplete (place data kept: the record is imported incomplete)
    suggestion: str | None = None  # what to do about it (a msgid), for the re-assignment report
    place: bool = False  # about place data (a unit, an area, a holder): may be kept pending instead of refused

    @property
    def message(self) -> Message:
        """The English text; a ``Message``, so that the web pages show it in the interface language."""
        return Message(self.msgid, **self.params)

    def as_dict(self, translatable: bool = False) -> dict:
        """The report's form; ``translatable`` adds msgid and params, so a stored report can be shown later in
        the reader's language (params that are ``Message``s are kept as their English text)."""
        out = {"row": self.row, "column": self.column, "value": self.value, "message": self.message,
               "candidates": self.candidates}
        if self.suggestion:
            out["suggestion"] = self.suggestion
        if translatable:
            out.update(msgid=self.msgid, params=plain_params(self.params))
        return out


class Unparsable(IpregError):
    """A cell that is not what its column needs; carries the message for the report (and, outside a file,
    is a bad-input error like any other: a form field that is not a date is a 400)."""


def parse_date(text: str) -> date | None:
    """ISO (2025-06-30) or Vietnamese (30/06/2025) dates; empty → None."""
    text = (text or "").strip()
    if not text:
        return None
    match = _YMD.match(text)
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
        match = _DMY.match(text)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        pass
    raise Unparsable(N_("%(value)s is not a date (write 2025-06-30 or 30/06/2025)"), value=text)


def parse_nice_classes(text: str) -> str | None:
    """Nice classes written "29, 30" or "29;30" or "29 30" → "29, 30" (sorted, each 1-45); empty → None."""
    parts = [p for p in re.split(r"[,;\s]+", (text or "").strip()) if p]
    if not parts:
        return None
    if not all(p.isdigit() and 1 <= int(p) <= 45 for p in parts):
        raise Unparsable(N_("%(value)s are not Nice classes (numbers 1 to 45, e.g. 29, 30)"), value=text)
    return ", ".join(str(n) for n in sorted({int(p) for p in parts}))


def parse_kind(text: str) -> str:
    kind = read_value(text, KINDS)
    if kind is None:
        raise Unparsable(N_("Unknown kind %(value)s: use GI, COLLECTIVE or CERTIFICATION"), value=text)
    return kind


def parse_status(text: str, default: str) -> str:
    if not (text or "").strip():
        return default
    status = STATUS_ALIASES.get(fold(text))
    if status is None:
        raise Unparsable(N_("Unknown status %(value)s: use pending, registered, expired or cancelled"), value=text)
    return status


def _padded_codes(number: str) -> list[str]:
    """The codes a number may have been before a spreadsheet dropped its leading zeros."""
    return list(dict.fromkeys(number.zfill(width) for width in (2, 3, 5) if len(number) <= width))


class Resolved(NamedTuple):
    """A unit cell read: the unit (or None), why it is not exact (a msgid and params), the candidates, and
    whether the written unit is only a part of it (a commune merged into it before 2025-06-30: ``via`` keeps
    the written code)."""

    unit: Unit | None
    msgid: str | None
    params: dict
    candidates: list[dict]
    coverage: str = "whole"
    via: tuple[str, ...] = ()


class UnitResolver:
    """Resolve unit cells with a cache; a unique, close candidate is accepted with a warning, never silently.

    Old units are read on the date of their list (``day``, default 2025-06-30) through the dated history, so
    a commune of 2008 is followed to the unit of 2025-06-30 it became (a warning says when it ceased). Else
    accepted: the name matches exactly, in the same province and at the same level, and only the type word
    or the district differs, and no other unit of the same name comes close. Anything else is an error
    listing the candidates.
    """

    ACCEPT_SCORE = 0.8
    MARGIN = 0.1

    def __init__(self, gaz: Gazetteer, history: UnitHistory | None = None):
        self.gaz = gaz
        self.history = history
        self.cache: dict[tuple, Resolved] = {}

    def resolve(self, text: str, vintage: str, levels: tuple[str, ...] | None = None,
                day: date | None = None) -> Resolved:
        key = (text, isinstance(text, NumberCell), vintage, levels, day)
        if key not in self.cache:
            self.cache[key] = self._resolve(text, vintage, levels, day)
        return self.cache[key]

    def _resolve(self, text, vintage, levels, day):
        if isinstance(text, NumberCell):
            return self._number(text, vintage, levels)
        if vintage == "old" and self.history is not None:
            dated = resolve_on(self.history, text, day or OLD_VALID_TO, levels)
            via = (dated.span.code,) if dated.span and dated.coverage == "part" else ()
            if dated.unit is not None and not dated.notes:
                return Resolved(dated.unit, None, {}, [], dated.coverage, via)
            if dated.unit is not None:
                return Resolved(dated.unit, N_("%(value)s read as %(path)s (%(code)s): %(why)s"),
                                {"path": dated.path, "code": dated.unit.code, "why": Message.join("; ", dated.notes)},
                                [], dated.coverage, via)
            if dated.span is not None:
                return Resolved(None, N_("%(value)s: %(why)s"), {"why": dated.message}, dated.candidates)
        return self._by_name(text, vintage, levels)

    def _by_name(self, text, vintage, levels) -> Resolved:
        result = self.gaz.names.resolve(text, vintage, levels)
        candidates = [c.as_dict() for c in result.candidates]
        if result.match is not None:
            return Resolved(result.match, None, {}, [])
        cands = result.candidates
        same_name = [c for c in cands if not any(w.startswith("name similar") for w in c.why)]
        if same_name:
            top = same_name[0]
            second = same_name[1].score if len(same_name) > 1 else 0.0
            if top.score >= self.ACCEPT_SCORE and second <= top.score - self.MARGIN:
                return Resolved(top.unit, N_("%(value)s read as %(path)s (%(code)s): %(why)s"),
                                {"path": top.path, "code": top.unit.code, "why": Message.join("; ", top.why)},
                                candidates)
        if cands and cands[0].score >= 1.0:
            return Resolved(None, N_("%(value)s is ambiguous: %(count)d units have this name; add the district or "
                                     "province"), {"count": len(cands)}, candidates)
        return Resolved(None, N_("%(value)s: no such unit on that date"), {}, candidates)

    def _number(self, text, vintage, levels):
        """A code from a number cell: accepted with a warning only when a single unit can be meant."""
        units = [u for code in _padded_codes(str(text)) if (u := self.gaz.by_key.get((vintage, code)))
                 and (not levels or u.level in levels)]
        candidates = [Candidate(u, 1.0, self.gaz.path(u)).as_dict() for u in units]
        if len(units) == 1:
            return Resolved(units[0], N_("%(value)s was a number in the spreadsheet, read as code %(code)s (%(path)s); "
                                "format code columns as text"),
                            {"code": units[0].code, "path": self.gaz.path(units[0])}, candidates)
        if units:
            return Resolved(None, N_("%(value)s was a number in the spreadsheet, so its leading zeros are lost: it may be "
                                  "%(codes)s. Format the column as text and write the code in full"),
                            {"codes": ", ".join(u.code for u in units)}, candidates)
        return Resolved(None, N_("%(value)s: no such unit on that date"), {}, candidates)


def cell_warnings(notes) -> list[Problem]:
    """The reader's notes on cells kept as they stand (a "- xóm 1" list item), as report warnings."""
    return [Problem(n.line, n.column, n.value, n.msgid, n.params, severity="warning") for n in notes]
