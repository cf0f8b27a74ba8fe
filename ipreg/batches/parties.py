"""The new party of a re-assignment row, as the registry will name it, and the unit its name speaks of.

Officers write "UBND tỉnh Lào Cai", "Sở KH&CN Lào Cai", "HĐND TP. Huế"; the registry keeps a body's full name
("Ủy ban nhân dân tỉnh Lào Cai"), so that one body is one party whoever typed it. A body of a known function
in the row's own unit is named as ``registry.bodies.build`` names every successor; otherwise only the
abbreviations are written out. A name without an abbreviation is kept as written.

A name may also speak of a unit gone on 2025-07-01 ("Ủy ban nhân dân tỉnh Yên Bái": Yên Bái was merged
into Lào Cai; "UBND huyện Văn Chấn": the districts were abolished): the preview warns, with the body the
reform's rules suggest for such a party (``reform.rules``), so that no party of a gone unit enters unseen.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..core.text import canonical_tones, nfc, slug
from ..gazetteer.snapshot import Gazetteer, Unit
from ..reform.findings import PartyView, unit_json
from ..reform.rules import PRIVATE_KINDS, body_abolished, body_merged, unit_split
from ..registry.bodies import Body, build, parse

# Abbreviations of a body's name → the words they stand for (case-insensitive, whole words).
ABBREVIATIONS = [
    (re.compile(r"\bUBND\b", re.IGNORECASE), "Ủy ban nhân dân"),
    (re.compile(r"\bH[ĐD]ND\b", re.IGNORECASE), "Hội đồng nhân dân"),
    (re.compile(r"\bSở\s+(?:KH\s*(?:&|và|-)\s*CN|KHCN)(?=\s|,|$)", re.IGNORECASE), "Sở Khoa học và Công nghệ"),
    (re.compile(r"\bTP\.\s*|\bTP\s+(?=\w)", re.IGNORECASE), "thành phố "),
]
LEVELS_NOW = {"province": ("province",), "district": (), "commune": ("commune",), "city": ("province",)}
RULES = (body_abolished, body_merged, unit_split)


def expand(name: str) -> str:
    """The name with its abbreviations written out ("UBND TP. Huế" → "Ủy ban nhân dân thành phố Huế")."""
    text = nfc(name)
    for pattern, words in ABBREVIATIONS:
        text = pattern.sub(words, text)
    return nfc(text)


def written_out(name: str, unit: Unit | None) -> str:
    """The party's name as the registry keeps it: abbreviations written out, and a known body of the row's
    unit named officially ("Sở KH&CN Lào Cai" in Tỉnh Lào Cai → "Sở Khoa học và Công nghệ tỉnh Lào Cai")."""
    written = canonical_tones(name)
    expanded = expand(written)
    if expanded == written:
        return written
    body = parse(expanded)
    if unit is not None and body is not None and body.function is not None and unit.level in body.function.levels \
            and (not body.place or slug(unit.short_name) == body.place.replace(" ", "")):
        return build(body.function, unit, unit_json)["party"]["name"]
    return expanded


@dataclass(frozen=True)
class GoneUnit:
    """A unit gone on 2025-07-01 that a party's name speaks of; the body suggested instead (None when the
    name fits several gone units, or the rules suggest none)."""

    unit: Unit
    suggested: str | None


def gone_unit(gaz: Gazetteer, name: str, kind: str | None, role: str | None) -> GoneUnit | None:
    """The unit gone since 2025-07-01 that the name writes ("tỉnh Yên Bái", "huyện Văn Chấn"), if any."""
    body = parse(name)
    if body is None or not body.place or not body.level or kind in PRIVATE_KINDS:
        return None
    if _named(gaz, "new", LEVELS_NOW[body.level], body.place):
        return None
    old = [u for u in _named(gaz, "old", body.levels, body.place) if _under(gaz, u, body)]
    if not old:
        return None
    if len(old) > 1:
        return GoneUnit(old[0], None) if body.level == "district" else None
    return GoneUnit(old[0], _suggestion(gaz, name, kind, role, old[0]))


def _suggestion(gaz: Gazetteer, name: str, kind: str | None, role: str | None, unit: Unit) -> str | None:
    party = PartyView(0, name, kind or "state_agency", unit)
    for rule in RULES:
        finding = rule(gaz, role or "manager", party, None)
        if finding is not None:
            payload = finding.payload
            best = payload["suggested"] or next(iter(payload["candidates"]), None)
            return best["party"]["name"] if best else None
    return None


def _under(gaz: Gazetteer, unit: Unit, body: Body) -> bool:
    """Whether the unit lies in the parents the name writes ("huyện Châu Thành, tỉnh Tiền Giang")."""
    ancestors = set()
    current = gaz.parent(unit)
    while current is not None:
        ancestors.add(slug(current.short_name))
        current = gaz.parent(current)
    return all(p.replace(" ", "") in ancestors for p in body.parents)


def _named(gaz: Gazetteer, vintage: str, levels: tuple[str, ...], place: str) -> list[Unit]:
    index = _index(gaz)
    return [u for level in levels for u in index.get((vintage, level, place.replace(" ", "")), ())]


@lru_cache(maxsize=4)
def _index(gaz: Gazetteer) -> dict[tuple[str, str, str], list[Unit]]:
    """Units by (vintage, level, slug of the short name): the words a body's name writes for its unit."""
    out: dict[tuple[str, str, str], list[Unit]] = {}
    for unit in gaz.units.values():
        out.setdefault((unit.vintage, unit.level, slug(unit.short_name)), []).append(unit)
    return out
