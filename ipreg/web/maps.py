"""Map pages: a record's production area, the province viewer, the national overview, and their layers.

Pages are small (folium's map skeleton); each layer is a separate GeoJSON request, served gzip-compressed.
Boundary layers come from the cache as stored (same for everyone, versioned by the gazetteer key in the
URL, so the browser may keep them); records, flags and counts are filtered by the user's provinces.
"""
from __future__ import annotations

import gzip
import re

import shapely
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext

from ..extensions import db
from ..gazetteer.describe import describe_unit
from ..gazetteer.snapshot import Unit, get_gazetteer
from ..maps.base import render_parts
from ..maps.data import flags_by_commune, touching_records
from ..maps.record import LAYERS as RECORD_LAYERS
from ..maps.record import TITLES, RecordArea, record_map
from ..maps.rendering import count_values, overview_map, province_map
from ..maps.webgeo import LAYERS, LEVELS, get_webgeo, gzip_bytes, units_in
from ..reform.stats import statistics
from ..registry.areas import summarise
from ..registry.records import entries_of, find_by_internal_id
from ..registry.visibility import check_unit_visible, check_visible, unit_visible
from .security import can, current, current_scope, requires

bp = Blueprint("maps", __name__, url_prefix="/maps")
PROVINCE_LAYERS = ("new_communes", "old_districts", "old_provinces", "new_provinces")
WITHIN = re.compile(r"^(old|new)-(\d{2})$")


def _webgeo():
    return get_webgeo(db.session, current_app.config["IPREG_CACHE_DIR"])


def _static_url() -> str:
    return url_for("static", filename="").rstrip("/")


def _geojson(body: bytes, filename: str, compressed: bool = False, etag: str | None = None) -> Response:
    """GeoJSON sent gzip-compressed to clients that accept it (all browsers), plain to the others."""
    if "gzip" in request.accept_encodings:
        response = Response(body if compressed else gzip_bytes(body), mimetype="application/geo+json")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(gzip.decompress(body) if compressed else body, mimetype="application/geo+json")
    response.headers["Vary"] = "Accept-Encoding"
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    if etag:
        response.set_etag(etag)
        response.headers["Cache-Control"] = "private, max-age=86400" if request.args.get("v") else "private, no-cache"
        response.make_conditional(request)
    return response


def _check_scope(unit: Unit) -> None:
    check_unit_visible(get_gazetteer(db.session), unit, current_scope())


def _province(vintage: str, code: str) -> Unit:
    unit = get_gazetteer(db.session).get(code, vintage)
    if unit.level != "province":
        abort(404)
    _check_scope(unit)
    return unit


def _layer_url(key: str, name: str, level: str, within: Unit | None = None) -> str:
    """A layer's URL, versioned by the cache key so that browsers may keep it until the gazetteer changes."""
    args = {"layer": name, "level": level, "v": key}
    if within is not None:
        args["in"] = f"{within.vintage}-{within.code}"
    return url_for("maps.layer", **args)


@bp.get("/layers.geojson")
@requires("read")
def layer():
    """A boundary layer at a zoom level: whole (provinces only) or the part within one province."""
    name, level = request.args.get("layer", ""), request.args.get("level", "")
    if name not in LAYERS or level not in LEVELS:
        abort(404)
    within = None
    if request.args.get("in"):
        match = WITHIN.match(request.args["in"])
        if not match:
            abort(404)
        within = _province(*match.groups())
    elif LAYERS[name].level != "province":
        abort(404)  # a whole layer of communes or districts is not a map anyone needs at once
    webgeo = _webgeo()
    suffix = f"-{within.vintage}-{within.code}" if within else ""
    return _geojson(webgeo.layer_gzip(name, level, within), f"{name}-{level}{suffix}.geojson", compressed=True,
                    etag=f"{webgeo.key}-{name}-{level}{suffix}")


def _downloads(urls: dict[str, str], titles: dict[str, str]) -> list[tuple[str, str]]:
    return [(titles[name], url + ("&" if "?" in url else "?") + "download=1") for name, url in urls.items()]


@bp.get("/")
@requires("read")
def overview():
    key = _webgeo().key

    def layer_url(name):
        return _layer_url(key, name, "national")

    m = overview_map(_static_url(), layer_url, url_for("maps.overview_data"), gettext)
    urls = {name: layer_url(name) for name in ("new_provinces", "old_provinces")}
    gaz = get_gazetteer(db.session)
    scope = current_scope()
    provinces = {v: [u for u in sorted(gaz.units.values(), key=lambda u: u.code)
                     if u.vintage == v and u.level == "province"
                     and unit_visible(gaz, u, scope)] for v in ("new", "old")}
    return render_template("maps/overview.html", parts=render_parts(m), provinces=provinces,
                           downloads=_downloads(urls, {"new_provinces": gettext("New provinces"),
                                                       "old_provinces": gettext("Old provinces")}))


