"""The polygon of a production area, and where an uploaded polygon and the unit list disagree.

There are no polygons of old communes, so an area is drawn from what exists: new communes it covers
whole, and for a new commune covered in part, the pieces of it that lie in old districts the area covers
entirely. Anything that cannot be drawn is reported (``complete`` is False), never filled in.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import shapely

from ..gazetteer.snapshot import Gazetteer
from ..spatial.projection import to_equal_area
from ..spatial.queries import units_touching
from ..spatial.store import GeometryStore
from .areas import AreaSummary

SLIVER_SHARE = 0.02  # overlaps under 2 % of a unit are border noise between surveys, not coverage


@dataclass
class DrawnArea:
    geometry: object | None
    complete: bool
    missing: list[str]  # codes of new units that could not be drawn (in part)


def draw_area(gaz: Gazetteer, summary: AreaSummary, store: GeometryStore) -> DrawnArea:
    pieces, missing = [], []
    for covered in summary.projection.new_units:
        geom = store.get(covered.unit.id)
        if geom is None:
            missing.append(covered.unit.code)
            continue
        if covered.coverage == "whole":
            pieces.append(geom)
            continue
        by_district: dict[int, list[bool]] = defaultdict(list)
        for atom in gaz.atoms_of_new[covered.unit.id]:
            unit = gaz.units[atom]
            by_district[unit.parent_id if unit.level == "commune" else unit.id].append(atom in summary.atoms)
        drawn = False
        for district_id, flags in by_district.items():
            district_geom = store.get(district_id)
            if all(flags) and district_geom is not None:
                pieces.append(shapely.intersection(geom, district_geom))
                drawn = True
            elif any(flags):
                drawn = False
                break
        if not drawn:
            missing.append(covered.unit.code)
    if not pieces:
        return DrawnArea(None, False, missing)
    return DrawnArea(shapely.union_all(pieces, grid_size=1e-6), not missing, missing)


def compare_polygon(session, gaz: Gazetteer, summary: AreaSummary, polygon, store: GeometryStore) -> dict:
    """Where an uploaded polygon and the unit list disagree: units outside it, units it adds, areas."""
    listed = {c.unit.id: c for c in summary.projection.new_units}
    touched = {i: share for i, share in units_touching(session, store, polygon).items() if share >= SLIVER_SHARE}
    extra = [{"code": gaz.units[i].code, "name": gaz.units[i].name, "share": round(s, 3)}
             for i, s in sorted(touched.items()) if i not in listed]
    outside = [{"code": c.unit.code, "name": c.unit.name} for i, c in sorted(listed.items()) if i not in touched]
    drawn = draw_area(gaz, summary, store)
    areas = {}
    if drawn.geometry is not None:
        a, b = to_equal_area(shapely.make_valid(polygon)), to_equal_area(drawn.geometry)
        areas = {"polygon_km2": round(shapely.area(a) / 1e6, 2), "units_km2": round(shapely.area(b) / 1e6, 2),
                 "polygon_outside_units_km2": round(shapely.area(shapely.difference(a, b)) / 1e6, 2),
                 "units_outside_polygon_km2": round(shapely.area(shapely.difference(b, a)) / 1e6, 2)}
    return {"units_not_in_polygon": outside, "polygon_units_not_listed": extra, **areas,
            "agree": not outside and not extra}
