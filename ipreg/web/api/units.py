"""``/api/v1/units``: the same JSON as ``ipreg units show|project|resolve``."""
from __future__ import annotations

from datetime import date

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ...extensions import db
from ...gazetteer.dated_names import resolve_on
from ...gazetteer.describe import describe_projection, describe_unit, describe_unit_on, units_for_codes
from ...gazetteer.history import get_history
from ...gazetteer.snapshot import get_gazetteer
from ..security import requires

blp = Blueprint("api_units", __name__, url_prefix="/api/v1/units", description="Administrative units")


ON = fields.Date(metadata={"description": "Read units as they stood on this date (since 2004-08-31)"})


class VintageArgs(Schema):
    vintage = fields.String(validate=validate.OneOf(["old", "new"]))
    on = ON


class ResolveArgs(Schema):
    q = fields.String(required=True, validate=validate.Length(min=1, max=300))
    vintage = fields.String(load_default="old", validate=validate.OneOf(["old", "new"]))
    on = ON


class ProjectArgs(Schema):
    codes = fields.String(required=True, validate=validate.Length(min=1, max=20000),
                          metadata={"description": "Comma-separated old unit codes"})


@blp.route("/<code>")
class UnitResource(MethodView):
    @requires("read")
    @blp.arguments(VintageArgs, location="query", as_kwargs=True)
    @blp.response(200)
    def get(self, code: str, vintage: str | None = None, on: date | None = None):
        """A unit with its successors and predecessors (keys as ``ipreg units show --json``); with ``on``, the
        unit that bore the code that day, its life since 2004 and where it leads."""
        if on is not None:
            return describe_unit_on(db.session, get_history(db.session), code, on, vintage)
        gaz = get_gazetteer(db.session)
        return describe_unit(gaz, gaz.get(code, vintage))


@blp.route("/resolve")
class ResolveResource(MethodView):
    @requires("read")
    @blp.arguments(ResolveArgs, location="query", as_kwargs=True)
    @blp.response(200)
    def get(self, q: str, vintage: str, on: date | None = None):
        """Resolve a name as officers write it, as it stood ``on`` a date (default 2025-06-30, or 2025-07-01
        for ``vintage=new``): ``{"match": unit or null, "warnings": [...], "candidates": [...]}``."""
        return resolve_on(get_history(db.session), q, on, vintage=vintage).as_dict()


@blp.route("/project")
class ProjectResource(MethodView):
    @requires("read")
    @blp.arguments(ProjectArgs, location="query", as_kwargs=True)
    @blp.response(200)
    def get(self, codes: str):
        """Project old units onto the new ones (a district or province code stands for all its communes)."""
        gaz = get_gazetteer(db.session)
        wanted = [c.strip() for c in codes.split(",") if c.strip()]
        return describe_projection(gaz.project(units_for_codes(gaz, wanted)))
