"""Queries on the gazetteer: units by code and vintage, successors, predecessors, projection to new units.

The whole gazetteer (about 14,000 units and 15,000 links) is held in memory as one immutable snapshot per
load, so that projecting every old commune takes milliseconds and the flag engine never queries per record.
The snapshot is rebuilt when a new gazetteer load is committed (``gazetteer_load`` gets a row).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.errors import N_, IpregError, NotFound, vintage_word
from ..core.reform import vintage_on
from ..core.text import vi_sort_key
from ..models import AdminUnit, GazetteerLoad, Succession
from ..snapshots import VersionedCache


@dataclass(frozen=True, slots=True, eq=False)
class Unit:
    """A unit of one snapshot; compared and hashed by identity (one object per unit per snapshot)."""

    id: int
    code: str
    vintage: str
    level: str
    type: str
    name: str
    short_name: str
    parent_id: int | None
    province_code: str
    valid_from: date | None
    valid_to: date | None
    legal_basis: str | None
    has_geometry: bool

    def ref(self) -> dict:
        return {"code": self.code, "name": self.name, "level": self.level, "vintage": self.vintage}


@dataclass(frozen=True, slots=True, eq=False)
class Link:
    old_id: int
    new_id: int
    kind: str
    share: float | None
    share_of_new: float | None
    legal_basis: str | None
    effective_date: date
    note: str | None
    source: str = "vau"  # nso: the statistics office's table (it decides where it speaks); vau: the package


@dataclass(frozen=True, slots=True)
class Covered:
    """A new unit reached by a projection: covered whole or in part, with the share where computable."""

    unit: Unit
    coverage: str  # whole | part
    share: float | None
    via: tuple[int, ...]  # ids of the old units (communes or island districts) that lead to it


@dataclass(frozen=True)
class Projection:
    new_units: list[Covered]
    new_provinces: list[str]


class Gazetteer:
    """An immutable in-memory snapshot of units and their succession links (the statistics office's where its
    table speaks, the package's elsewhere)."""

    def __init__(self, units: list[Unit], links: list[Link], version: int):
        self.version = version
        self.units: dict[int, Unit] = {u.id: u for u in units}
        self.by_key: dict[tuple[str, str], Unit] = {(u.vintage, u.code): u for u in units}
        self.children: dict[int, list[int]] = defaultdict(list)
        for u in units:
            if u.parent_id is not None:
                self.children[u.parent_id].append(u.id)
        self.successors: dict[int, list[Link]] = defaultdict(list)
        self.predecessors: dict[int, list[Link]] = defaultdict(list)
        for link in links:
            self.successors[link.old_id].append(link)
            self.predecessors[link.new_id].append(link)
        # Atoms: the old units a new commune is built from (old communes, and island districts that had
        # no communes). Projection counts atoms, so a split commune covers each of its pieces whole.
        self.atoms_of_new: dict[int, frozenset[int]] = {}
        for new_id, preds in self.predecessors.items():
            if self.units[new_id].level == "commune":
                self.atoms_of_new[new_id] = frozenset(
                    l.old_id for l in preds if self._is_atom(self.units[l.old_id]))
        self.district_share: dict[tuple[int, int], float | None] = {
            (l.old_id, l.new_id): l.share_of_new for l in links if self.units[l.old_id].level == "district"}

    def _is_atom(self, unit: Unit) -> bool:
        return unit.level == "commune" or (unit.level == "district" and not self.children.get(unit.id))

    # --- lookups ------------------------------------------------------------------------------------
    def get(self, code: str, vintage: str | None = None) -> Unit:
        """The unit with ``code`` in ``vintage``; without a vintage, the code must name only one unit."""
        code = (code or "").strip()
        if vintage:
            if vintage not in ("old", "new"):
                raise IpregError(N_("Unknown vintage %(vintage)s: use old or new"), vintage=vintage)
            unit = self.by_key.get((vintage, code))
            if unit is None:
                raise NotFound(N_("No unit of vintage %(vintage)s has code %(code)s"), vintage=vintage_word(vintage),
                               code=code)
            return unit
        found = [u for v in ("old", "new") if (u := self.by_key.get((v, code)))]
        if not found:
            raise NotFound(N_("No unit has code %(code)s"), code=code)
        if len(found) > 1:
            raise IpregError(N_("Code %(code)s names two units: %(units)s. Choose a vintage (old or new)."),
                             code=code, units="; ".join(f"{u.name} ({u.vintage}, {_interval(u)})" for u in found),
                             details=[u.ref() for u in found])
        return found[0]

    def at(self, code: str, day: date) -> Unit:
        """The unit with ``code`` as it stood on ``day`` (the state of a unit at a date)."""
        return self.get(code, vintage_on(day))

    def provinces(self, vintage: str = "new") -> list[Unit]:
        """The provinces of a vintage in Vietnamese alphabetical order of their names (An Giang … Yên Bái)."""
        return self._provinces[vintage]

    @cached_property
    def _provinces(self) -> dict[str, list[Unit]]:
        found = {"old": [], "new": []}
        for unit in self.units.values():
            if unit.level == "province":
                found[unit.vintage].append(unit)
        return {v: sorted(units, key=lambda u: vi_sort_key(u.short_name)) for v, units in found.items()}

    def parent(self, unit: Unit) -> Unit | None:
        return self.units.get(unit.parent_id) if unit.parent_id else None

    def province_of(self, unit: Unit) -> Unit:
        return self.by_key[(unit.vintage, unit.province_code)]

    def path(self, unit: Unit) -> str:
        """'Xã Khâu Tinh, Huyện Na Hang, Tỉnh Tuyên Quang'."""
        parts, current = [], unit
        while current is not None:
            parts.append(current.name)
            current = self.parent(current)
        return ", ".join(parts)

    def successors_of(self, unit: Unit) -> list[tuple[Link, Unit]]:
        return [(l, self.units[l.new_id]) for l in self.successors.get(unit.id, ())]

    def predecessors_of(self, unit: Unit) -> list[tuple[Link, Unit]]:
        return [(l, self.units[l.old_id]) for l in self.predecessors.get(unit.id, ())]

    def atoms(self, unit: Unit) -> list[int]:
        """The old communes (or island districts) a province, district or commune of the old vintage covers."""
        if unit.vintage != "old":
            raise IpregError(N_("%(name)s (%(code)s) is a unit from 2025-07-01, not an old unit"),
                             name=unit.name, code=unit.code)
        if self._is_atom(unit):
            return [unit.id]
        out = []
        for child in self.children.get(unit.id, ()):
            out.extend(self.atoms(self.units[child]))
        return out

    def new_communes(self, unit: Unit) -> list[int]:
        """The new communes of a new province (or the commune itself)."""
        if unit.vintage != "new":
            raise IpregError(N_("%(name)s (%(code)s) is an old unit, not a unit from 2025-07-01"),
                             name=unit.name, code=unit.code)
        return [unit.id] if unit.level == "commune" else list(self.children.get(unit.id, ()))

    # --- projection -----------------------------------------------------------------------------------
    def project(self, units: list[Unit]) -> Projection:
        """Old units → the new communes they became, each covered whole or in part, and the new provinces."""
        atoms: set[int] = set()
        for unit in units:
            atoms.update(self.atoms(unit))
        return self.project_atoms(atoms)

    def project_atoms(self, atoms: set[int] | frozenset[int]) -> Projection:
        reached: dict[int, list[int]] = defaultdict(list)
        for atom in atoms:
            for link in self.successors.get(atom, ()):
                reached[link.new_id].append(atom)
        covered = []
        for new_id, via in reached.items():
            whole = len(via) == len(self.atoms_of_new[new_id])
            share = 1.0 if whole else self._part_share(new_id, atoms)
            covered.append(Covered(self.units[new_id], "whole" if whole else "part", share, tuple(sorted(via))))
        covered.sort(key=lambda c: c.unit.code)
        provinces = sorted({c.unit.province_code for c in covered})
        return Projection(covered, provinces)

    def _part_share(self, new_id: int, atoms: set[int] | frozenset[int]) -> float | None:
        """Share of a part-covered new commune, summed over old districts whose pieces are all covered.

        Known only where every old district contributing to the new commune is covered either fully or not
        at all (no old commune polygons exist to split a district further), and the district shares exist.
        """
        by_district: dict[int, list[bool]] = defaultdict(list)
        for atom in self.atoms_of_new[new_id]:
            unit = self.units[atom]
            district = unit.parent_id if unit.level == "commune" else unit.id
            by_district[district].append(atom in atoms)
        share = 0.0
        for district, flags in by_district.items():
            if all(flags):
                piece = self.district_share.get((district, new_id))
                if piece is None:
                    return None
                share += piece
            elif any(flags):
                return None
        return round(share, 4)

    def invert(self, units: list[Unit]) -> list[tuple[Unit, str]]:
        """New units → the old communes they came from, each 'whole' or 'part' (split across new units)."""
        new_ids: set[int] = set()
        for unit in units:
            new_ids.update(self.new_communes(unit))
        out: dict[int, str] = {}
        for new_id in new_ids:
            for atom in self.atoms_of_new.get(new_id, ()):
                targets = {l.new_id for l in self.successors.get(atom, ())}
                out[atom] = "whole" if targets <= new_ids else "part"
        return sorted(((self.units[i], c) for i, c in out.items()), key=lambda t: t[0].code)

    # --- name index ---------------------------------------------------------------------------------
    @cached_property
    def names(self):
        from .names import NameIndex  # noqa: PLC0415 - built on first use only

        return NameIndex(self)


def _interval(unit: Unit) -> str:
    if unit.vintage == "old":
        return f"until {unit.valid_to.isoformat()}" if unit.valid_to else "old"
    return f"from {unit.valid_from.isoformat()}" if unit.valid_from else "new"


_SNAPSHOTS: VersionedCache[Gazetteer] = VersionedCache()


def get_gazetteer(session: Session) -> Gazetteer:
    """The snapshot for the session's database, rebuilt only after a new gazetteer load."""
    version = session.scalar(select(func.max(GazetteerLoad.id))) or 0
    return _SNAPSHOTS.get(str(session.get_bind().url), version, lambda: _build(session, version))


def _build(session: Session, version: int) -> Gazetteer:
    units = [
        Unit(r.id, r.code, r.vintage, r.level, r.type, r.name, r.short_name, r.parent_id, r.province_code,
             r.valid_from, r.valid_to, r.legal_basis, bool(r.has_geom))
        for r in session.execute(select(
            AdminUnit.id, AdminUnit.code, AdminUnit.vintage, AdminUnit.level, AdminUnit.type, AdminUnit.name,
            AdminUnit.short_name, AdminUnit.parent_id, AdminUnit.province_code, AdminUnit.valid_from,
            AdminUnit.valid_to, AdminUnit.legal_basis, AdminUnit.minx.is_not(None).label("has_geom")))
    ]
    rows = session.execute(select(
        Succession.old_id, Succession.new_id, Succession.kind, Succession.share, Succession.share_of_new,
        Succession.legal_basis, Succession.effective_date, Succession.note, Succession.source)
        .where(Succession.source.in_(("vau", "nso")))).all()
    # The statistics office's table decides for every old unit it speaks of; the package's links are kept in
    # the database beside it as evidence (``gazetteer check`` lists where the two differ).
    official = {r.old_id for r in rows if r.source == "nso"}
    links = [Link(r.old_id, r.new_id, r.kind, r.share, r.share_of_new, r.legal_basis, r.effective_date, r.note,
                  r.source)
             for r in rows if (r.source == "nso") == (r.old_id in official)]
    if not units:
        raise IpregError(N_("The gazetteer is empty: run `ipreg init` first"))
    return Gazetteer(units, links, version)
