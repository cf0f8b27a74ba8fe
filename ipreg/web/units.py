"""Unit lookup pages: search by name or code in either vintage; predecessors, successors, legal basis."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from ..domain.gazetteer import get_gazetteer
from ..domain.units import describe_unit
from ..extensions import db
from .security import requires

bp = Blueprint("units", __name__, url_prefix="/units")


@bp.get("/")
@requires("read")
def search():
    query = request.args.get("q", "").strip()[:200]
    vintage = request.args.get("vintage", "old")
    if vintage not in ("old", "new"):
        abort(400)
    results, message = [], None
    if query:
        gaz = get_gazetteer(db.session)
        resolution = gaz.names.search(query, vintage, limit=20)
        results = resolution.candidates
        message = None if resolution.match else resolution.message
    return render_template("units/search.html", query=query, vintage=vintage, results=results, message=message)


@bp.get("/<vintage>/<code>")
@requires("read")
def show(vintage: str, code: str):
    if vintage not in ("old", "new"):
        abort(404)
    gaz = get_gazetteer(db.session)
    unit = gaz.get(code, vintage)
    return render_template("units/show.html", unit=describe_unit(gaz, unit), path=gaz.path(unit))
