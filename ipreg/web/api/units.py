"""``/api/v1/units``: the same JSON as ``ipreg units show|project|resolve``."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ...domain.gazetteer import get_gazetteer
from ...domain.units import describe_projection, describe_unit, units_for_codes
from ...extensions import db
from ..security import requires

blp = Blueprint("api_units", __name__, url_prefix="/api/v1/units", description="Administrative units")


class VintageArgs(Schema):
    vintage = fields.String(validate=validate.OneOf(["old", "new"]))


class ResolveArgs(Schema):
    q = fields.String(required=True, validate=validate.Length(min=1, max=300))
    vintage = fields.String(load_default="old", validate=validate.OneOf(["old", "new"]))


class ProjectArgs(Schema):
    codes = fields.String(required=True, validate=validate.Length(min=1, max=20000),
                          metadata={"description": "Comma-separated old unit codes"})


@blp.route("/<code>")
class UnitResource(MethodView):
    @requires("read")
    @blp.arguments(VintageArgs, location="query", as_kwargs=True)
    @blp.response(200)
    def get(self, code: str, vintage: str | None = None):
        """A unit with its successors and predecessors (keys as ``ipreg units show --json``)."""
        gaz = get_gazetteer(db.session)
        return describe_unit(gaz, gaz.get(code, vintage))


@blp.route("/resolve")
class ResolveResource(MethodView):
    @requires("read")
    @blp.arguments(ResolveArgs, location="query", as_kwargs=True)
    @blp.response(200)
    def get(self, q: str, vintage: str):
        """Resolve a name as officers write it: ``{"match": unit or null, "candidates": [...]}``."""
        return get_gazetteer(db.session).names.resolve(q, vintage).as_dict()


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
