"""Spatial questions asked of the database when it can answer them (PostGIS), else of shapely in process.

Both paths give the same answer: units intersecting a polygon, with the share of each unit's area inside it
(spheroidal area on PostGIS, an equal-area projection in shapely).
"""
from __future__ import annotations

import shapely
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..models import Registration
from .projection import to_equal_area
from .store import GeometryStore


def units_touching(session: Session, store: GeometryStore, polygon, vintage: str = "new",
                   level: str = "commune") -> dict[int, float]:
    """Unit id → share of the unit's area inside ``polygon`` (lon/lat), for every unit it intersects."""
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(text("""
            SELECT u.id, ST_Area(ST_Intersection(u.geom, p.g)::geography) / NULLIF(ST_Area(u.geom::geography), 0)
            FROM admin_unit u, (SELECT ST_SetSRID(ST_GeomFromWKB(:wkb), 4326) AS g) p
            WHERE u.vintage = :vintage AND u.level = :level AND u.geom && p.g AND ST_Intersects(u.geom, p.g)
        """), {"wkb": shapely.to_wkb(polygon), "vintage": vintage, "level": level}).all()
        return {unit_id: float(share or 0.0) for unit_id, share in rows}
    tree, ids, geoms = store.tree(vintage, level)
    hits = tree.query(polygon, predicate="intersects")
    if not len(hits):
        return {}
    inside = shapely.area(to_equal_area(shapely.intersection(geoms[hits], polygon)))
    whole = shapely.area(to_equal_area(geoms[hits]))
    return {int(i): float(a / w) if w else 0.0 for i, a, w in zip(ids[hits].tolist(), inside, whole)}


def polygons_touching(session: Session, geometry) -> list[int]:
    """Ids of the records whose uploaded area polygon intersects ``geometry`` (lon/lat); on PostGIS through
    the GiST index of ``registration.area_polygon``."""
    if session.get_bind().dialect.name == "postgresql":
        return list(session.scalars(text("""
            SELECT r.id FROM registration r, (SELECT ST_SetSRID(ST_GeomFromWKB(:wkb), 4326) AS g) p
            WHERE r.area_polygon && p.g AND ST_Intersects(r.area_polygon, p.g) ORDER BY r.id
        """), {"wkb": shapely.to_wkb(geometry)}))
    rows = session.execute(select(Registration.id, Registration.area_polygon)
                           .where(Registration.area_polygon.is_not(None))).all()
    if not rows:
        return []
    hits = shapely.STRtree(shapely.from_wkb([wkb for _, wkb in rows])).query(geometry, predicate="intersects")
    return sorted(rows[i][0] for i in hits.tolist())
