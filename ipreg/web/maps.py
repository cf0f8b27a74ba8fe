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
from ..maps.base import Basemap, Frame, render_parts
from ..maps.data import counts_by_province, flags_around, flags_by_commune, touching_records
from ..maps.record import LAYERS as RECORD_LAYERS
from ..maps.record import TITLES, RecordArea, record_map
from ..maps.rendering import count_values, national_map, province_map
from ..maps.webgeo import LAYERS, LEVELS, get_webgeo, gzip_bytes, units_in
from ..registry.areas import summarise
from ..registry.records import entries_of, find_by_internal_id
from ..registry.visibility import check_unit_visible, check_visible, unit_visible
from .security import can, current, current_scope, requires

bp = Blueprint("maps", __name__, url_prefix="/maps")
PROVINCE_LAYERS = ("new_communes", "old_districts", "old_provinces", "new_provinces")
WITHIN = re.compile(r"^(old|new)-(\d{2})$")


def _webgeo():
    return get_webgeo(db.session, current_app.config["IPREG_CACHE_DIR"])


def _frame() -> Frame:
    """The app's static URL, the words, the optional base map (``IPREG_TILE_URL``) and whether flags show."""
    tiles = current_app.config.get("IPREG_TILE_URL")
    basemap = Basemap(tiles, current_app.config.get("IPREG_TILE_ATTRIBUTION") or "") if tiles else None
    return Frame(url_for("static", filename="").rstrip("/"), gettext, basemap, with_flags=can("read_flags"),
                 scoped=current_scope() is not None)


def _vintage() -> str:
    """The vintage a national map shows: the 34 new provinces unless the 63 old ones are asked for."""
    return "old" if request.args.get("vintage") == "old" else "new"


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
    """The national map of one vintage (``?vintage=old`` for the 63 former provinces)."""
    vintage, key = _vintage(), _webgeo().key

    def layer_url(name):
        return _layer_url(key, name, "national")

    m = national_map(_frame(), vintage, layer_url, url_for("maps.overview_data", vintage=vintage))
    urls = {name: layer_url(name) for name in ("new_provinces", "old_provinces")}
    gaz = get_gazetteer(db.session)
    scope = current_scope()
    provinces = {v: [u for u in sorted(gaz.units.values(), key=lambda u: u.code)
                     if u.vintage == v and u.level == "province"
                     and unit_visible(gaz, u, scope)] for v in ("new", "old")}
    return render_template("maps/overview.html", parts=render_parts(m), provinces=provinces, vintage=vintage,
                           downloads=_downloads(urls, {"new_provinces": gettext("New provinces"),
                                                       "old_provinces": gettext("Old provinces")}))


@bp.get("/overview.json")
@requires("read")
def overview_data():
    """Records and open flags per province of a vintage, within the user's provinces, with their tooltips."""
    vintage, scope = _vintage(), current_scope()
    gaz = get_gazetteer(db.session)
    names = {u.code: u.name for u in gaz.units.values()
             if u.vintage == vintage and u.level == "province" and unit_visible(gaz, u, scope)}
    counts = counts_by_province(db.session, vintage, scope, public_only=current() is None)

    def href(code: str) -> str:
        return url_for("maps.province", vintage=vintage, code=code)

    return count_values(counts, dict(sorted(names.items())), gettext, with_flags=can("read_flags"), href=href)


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
    m = province_map(_frame(), unit, bounds, urls.get, url_for("maps.province_flags", vintage=vintage, code=code),
                     url_for("maps.unit", vintage="new", code="CODE").replace("CODE", "{code}"))
    titles = {"new_communes": gettext("New communes"), "old_districts": gettext("Old districts"),
              "old_provinces": gettext("Old provinces"), "new_provinces": gettext("New provinces")}
    return render_template("maps/province.html", parts=render_parts(m), unit=unit,
                           downloads=_downloads(urls, titles))


@bp.get("/provinces/<vintage>/<code>/flags.json")
@requires("read")
def province_flags(vintage: str, code: str):
    """Records and open flags per new commune of the province (within the user's provinces), with tooltips."""
    unit, scope = _province(vintage, code), current_scope()
    gaz = get_gazetteer(db.session)
    communes = [gaz.units[i] for i in units_in(gaz, "new_communes", unit)]
    names = {c.code: c.name for c in communes if unit_visible(gaz, c, scope)}
    counts = flags_by_commune(db.session, gaz, unit, [c.id for c in communes], scope, public_only=current() is None)
    return count_values(counts, names, gettext, with_flags=can("read_flags"))


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
    scope, public_only = current_scope(), current() is None

    def counts(communes: list[int]) -> dict[str, dict]:
        return flags_around(db.session, gaz, communes, scope, public_only)

    return reg, RecordArea(gaz, summarise(gaz, entries) if entries else None, _webgeo(), polygon, gettext, counts)


@bp.get("/records/<internal_id>")
@requires("read")
def record(internal_id: str):
    reg, area = _record_area(internal_id)

    def layer_url(name):
        return url_for("maps.record_layer", internal_id=internal_id, layer=name, v=reg.version)

    m = record_map(_frame(), area, layer_url)
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
