"""Registry pages: search with filters and exports, the record page, polygon upload, whole-registry exports."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..actions import records as actions
from ..core.errors import N_, IpregError
from ..core.exports import to_csv, to_xlsx
from ..extensions import db
from ..gazetteer.snapshot import get_gazetteer
from ..models.registry import KINDS, PARTY_KINDS, STATUSES
from ..registry.cells import parse_date
from ..registry.export import export_registry
from ..registry.search import RecordQuery, result_columns, result_rows, search_records
from .params import MAX_PAGE, bounded
from .security import can, context, current, current_scope, requires

bp = Blueprint("records", __name__, url_prefix="/records")


def query_from_args(args) -> RecordQuery:
    """A search from query-string arguments; unknown values are ignored rather than failing."""
    def choice(name, allowed):
        value = args.get(name) or None
        return value if value in allowed else None

    flagged = {"1": True, "0": False}.get(args.get("flagged", ""))
    page = bounded(args.get("page"), 1, 1, MAX_PAGE)
    per_page = bounded(args.get("per_page"), 25, 1, 200)
    province = lambda name: (args.get(name) or "").strip()[:2] or None  # noqa: E731
    return RecordQuery(q=(args.get("q") or "")[:200], kind=choice("kind", KINDS), status=choice("status", STATUSES),
                       old_province=province("old_province"), new_province=province("new_province"),
                       holder_kind=choice("holder_kind", PARTY_KINDS), flagged=flagged,
                       sort=args.get("sort", "name"), desc=args.get("desc") == "1", page=page, per_page=per_page,
                       scope=current_scope(), public_only=current() is None)


@bp.get("/")
@requires("read")
def search():
    query = query_from_args(request.args)
    records, total = search_records(db.session, query)
    gaz = get_gazetteer(db.session)
    provinces = {v: gaz.provinces(v) for v in ("old", "new")}
    return render_template("records/search.html", query=query, rows=result_rows(db.session, records), total=total,
                           pages=max(1, -(-total // query.per_page)), provinces=provinces, kinds=KINDS,
                           statuses=STATUSES, party_kinds=PARTY_KINDS)


@bp.get("/export.<fmt>")
@requires("read")
def export(fmt: str):
    query = query_from_args(request.args)
    records, _total = search_records(db.session, query, paginate=False)
    rows = result_rows(db.session, records)
    columns = result_columns(with_flags=can("read_flags"))
    if fmt == "csv":
        return Response(to_csv(rows, columns), mimetype="text/csv",
                        headers={"Content-Disposition": "attachment; filename=ipreg-records.csv"})
    if fmt == "xlsx":
        return Response(to_xlsx(rows, columns), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": "attachment; filename=ipreg-records.xlsx"})
    raise IpregError(N_("Unknown export format %(fmt)s: use csv or xlsx."), fmt=fmt)


@bp.get("/registry.<fmt>")
@requires("read")
def registry(fmt: str):
    """The whole registry (within the user's scope) as CSV, XLSX, GeoJSON or GeoPackage."""
    data, mimetype = export_registry(db.session, get_gazetteer(db.session), fmt, scope=current_scope(),
                                     public_only=current() is None)
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename=ipreg-registry.{fmt}"})


@bp.get("/<internal_id>")
@requires("read")
def show(internal_id: str):
    on = parse_date(request.args.get("on"))  # 2025-06-30 or 30/06/2025, else a 400
    return render_template("records/show.html", **actions.record_page(context(), internal_id, on), on=on)


@bp.post("/<internal_id>/polygon")
@requires("edit_records")
def upload_polygon(internal_id: str):
    upload = request.files.get("file")
    if upload is None:
        raise IpregError(N_("Choose a GeoJSON file."))
    actions.upload_polygon(context(), internal_id, upload.read(current_app.config["MAX_CONTENT_LENGTH"] + 1),
                           upload.filename, version=request.form.get("version"))
    flash(_("Polygon saved; it is compared with the unit list below."), "info")
    return redirect(url_for("records.show", internal_id=internal_id))
