"""A province's outline as a small SVG path, for the thumbnail on a provincial user's home.

A home must stay light and work offline: no map library, no tiles, no layer request, only a path of a few
hundred points drawn from the province's boundary, simplified for a drawing about a hundred pixels wide.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AdminUnit

SIZE = 100  # the drawing's longer side, in SVG units
DETAIL = 250  # the simplification keeps details larger than 1/DETAIL of the province's extent
MIN_SHARE = 0.005  # islands smaller than this share of the province (Trường Sa, Hoàng Sa) would shrink the rest


@dataclass(frozen=True)
class Outline:
    path: str  # SVG path data, even-odd filled (holes are rings of their own)
    width: float
    height: float


def province_outline(session: Session, code: str) -> Outline | None:
    """The outline of a new (2025-07-01) province, or None when its boundary is not loaded."""
    wkb = session.scalar(select(AdminUnit.geom).where(AdminUnit.vintage == "new", AdminUnit.level == "province",
                                                      AdminUnit.code == code))
    return outline(shapely.from_wkb(wkb)) if wkb else None


def outline(geom) -> Outline | None:
    """The geometry (longitude, latitude) drawn in a box whose longer side is ``SIZE``, north up.

    A degree of longitude is shorter than one of latitude by the cosine of the latitude: without it, a
    province in the north would look a fifth wider than it is."""
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, shapely.Polygon) and not p.is_empty]
    total = sum(p.area for p in parts)
    if not parts or total <= 0:
        return None
    parts = [p for p in parts if p.area >= MIN_SHARE * total] or parts
    minx, miny, maxx, maxy = shapely.MultiPolygon(parts).bounds
    kx = math.cos(math.radians((miny + maxy) / 2))
    extent = max((maxx - minx) * kx, maxy - miny)
    scale = SIZE / extent

    def ring(coords) -> str:
        points = [f"{(x - minx) * kx * scale:.1f} {(maxy - y) * scale:.1f}" for x, y in coords[:-1]]
        return "M" + "L".join(points) + "Z"

    rings = []
    for part in parts:
        simple = shapely.simplify(part, extent / DETAIL, preserve_topology=True)
        for poly in shapely.get_parts(simple):
            rings += [ring(poly.exterior.coords), *(ring(r.coords) for r in poly.interiors)]
    return Outline("".join(rings), round((maxx - minx) * kx * scale, 1), round((maxy - miny) * scale, 1))
