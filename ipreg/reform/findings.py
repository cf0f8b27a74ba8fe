"""What a rule finds: its code and severity, and its words built only when asked for.

Codes, severities and meanings are an interface (flags are filtered and exported by them):
high = a transfer or recordal is needed; medium = a decision about the area or authority is needed;
low = wording, address or a body's new name only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Callable

from ..gazetteer.snapshot import Gazetteer, Link, Unit

RULES = {
    "HOLDER_BODY_ABOLISHED": "high", "MANAGER_BODY_ABOLISHED": "high",
    "HOLDER_BODY_MERGED": "high", "MANAGER_BODY_MERGED": "high",
    "HOLDER_UNIT_SPLIT": "high", "MANAGER_UNIT_SPLIT": "high",
    "AREA_CROSSES_PROVINCES": "medium", "AREA_PARTIAL_UNITS": "medium",
    "HOLDER_BODY_RENAMED": "low", "MANAGER_BODY_RENAMED": "low",
    "AREA_REEXPRESSION": "low", "ADDRESS_OUTDATED": "low",
    # records kept incomplete on import (reform/completeness.py): they block the transfer work
    "AREA_UNRESOLVED": "high", "DATA_MISSING": "high",
}


@dataclass(frozen=True)
class PartyView:
    id: int
    name: str
    kind: str
    unit: Unit | None


@dataclass
class Finding:
    rule: str
    subject: str  # holder | manager | area
    build: Callable[[], dict] = field(repr=False, compare=False)

    @property
    def severity(self) -> str:
        return RULES[self.rule]

    @cached_property
    def payload(self) -> dict:
        """reason_vi, reason_en, suggested, candidates, evidence."""
        return self.build()

    reason_vi = property(lambda self: self.payload["reason_vi"])
    reason_en = property(lambda self: self.payload["reason_en"])
    suggested = property(lambda self: self.payload["suggested"])
    candidates = property(lambda self: self.payload["candidates"])
    evidence = property(lambda self: self.payload["evidence"])


def payload(reason_vi: str, reason_en: str, suggested: dict | None = None, candidates: list | None = None,
            evidence: dict | None = None) -> dict:
    return {"reason_vi": reason_vi, "reason_en": reason_en, "suggested": suggested,
            "candidates": candidates or [], "evidence": evidence or {}}


@lru_cache(maxsize=32768)
def unit_json(unit: Unit) -> dict:
    """Cached and shared between findings: never mutate the result."""
    return {"code": unit.code, "name": unit.name, "level": unit.level, "vintage": unit.vintage}


@lru_cache(maxsize=65536)
def _link_json(old: Unit, new: Unit, link: Link) -> dict:
    return {"old": unit_json(old), "new": unit_json(new), "kind": link.kind,
            "share": None if link.share is None else round(link.share, 4), "legal_basis": link.legal_basis,
            "effective_date": link.effective_date.isoformat(), "source": SOURCES.get(link.source, link.source)}


# Where a succession link comes from, as the evidence names it (the table decides where both speak).
SOURCES = {"nso": "Bảng chuyển đổi của Tổng cục Thống kê / statistics office's conversion table",
           "vau": "vietnamadminunits (nơi bảng của Tổng cục Thống kê không ghi) / vietnamadminunits (where the "
                  "statistics office's table is silent)"}


def link_json(gaz: Gazetteer, link: Link) -> dict:
    return _link_json(gaz.units[link.old_id], gaz.units[link.new_id], link)


MAX_LISTED = 12  # evidence lists are capped; the full succession is one click away on the unit page
