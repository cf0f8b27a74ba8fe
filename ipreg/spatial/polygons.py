"""Uploaded area polygons: GeoJSON in, a valid (Multi)Polygon in lon/lat out, or a clear refusal."""
from __future__ import annotations

import json

import shapely
from shapely.geometry import shape

from ..domain.errors import IpregError, N_

VIETNAM_BOUNDS = (100.0, 6.0, 118.0, 24.5)  # lon/lat box with the islands
MAX_VERTICES = 500_000


def parse_polygon(data: bytes):
    """A GeoJSON geometry, Feature or FeatureCollection of polygons → one valid geometry."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise IpregError(N_("The file is not GeoJSON (JSON text in UTF-8).")) from None
    if not isinstance(doc, dict):
        raise IpregError(N_("The file is not GeoJSON (JSON text in UTF-8)."))
    if doc.get("type") == "FeatureCollection":
        geometries = [f.get("geometry") for f in doc.get("features") or [] if isinstance(f, dict)]
    elif doc.get("type") == "Feature":
        geometries = [doc.get("geometry")]
    else:
        geometries = [doc]
    try:
        parts = [shape(g) for g in geometries if g]
    except Exception:  # shapely raises several classes for malformed coordinates
        raise IpregError(N_("The GeoJSON geometry is malformed.")) from None
    if not parts or any(p.geom_type not in ("Polygon", "MultiPolygon") for p in parts):
        raise IpregError(N_("The GeoJSON must hold polygons (Polygon or MultiPolygon)."))
    geom = shapely.make_valid(shapely.union_all(parts))
    geom = shapely.union_all([g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")])
    if geom.is_empty:
        raise IpregError(N_("The polygon is empty."))
    if shapely.get_num_coordinates(geom) > MAX_VERTICES:
        raise IpregError(N_("The polygon has too many vertices (limit %(n)d)."), n=MAX_VERTICES)
    minx, miny, maxx, maxy = geom.bounds
    if minx < VIETNAM_BOUNDS[0] or miny < VIETNAM_BOUNDS[1] or maxx > VIETNAM_BOUNDS[2] or maxy > VIETNAM_BOUNDS[3]:
        raise IpregError(N_("The polygon lies outside Viet Nam: coordinates must be longitude/latitude (EPSG:4326)."))
    return geom
