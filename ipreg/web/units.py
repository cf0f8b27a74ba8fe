"""Unit lookup pages: search by name or code in either vintage; predecessors, successors, legal basis."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from ..extensions import db
from ..gazetteer.describe import describe_life, describe_unit, describe_unit_on
from ..gazetteer.history import get_history
from ..gazetteer.snapshot import get_gazetteer
from ..registry.cells import parse_date
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
    """A unit of either vintage with its links; an old code also with its whole life since 2004. With
    ``?on=DATE`` (or for a code gone before 2025-06-30) the unit that bore the code that day."""
    if vintage not in ("old", "new"):
        abort(404)
    gaz = get_gazetteer(db.session)
    day = parse_date(request.args.get("on", "")[:20])
    if vintage == "old" and (day is not None or ("old", code) not in gaz.by_key):
        span = describe_unit_on(db.session, get_history(db.session), code, day)
        return render_template("units/span.html", span=span, life=span["life"])
    unit = gaz.get(code, vintage)
    life = describe_life(db.session, get_history(db.session), code, unit.level) if vintage == "old" else None
    return render_template("units/show.html", unit=describe_unit(gaz, unit), path=gaz.path(unit), life=life)