@bp.get("/overview.json")
@requires("read")
def overview_data():
    """Records and open flags per new province (within the user's provinces)."""
    scope = current_scope()
    with_flags = can("read_flags")  # the anonymous public: registered records only, no flags
    counts = {row["province_code"]: {"records": row["records"], "open_flags": row["open_high"] + row["open_medium"]
                                     + row["open_low"]} if with_flags else {"records": row["records"]}
              for row in statistics(db.session, scope, public_only=current() is None)["provinces"]}

    def href(code: str) -> str | None:
        return url_for("maps.province", vintage="new", code=code) if scope is None or code in scope else None

    return count_values(counts, gettext, href=href)


@bp.get("/provinces/")
@requires("read")
def pick():
    match = WITHIN.match(request.args.get("province", ""))
    if not match:
        return redirect(url_for("maps.overview"))
    return redirect(url_for("maps.province", vintage=match.group(1), code=match.group(2)))


@bp.get("/provinces/<vintage>/<code>")
@requires("read")
def province(vintage: str, code: str):
    unit = _province(vintage, code)
    webgeo = _webgeo()
    store_geom = webgeo.store.get(unit.id)
    bounds = None
    if store_geom is not None:
        west, south, east, north = shapely.bounds(store_geom).tolist()
        bounds = [[south, west], [north, east]]
    urls = {name: _layer_url(webgeo.key, name, "province", unit) for name in PROVINCE_LAYERS}
    m = province_map(_static_url(), unit, bounds, urls.get, url_for("maps.province_flags", vintage=vintage, code=code),
                     url_for("maps.unit", vintage="new", code="CODE").replace("CODE", "{code}"), gettext)
    titles = {"new_communes": gettext("New communes"), "old_districts": gettext("Old districts"),
              "old_provinces": gettext("Old provinces"), "new_provinces": gettext("New provinces")}
    return render_template("maps/province.html", parts=render_parts(m), unit=unit,
                           downloads=_downloads(urls, titles))


@bp.get("/provinces/<vintage>/<code>/flags.json")
@requires("read")
def province_flags(vintage: str, code: str):
    """Records and open flags per new commune of the province (within the user's provinces)."""
    unit = _province(vintage, code)
    gaz = get_gazetteer(db.session)
    counts = flags_by_commune(db.session, gaz, unit, units_in(gaz, "new_communes", unit), current_scope(),
                              public_only=current() is None)
    return count_values(counts, gettext)


@bp.get("/units/<vintage>/<code>.json")
@requires("read")
def unit(vintage: str, code: str):
    """A unit's predecessors, successors, legal basis and the records whose area reaches it, for a popup."""
    gaz = get_gazetteer(db.session)
    found = gaz.get(code, vintage)
    _check_scope(found)
    records, total = ([], 0)
    if found.vintage == "new" and found.level == "commune":
        records, total = touching_records(db.session, gaz, found, current_scope(), public_only=current() is None)
    data = {**describe_unit(gaz, found), "path": gaz.path(found),
            "records": [{"internal_id": r.internal_id, "kind": r.kind, "reg_no": r.reg_no, "name": r.name,
                         "url": url_for("maps.record", internal_id=r.internal_id)} for r in records],
            "records_total": total}
    data["html"] = render_template("maps/_unit_popup.html", unit=data)
    return data


def _record_area(internal_id: str) -> tuple[object, RecordArea]:
    reg = find_by_internal_id(db.session, internal_id)
    check_visible(db.session, reg, current_scope(), public_only=current() is None)
    gaz = get_gazetteer(db.session)
    entries = entries_of(gaz, reg)
    polygon = shapely.from_wkb(reg.area_polygon) if reg.area_polygon else None
    return reg, RecordArea(gaz, summarise(gaz, entries) if entries else None, _webgeo(), polygon, gettext)


@bp.get("/records/<internal_id>")
@requires("read")
def record(internal_id: str):
    reg, area = _record_area(internal_id)

    def layer_url(name):
        return url_for("maps.record_layer", internal_id=internal_id, layer=name, v=reg.version)

    m = record_map(_static_url(), area, layer_url, gettext)
    names = [n for n in RECORD_LAYERS if n != "polygon" or area.polygon is not None]
    downloads = _downloads({n: layer_url(n) for n in names}, {n: gettext(TITLES[n]) for n in names})
    return render_template("maps/record.html", parts=render_parts(m), reg=reg, area=area, downloads=downloads)


@bp.get("/records/<internal_id>/layers.geojson")
@requires("read")
def record_layer(internal_id: str):
    name = request.args.get("layer", "")
    if name not in RECORD_LAYERS:
        abort(404)
    reg, area = _record_area(internal_id)
    return _geojson(area.layer(name), f"{reg.internal_id}-{name}.geojson")
