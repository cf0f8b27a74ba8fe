"""Uploaded area polygons: GeoJSON in, a valid (Multi)Polygon in lon/lat out, or a clear refusal.

The document is checked (nesting depth, geometry types, every coordinate a finite longitude/latitude, the
number of vertices) before shapely sees it: GEOS fails on infinities with exceptions of its own, and JSON
nested thousands deep exhausts Python's recursion, which would be a 500 instead of a message.
"""
from __future__ import annotations

import json
import math

import shapely
from shapely.geometry import shape

from ..core.errors import N_, IpregError

VIETNAM_BOUNDS = (100.0, 6.0, 118.0, 24.5)  # lon/lat box with the islands
MAX_VERTICES = 500_000
MAX_DEPTH = 12  # a FeatureCollection of MultiPolygons is 8 deep: more is not GeoJSON of an area
RING_DEPTH = {"Polygon": 2, "MultiPolygon": 3}  # list levels above the positions


def parse_polygon(data: bytes):
    """A GeoJSON geometry, Feature or FeatureCollection of polygons → one valid geometry."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except RecursionError:
        raise IpregError(N_("The GeoJSON is nested too deeply (more than %(n)d levels)."), n=MAX_DEPTH) from None
    except (UnicodeDecodeError, ValueError):
        raise IpregError(N_("The file is not GeoJSON (JSON text in UTF-8).")) from None
    if not isinstance(doc, dict):
        raise IpregError(N_("The file is not GeoJSON (JSON text in UTF-8)."))
    _check_depth(doc)
    if doc.get("type") == "FeatureCollection":
        features = doc.get("features")
        geometries = [f.get("geometry") for f in features if isinstance(f, dict)] if isinstance(features, list) else []
    elif doc.get("type") == "Feature":
        geometries = [doc.get("geometry")]
    else:
        geometries = [doc]
    geometries = [g for g in geometries if g]
    if not geometries or any(not isinstance(g, dict) or g.get("type") not in RING_DEPTH for g in geometries):
        raise IpregError(N_("The GeoJSON must hold polygons (Polygon or MultiPolygon)."))
    if sum(_check_coordinates(g.get("coordinates"), RING_DEPTH[g["type"]]) for g in geometries) > MAX_VERTICES:
        raise IpregError(N_("The polygon has too many vertices (limit %(n)d)."), n=MAX_VERTICES)
    try:
        parts = [shapely.make_valid(shape(g)) for g in geometries]
    except Exception:  # shapely raises several classes for malformed rings (too few positions, ...)
        raise IpregError(N_("The GeoJSON geometry is malformed.")) from None
    geom = shapely.union_all(parts)
    geom = shapely.union_all([g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")])
    if geom.is_empty:
        raise IpregError(N_("The polygon is empty."))
    minx, miny, maxx, maxy = geom.bounds
    if minx < VIETNAM_BOUNDS[0] or miny < VIETNAM_BOUNDS[1] or maxx > VIETNAM_BOUNDS[2] or maxy > VIETNAM_BOUNDS[3]:
        raise IpregError(N_("The polygon lies outside Viet Nam: coordinates must be longitude/latitude (EPSG:4326)."))
    return geom


def _check_depth(doc) -> None:
    """Refuse documents nested deeper than any GeoJSON of an area, without recursion."""
    stack = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise IpregError(N_("The GeoJSON is nested too deeply (more than %(n)d levels)."), n=MAX_DEPTH)
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))


def _check_coordinates(coordinates, levels: int) -> int:
    """The number of positions, after checking the nesting and that each is a finite longitude/latitude."""
    lists = [coordinates]
    for _ in range(levels):
        if not all(isinstance(item, list) for item in lists):
            raise IpregError(N_("The GeoJSON geometry is malformed."))
        lists = [child for item in lists for child in item]
    for position in lists:
        if not isinstance(position, list) or not 2 <= len(position) <= 3 or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in position):
            raise IpregError(N_("The GeoJSON geometry is malformed."))
        lon, lat = position[0], position[1]
        if not all(math.isfinite(v) for v in position) or not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise IpregError(N_("The coordinate %(position)s is not a longitude/latitude in degrees (EPSG:4326)."),
                             position=json.dumps(position)[:80])
    return len(lists)
