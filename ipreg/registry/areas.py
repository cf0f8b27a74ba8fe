"""Production areas: from the units as written to old communes, new units with coverage, and wording.

An area is a list of entries. An entry of the old vintage stands for all its old communes; an entry of
the new vintage covers a new commune whole, or in part, keeping the territory of the old units in ``via``.
Everything is computed from the atoms (old communes) so that an area written before the reform and the
same area re-expressed after it give the same answer.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from ..core.text import vi_sort_key
from ..gazetteer.snapshot import Covered, Gazetteer, Projection, Unit

UNCHANGED_VI = ("Phạm vi khu vực địa lý không thay đổi; chỉ các đơn vị hành chính được gọi theo tên từ "
                "ngày 01/7/2025.")
UNCHANGED_EN = "The perimeter is unchanged; only the administrative units are named as from 1 July 2025."


@dataclass(frozen=True)
class Entry:
    """One entry of an area: a unit, and for a new unit covered in part, the old units it keeps."""

    unit: Unit
    coverage: str = "whole"
    via: tuple[str, ...] = ()
    note: str | None = None  # the part as written ("xóm 1–17"): the unit is covered only there


@dataclass(eq=False)
class AreaSummary:
    gaz: Gazetteer = field(repr=False)
    entries: tuple[Entry, ...]
    atoms: frozenset[int]
    projection: Projection
    old_provinces: tuple[str, ...]
    unchanged_perimeter: bool
    written_in_old_units: bool

    @property
    def new_provinces(self) -> list[str]:
        return self.projection.new_provinces

    @cached_property
    def reexpressed(self) -> str:
        """Built on first use: a flag run needs the facts above, pages need the words."""
        return reexpress(self.gaz, self.projection, self.atoms)


def atoms_of(gaz: Gazetteer, entries: tuple[Entry, ...]) -> frozenset[int]:
    atoms: set[int] = set()
    for entry in entries:
        unit = entry.unit
        if unit.vintage == "old":
            atoms.update(gaz.atoms(unit))
        elif entry.coverage == "part" and entry.via:
            atoms.update(gaz.by_key[("old", code)].id for code in entry.via if ("old", code) in gaz.by_key)
        else:
            for new_id in gaz.new_communes(unit):
                atoms.update(gaz.atoms_of_new.get(new_id, ()))
    return frozenset(atoms)


def summarise(gaz: Gazetteer, entries: tuple[Entry, ...]) -> AreaSummary:
    """The derived facts of an area (cached per gazetteer snapshot and entry list)."""
    return _summarise(gaz, entries)


@lru_cache(maxsize=65536)
def _summarise(gaz: Gazetteer, entries: tuple[Entry, ...]) -> AreaSummary:
    atoms = atoms_of(gaz, entries)
    projection = gaz.project_atoms(atoms)
    old_provinces = tuple(sorted({gaz.units[a].province_code for a in atoms}))
    unchanged = bool(projection.new_units) and all(c.coverage == "whole" for c in projection.new_units)
    return AreaSummary(gaz, entries, atoms, projection, old_provinces, unchanged,
                       any(e.unit.vintage == "old" for e in entries))


def _lower_type(unit: Unit) -> str:
    """'Xã Tân Mộc' → 'xã Tân Mộc', as old units are cited inside a sentence."""
    return unit.type.lower() + " " + unit.short_name if unit.name.startswith(unit.type) else unit.name


def _part_wording(gaz: Gazetteer, covered: Covered) -> str:
    whole, split = [], []
    for atom in covered.via:
        unit = gaz.units[atom]
        (split if len(gaz.successors.get(atom, ())) > 1 else whole).append(_lower_type(unit))
    pieces = []
    if whole:
        pieces.append("địa bàn " + ", ".join(whole) + " cũ")
    if split:
        pieces.append("một phần địa bàn " + ", ".join(split) + " cũ")
    return "một phần: " + "; ".join(pieces)


def reexpress(gaz: Gazetteer, projection: Projection, atoms: frozenset[int]) -> str:
    """The area in units from 2025-07-01, in Vietnamese, as INAO re-bases French GI areas on merged communes.

    'Tỉnh Bắc Ninh: Xã Lục Ngạn (toàn bộ); Xã Nam Dương (một phần: địa bàn xã Tân Mộc cũ)'. A new province
    covered whole is named once: 'Tỉnh Quảng Ninh (toàn bộ)'.
    """
    by_province: dict[str, list[Covered]] = defaultdict(list)
    for covered in projection.new_units:
        by_province[covered.unit.province_code].append(covered)
    parts = []
    for code in sorted(by_province):
        province = gaz.by_key[("new", code)]
        items = sorted(by_province[code], key=lambda c: (c.coverage != "whole", vi_sort_key(c.unit.short_name)))
        all_whole = all(c.coverage == "whole" for c in items)
        if all_whole and len(items) == len(gaz.children.get(province.id, ())):
            parts.append(f"{province.name} (toàn bộ)")
            continue
        wording = "; ".join(f"{c.unit.name} (toàn bộ)" if c.coverage == "whole"
                            else f"{c.unit.name} ({_part_wording(gaz, c)})" for c in items)
        parts.append(f"{province.name}: {wording}")
    return " | ".join(parts)


def old_units_of(gaz: Gazetteer, summary: AreaSummary) -> list[Unit]:
    """The area's old units: as written when written in old units, else the old communes it covers."""
    if summary.written_in_old_units:
        return [e.unit for e in summary.entries if e.unit.vintage == "old"]
    return sorted((gaz.units[a] for a in summary.atoms), key=lambda u: u.code)


def entries_for_reexpression(summary: AreaSummary, gaz: Gazetteer) -> tuple[Entry, ...]:
    """The same area written in new units: whole new communes, and new communes in part with ``via``."""
    out = []
    for covered in summary.projection.new_units:
        if covered.coverage == "whole":
            out.append(Entry(covered.unit))
        else:
            out.append(Entry(covered.unit, "part", tuple(sorted(gaz.units[a].code for a in covered.via))))
    return tuple(out)
