"""Units as they stood on any date from 2004-08-31 to 2025-06-30, and the 2025-06-30 unit each leads to.

A code alone is not an identity: a span is one unit's name and parent between two dates. The chain any date →
2025-06-30 (``successor``) → 2025-07-01 (the gazetteer's projection) re-expresses an area written in the units
of its own registration date. An ``unresolved`` span has no successor and never gets one here.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.errors import N_
from ..core.reform import OLD_VALID_TO
from ..models import UnitEvent, UnitSpan
from ..snapshots import VersionedCache
from .names import parse_part
from .snapshot import Gazetteer, Unit, get_gazetteer

# Where the source gives a successor, how much to trust it: the code itself carried on, or the legacy alias
# list (with or without the diff heuristic agreeing), or the diff heuristic alone.
METHOD_WORDS = {
    "same_code": N_("the code carried on"),
    "alias": N_("legacy alias list of vietnamadminunits"),
    "alias+heur_agree": N_("legacy alias list, confirmed by the lists' differences"),
    "alias+heur_disagree": N_("legacy alias list (the lists' differences suggest otherwise)"),
    "alias_ambiguous": N_("legacy alias list (several successors offered)"),
    "heuristic_added": N_("differences between the dated lists"),
    "heuristic_rename": N_("differences between the dated lists (a rename)"),
    "districts": N_("the province its districts joined"),
}


@dataclass(frozen=True, slots=True, eq=False)
class Span:
    """One unit as it stood between ``valid_from`` and ``valid_to``."""

    id: int
    level: str
    code: str
    name: str
    parent_code: str | None
    parent_name: str | None
    province_code: str
    province_name: str
    valid_from: date
    valid_to: date
    succ_code: str | None
    method: str

    def on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to

    @property
    def resolved(self) -> bool:
        return self.succ_code is not None and self.method != "unresolved" and not self.method.startswith("district_")

    def ref(self) -> dict:
        return {"code": self.code, "name": self.name, "level": self.level, "parent": self.parent_name,
                "province": self.province_name, "valid_from": self.valid_from.isoformat(),
                "valid_to": self.valid_to.isoformat(), "method": self.method}


def short_slug(name: str) -> str:
    """'Xã Nghĩa Hồ' → 'nghiaho' (the name without its type word, folded)."""
    return parse_part(name).slug


def loose(slug_text: str) -> str:
    """Spellings officers use for one name: final k for c (Pắk/Pắc, Ngọk/Ngọc) and y for i are one key."""
    return slug_text.replace("k", "c").replace("y", "i")


class UnitHistory:
    """Every span, indexed by code and by name (exact and loose), with the province names each code bore."""

    def __init__(self, gaz: Gazetteer, spans: list[Span]):
        self.gaz = gaz
        self.spans = spans
        self.by_code: dict[tuple[str, str], list[Span]] = defaultdict(list)
        self.by_slug: dict[str, list[Span]] = defaultdict(list)
        self.by_loose: dict[str, list[Span]] = defaultdict(list)
        self.province_slugs: dict[str, set[str]] = defaultdict(set)
        self.absorbed: dict[str, set[str]] = defaultdict(set)  # 2025-06-30 code → codes that lead to it
        for span in sorted(spans, key=lambda s: (s.valid_from, s.id)):
            key = short_slug(span.name)
            self.by_code[(span.level, span.code)].append(span)
            self.by_slug[key].append(span)
            self.by_loose[loose(key)].append(span)
            if span.level == "province":
                self.province_slugs[span.code].add(key)
            if span.resolved:
                self.absorbed[(span.level, span.succ_code)].add(span.code)
        for unit in gaz.units.values():
            if unit.vintage == "old" and unit.level == "province":
                self.province_slugs[unit.code].add(short_slug(unit.name))
        self.district_successor: dict[int, str] = {}  # span id → district code, for removed districts
        self.district_successor = self._removed_districts()

    def _removed_districts(self) -> dict[int, str]:
        """A district that disappeared (``district_removed``) leads to the one district of 2025-06-30 that all
        its communes of its last day went to (Huyện Kỳ Sơn → Thành phố Hòa Bình); where they went to several,
        it has no single successor and its communes are followed one by one."""
        communes_of: dict[str, list[Span]] = defaultdict(list)
        for span in self.spans:
            if span.level == "commune" and span.parent_code:
                communes_of[span.parent_code].append(span)
        out = {}
        for span in self.spans:
            if span.level != "district" or span.resolved:
                continue
            last = [c for c in communes_of.get(span.code, ()) if c.on(span.valid_to)]
            targets = [self.successor(c) for c in last]
            districts = {u.parent_id for u in targets if u is not None}
            if last and None not in targets and len(districts) == 1 and None not in districts:
                out[span.id] = self.gaz.units[districts.pop()].code
        return out

    def spans_of(self, code: str, level: str | None = None) -> list[Span]:
        levels = (level,) if level else ("commune", "district", "province")
        return [s for lvl in levels for s in self.by_code.get((lvl, code), ())]

    def successor(self, span: Span) -> Unit | None:
        """The unit of 2025-06-30 the span leads to; None when the source does not know (never guessed)."""
        code = span.succ_code if span.resolved else self.district_successor.get(span.id)
        unit = self.gaz.by_key.get(("old", code)) if code else None
        return unit if unit is not None and unit.level == span.level else None

    def ceased(self, span: Span) -> date | None:
        """The day the span's code stopped naming a unit of its level (None: it still did on 2025-06-30). A
        commune that moved to another district first ceased later than its first span ended."""
        last = max(s.valid_to for s in self.spans_of(span.code, span.level))
        return None if last >= OLD_VALID_TO else last + timedelta(days=1)

    def coverage(self, span: Span) -> str:
        """'whole' when the 2025-06-30 unit is the span's own code and took in no other unit, else 'part':
        a commune merged into another is only a part of it, and an area written in it must say so."""
        unit = self.successor(span)
        absorbed = self.absorbed.get((span.level, unit.code), set()) if unit else set()
        return "whole" if unit is not None and span.code == unit.code and absorbed <= {span.code} else "part"



def events_of(session: Session, code: str) -> list[UnitEvent]:
    """The dated changes recorded for a code (read on demand: only the unit page needs them)."""
    return list(session.scalars(select(UnitEvent).where(UnitEvent.code == code).order_by(UnitEvent.day)))


_SNAPSHOTS: VersionedCache[UnitHistory] = VersionedCache()


def get_history(session: Session) -> UnitHistory:
    """The history for the session's database, rebuilt with the gazetteer snapshot it extends."""
    gaz = get_gazetteer(session)
    return _SNAPSHOTS.get(str(session.get_bind().url), gaz.version, lambda: _build(session, gaz))


def _build(session: Session, gaz: Gazetteer) -> UnitHistory:
    columns = (UnitSpan.id, UnitSpan.level, UnitSpan.code, UnitSpan.name, UnitSpan.parent_code, UnitSpan.parent_name,
               UnitSpan.province_code, UnitSpan.province_name, UnitSpan.valid_from, UnitSpan.valid_to,
               UnitSpan.succ_code, UnitSpan.method)
    return UnitHistory(gaz, [Span(*row) for row in session.execute(select(*columns))])
