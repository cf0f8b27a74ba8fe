"""What the maps show besides boundaries: records whose area touches a commune, open flags per commune.

"Touches" means the area's projection reaches the new commune (whole or in part), computed from the
area entries as everywhere else; the database only narrows the candidates to records that name one of
the units the commune could be reached through. A record whose area is only an uploaded polygon touches
the communes its polygon intersects.
"""
from __future__ import annotations

from collections import defaultdict

import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, selectinload

from ..gazetteer.snapshot import Gazetteer, Unit
from ..models import AreaEntry, Flag, RecordProvince, Registration
from ..registry.areas import summarise
from ..registry.records import entries_of
from ..registry.visibility import unit_visible, visible_clause
from ..spatial.queries import polygons_touching, units_touching
from ..spatial.store import get_store


def _visible(query, scope: list[str] | None, public_only: bool):
    """Restrict a query on Registration to what the user may see (``visibility``)."""
    return query.where(*visible_clause(scope, public_only))


def _reached_through(gaz: Gazetteer, commune: Unit) -> set[int]:
    """Every unit an area entry may name to reach ``commune``: itself, its province, its old communes and
    their districts and provinces, and the new communes that share an old commune with it (``via``)."""
    ids = {commune.id, gaz.by_key[("new", commune.province_code)].id}
    for atom_id in gaz.atoms_of_new.get(commune.id, ()):
        atom = gaz.units[atom_id]
        ids.update((atom.id, gaz.by_key[("old", atom.province_code)].id))
        if atom.parent_id:
            ids.add(atom.parent_id)
        ids.update(link.new_id for link in gaz.successors.get(atom_id, ()))
    return ids


def touching_records(session: Session, gaz: Gazetteer, commune: Unit, scope: list[str] | None,
                     public_only: bool = False, limit: int = 50) -> tuple[list[Registration], int]:
    """Records (visible to the user) whose area reaches the new commune; the first ``limit`` and the count."""
    candidates = select(AreaEntry.registration_id).where(AreaEntry.unit_id.in_(_reached_through(gaz, commune)))
    geometry = get_store(session, gaz.version).get(commune.id)
    drawn = set(polygons_touching(session, geometry)) if geometry is not None else set()
    query = _visible(select(Registration).where(Registration.id.in_(candidates) | Registration.id.in_(drawn)),
                     scope, public_only)
    records = session.scalars(query.options(selectinload(Registration.area_entries))
                              .order_by(Registration.name, Registration.id)).all()
    found = [reg for reg in records
             if (not reg.area_entries and reg.id in drawn)
             or any(c.unit.id == commune.id for c in summarise(gaz, entries_of(gaz, reg)).projection.new_units)]
    return found[:limit], len(found)


def flags_by_commune(session: Session, gaz: Gazetteer, province: Unit, communes: list[int],
                     scope: list[str] | None, public_only: bool = False) -> dict[str, dict]:
    """Per new commune of ``communes``: records whose area reaches it and their open flags."""
    store = get_store(session, gaz.version)
    outline = store.get(province.id)
    drawn = polygons_touching(session, outline) if outline is not None else []
    query = _visible(select(Registration).where(Registration.id.in_(
        select(RecordProvince.registration_id).where(RecordProvince.vintage == province.vintage,
                                                     RecordProvince.province_code == province.code))
        | Registration.id.in_(drawn)), scope, public_only)
    records = session.scalars(query.options(selectinload(Registration.area_entries))).all()
    open_flags = dict(session.execute(
        select(Flag.registration_id, func.count())
        .where(Flag.status == "open", Flag.registration_id.in_(query.with_only_columns(Registration.id)))
        .group_by(Flag.registration_id)).all())
    wanted = set(communes)
    counts: dict[str, dict] = defaultdict(lambda: {"records": 0} if public_only else {"records": 0, "open_flags": 0})
    for reg in records:
        if reg.area_entries:
            reached = [c.unit for c in summarise(gaz, entries_of(gaz, reg)).projection.new_units]
        elif reg.area_polygon:  # an area known only as an uploaded polygon
            reached = [gaz.units[i] for i in units_touching(session, store, shapely.from_wkb(reg.area_polygon))]
        else:
            reached = []
        for unit in reached:
            if unit.id in wanted:
                counts[unit.code]["records"] += 1
                if not public_only:  # flags are the officers' work, not public
                    counts[unit.code]["open_flags"] += open_flags.get(reg.id, 0)
    return dict(counts)


def flags_around(session: Session, gaz: Gazetteer, communes: list[int], scope: list[str] | None,
                 public_only: bool = False) -> dict[str, dict]:
    """Per new commune of ``communes`` that the user may see (zero where nothing counts): records whose
    area reaches it and their open flags, as the province map counts them. The communes may lie in
    several provinces (a record's area and its neighbours)."""
    seen = [gaz.units[i] for i in communes if unit_visible(gaz, gaz.units[i], scope)]
    by_province: dict[str, list[int]] = defaultdict(list)
    for unit in seen:
        by_province[unit.province_code].append(unit.id)
    found: dict[str, dict] = {}
    for code, ids in by_province.items():
        found.update(flags_by_commune(session, gaz, gaz.by_key[("new", code)], ids, scope, public_only))
    keys = ("records",) if public_only else ("records", "open_flags")
    return {unit.code: {key: found.get(unit.code, {}).get(key, 0) for key in keys} for unit in seen}


def counts_by_province(session: Session, vintage: str, scope: list[str] | None,
                       public_only: bool = False) -> dict[str, dict]:
    """Per province of ``vintage``: the records (visible to the user) that touch it and their open flags.

    A record touching two provinces counts in both, as it needs work in both; the caller keeps the
    provinces the user may see (a record of theirs may also touch a neighbour outside their scope).
    """
    touched = aliased(RecordProvince)  # apart from the table the scope clause's EXISTS reads
    touching = (select(touched.province_code, touched.registration_id)
                .join(Registration, Registration.id == touched.registration_id)
                .where(touched.vintage == vintage, *visible_clause(scope, public_only)).subquery())
    counts: dict[str, dict] = defaultdict(lambda: {"records": 0} if public_only else {"records": 0, "open_flags": 0})
    for code, n in session.execute(select(touching.c.province_code, func.count(func.distinct(
            touching.c.registration_id))).group_by(touching.c.province_code)):
        counts[code]["records"] = n
    if not public_only:  # flags are the officers' work, not public
        for code, n in session.execute(select(touching.c.province_code, func.count(Flag.id))
                                       .join(Flag, Flag.registration_id == touching.c.registration_id)
                                       .where(Flag.status == "open").group_by(touching.c.province_code)):
            counts[code]["open_flags"] = n
    return dict(counts)
