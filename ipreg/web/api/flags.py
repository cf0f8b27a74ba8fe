"""``/api/v1/flags``: list flags and act on them (writes need an API token: ``Authorization: Bearer …``)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ...actions import review as actions
from ...core.text_safety import outbound_tree
from ...extensions import db
from ...models import Flag
from ...reform.queries import FlagQuery, flags_json
from ...reform.rules import RULES
from ...reform.views import flag_dict, payloads
from ..security import context, current_scope, requires

blp = Blueprint("api_flags", __name__, url_prefix="/api/v1", description="Flags and their review")


class FlagListArgs(Schema):
    status = fields.String(load_default="open", validate=validate.OneOf(["open", "accepted", "dismissed",
                                                                         "resolved", "all"]))
    rule = fields.String(validate=validate.OneOf(sorted(RULES)))
    severity = fields.String(validate=validate.OneOf(["high", "medium", "low"]))
    province = fields.String(validate=validate.Regexp(r"^\d{2}$"))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class PartySchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    kind = fields.String(required=True, validate=validate.Length(min=1, max=20))


class UnitRefSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=8))


class SuccessorSchema(Schema):
    party = fields.Nested(PartySchema, required=True)
    unit = fields.Nested(UnitRefSchema, required=True)


class AcceptSchema(Schema):
    decision_no = fields.String(required=True, validate=validate.Length(min=1, max=120))
    decision_date = fields.Date()
    effective_date = fields.Date()
    choice = fields.Integer(validate=validate.Range(min=0, max=100),
                            metadata={"description": "Index in [suggested] + candidates"})
    successor = fields.Nested(SuccessorSchema)
    version = fields.Integer(validate=validate.Range(min=1))
    note = fields.String(validate=validate.Length(max=500))


class DismissSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    version = fields.Integer(validate=validate.Range(min=1))


class CommentSchema(Schema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=4000))


def _json(flag: Flag) -> dict:
    return outbound_tree(flag_dict(flag, payloads(db.session, [flag])[flag.id]))


@blp.route("/flags")
class FlagList(MethodView):
    @requires("read_flags")
    @blp.arguments(FlagListArgs, location="query")
    @blp.response(200)
    def get(self, args):
        """Flags, most severe first (the keys of ``ipreg flags list --json``)."""
        query = FlagQuery(status=None if args["status"] == "all" else args["status"], rule=args.get("rule"),
                          severity=args.get("severity"), province=args.get("province"), scope=current_scope(),
                          limit=args["per_page"], offset=(args["page"] - 1) * args["per_page"])
        return outbound_tree(flags_json(db.session, query))


@blp.route("/flags/<int:flag_id>")
class FlagItem(MethodView):
    @requires("read_flags")
    @blp.response(200)
    def get(self, flag_id: int):
        return _json(actions.flag_for(context(), flag_id))


@blp.route("/flags/<int:flag_id>/accept")
class FlagAccept(MethodView):
    @requires("review")
    @blp.arguments(AcceptSchema)
    @blp.response(200)
    def post(self, body, flag_id: int):
        """Accept the suggestion (or ``choice``/``successor``): records the change and resolves the flag."""
        result = actions.accept(context(), flag_id, choice_index=body.get("choice"), other=body.get("successor"),
                                decision_no=body["decision_no"], decision_date=body.get("decision_date"),
                                effective_date=body.get("effective_date"), version=body.get("version"),
                                note=body.get("note"))
        return _json(result["flag"])


@blp.route("/flags/<int:flag_id>/dismiss")
class FlagDismiss(MethodView):
    @requires("review")
    @blp.arguments(DismissSchema)
    @blp.response(200)
    def post(self, body, flag_id: int):
        return _json(actions.dismiss(context(), flag_id, body["reason"], version=body.get("version")))


@blp.route("/flags/<int:flag_id>/comments")
class FlagComments(MethodView):
    @requires("comment")
    @blp.arguments(CommentSchema)
    @blp.response(201)
    def post(self, body, flag_id: int):
        comment = actions.comment(context(), flag_id, body["body"])
        return outbound_tree({"id": comment.id, "author": comment.author, "body": comment.body})


@blp.route("/stats")
class Stats(MethodView):
    @requires("read_flags")
    @blp.response(200)
    def get(self):
        """Records and flags per new province and per rule."""
        return actions.province_statistics(context())
