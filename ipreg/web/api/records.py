"""``/api/v1/records``: search with filters and pages, and one record (the JSON of ``ipreg records show``).

Record text leaves through ``outbound_tree`` as from every export: API data end up in spreadsheets too.
"""
from __future__ import annotations

from datetime import date

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ...core.text_safety import outbound_tree
from ...extensions import db
from ...gazetteer.snapshot import get_gazetteer
from ...models.registry import KINDS, PARTY_KINDS, STATUSES
from ...reform.views import record_with_flags
from ...registry.records import find_record
from ...registry.search import RecordQuery, result_rows, search_records
from ...registry.visibility import check_visible
from ..security import can, current, current_scope, requires

blp = Blueprint("api_records", __name__, url_prefix="/api/v1/records", description="Registry records")


class SearchArgs(Schema):
    q = fields.String(load_default="", validate=validate.Length(max=200))
    kind = fields.String(validate=validate.OneOf(KINDS))
    status = fields.String(validate=validate.OneOf(STATUSES))
    old_province = fields.String(validate=validate.Regexp(r"^\d{2}$"))
    new_province = fields.String(validate=validate.Regexp(r"^\d{2}$"))
    holder_kind = fields.String(validate=validate.OneOf(PARTY_KINDS))
    flagged = fields.Boolean()
    sort = fields.String(load_default="name", validate=validate.OneOf(["name", "reg_no", "kind", "granted_on",
                                                                       "status", "updated"]))
    desc = fields.Boolean(load_default=False)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=200))


class RecordArgs(Schema):
    on = fields.Date(metadata={"description": "Show the record as it stood on this date"})


@blp.route("")
class RecordList(MethodView):
    @requires("read")
    @blp.arguments(SearchArgs, location="query")
    @blp.response(200)
    def get(self, args):
        """Search records; ``items`` have the columns of the search screen."""
        query = RecordQuery(**{k: v for k, v in args.items() if v is not None}, scope=current_scope(),
                            public_only=current() is None)
        records, total = search_records(db.session, query)
        return {"total": total, "page": query.page, "per_page": query.per_page,
                "items": outbound_tree(result_rows(db.session, records))}


@blp.route("/<kind>/<path:reg_no>")
class RecordItem(MethodView):
    @requires("read")
    @blp.arguments(RecordArgs, location="query")
    @blp.response(200)
    def get(self, args, kind: str, reg_no: str):
        """One record by kind and number (or internal id); ``?on=YYYY-MM-DD`` for its state on a date."""
        reg = find_record(db.session, kind, reg_no)
        check_visible(db.session, reg, current_scope(), public_only=current() is None)
        on: date | None = args.get("on")
        return outbound_tree(record_with_flags(db.session, get_gazetteer(db.session), reg, on=on,
                                             with_flags=can("read_flags")))
