"""The review workflow: the queue of open flags, the flag page and its actions, drafts and statistics."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from ..actions import review as actions
from ..core.documents import document_path
from ..core.errors import N_, IpregError
from ..core.exports import to_csv, to_xlsx
from ..extensions import db
from ..gazetteer.snapshot import get_gazetteer
from ..models.registry import PARTY_KINDS
from ..reform.queries import FlagQuery, valid_rule
from ..reform.rules import RULES
from ..registry.cells import parse_date
from .errors import translate_message
from .i18n import label
from .jobs import redirect_to, start_job
from .params import MAX_PAGE, bounded, row_id, row_ids
from .security import context, current_scope, requires

bp = Blueprint("review", __name__, url_prefix="/review")
PAGE = 50
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _date(name: str) -> date | None:
    """A date field of the decision form, written 2025-06-30 or 30/06/2025 (else a 400)."""
    return parse_date(request.form.get(name))


def _documents_dir() -> Path:
    return Path(current_app.instance_path) / "documents"


def _query() -> FlagQuery:
    args = request.args
    rule = args.get("rule") or None
    vintage = args.get("province_vintage", "new")
    page = bounded(args.get("page"), 1, 1, MAX_PAGE)
    status = args.get("status", "open")
    return FlagQuery(status=status if status in ("open", "accepted", "dismissed", "resolved") else None,
                     rule=rule if valid_rule(rule) else None,
                     severity=args.get("severity") if args.get("severity") in ("high", "medium", "low") else None,
                     province=(args.get("province") or "")[:2] or None,
                     province_vintage=vintage if vintage in ("old", "new") else "new",
                     holder_kind=args.get("holder_kind") if args.get("holder_kind") in PARTY_KINDS else None,
                     assignee=(args.get("assignee") or "")[:80] or None, scope=current_scope(), limit=PAGE,
                     offset=(page - 1) * PAGE)


@bp.get("/")
@requires("read_flags")
def queue():
    query = _query()
    data = actions.queue_page(context(), query)
    return render_template("review/queue.html", **data, query=query, rules=sorted(RULES), party_kinds=PARTY_KINDS,
                           page=query.offset // PAGE + 1, pages=max(1, -(-data["total"] // PAGE)))


@bp.post("/run")
@requires("review")
def run():
    """Evaluate the rules now (as a background job) and watch it run."""
    return redirect_to(start_job("flags_run", {"full": bool(request.form.get("full"))}))


@bp.post("/bulk")
@requires("review")
def bulk():
    ids = row_ids(request.form.getlist("flag"))
    action = request.form.get("action")
    if action == "assign":
        count = actions.assign(context(), ids, request.form.get("assignee") or None)
    elif action == "dismiss":
        count = actions.dismiss_many(context(), ids, request.form.get("reason", ""))
    else:
        raise IpregError(N_("Unknown action."))
    flash(_("%(n)d flags updated.", n=count), "info")
    return redirect(request.referrer or url_for("review.queue"))


@bp.get("/flags/<int:flag_id>")
@requires("read_flags")
def flag(flag_id: int):
    return render_template("review/flag.html", **actions.flag_page(context(), flag_id), today=date.today())


def _other_successor() -> dict:
    return {"party": {"name": request.form.get("other_name", ""), "kind": request.form.get("other_kind", "")},
            "unit": {"code": request.form.get("other_unit", "").strip()}}


@bp.post("/flags/<int:flag_id>/accept")
@requires("review")
def accept(flag_id: int):
    picked = request.form.get("choice", "")
    position = row_id(picked)  # the form numbers the options from 1
    upload = request.files.get("document")
    document = (_documents_dir(), upload.read(), upload.filename) if upload is not None and upload.filename else None
    result = actions.accept(context(), flag_id, choice_index=position - 1 if position is not None else None,
                            other=_other_successor() if picked == "other" else None,
                            decision_no=request.form.get("decision_no", ""), decision_date=_date("decision_date"),
                            effective_date=_date("effective_date"), version=request.form.get("version"),
                            note=request.form.get("note") or None, document=document)
    flash(_("Flag %(status)s; the change is recorded in the record's history.",
            status=label("flag_status", result["status"])), "info")
    return redirect(url_for("review.flag", flag_id=flag_id))


@bp.post("/flags/<int:flag_id>/complete")
@requires("review")
def complete(flag_id: int):
    """The officer names the unit a pending area entry meant (a candidate, or typed)."""
    result = actions.complete(context(), flag_id, bounded(request.form.get("position"), -1, -1, 1000),
                              request.form.get("unit") or request.form.get("typed", ""))
    flash(_("The area now includes %(unit)s; %(n)d still to complete.", unit=result["unit"]["path"],
            n=result["pending"]), "info")
    return redirect(url_for("review.flag", flag_id=flag_id))


@bp.post("/flags/<int:flag_id>/dismiss")
@requires("review")
def dismiss(flag_id: int):
    actions.dismiss(context(), flag_id, request.form.get("reason", ""), version=request.form.get("version"))
    flash(_("Flag dismissed."), "info")
    return redirect(url_for("review.flag", flag_id=flag_id))


@bp.post("/flags/<int:flag_id>/assign")
@requires("review")
def assign(flag_id: int):
    actions.assign(context(), [flag_id], request.form.get("assignee") or None)
    return redirect(url_for("review.flag", flag_id=flag_id))


@bp.post("/flags/<int:flag_id>/comment")
@requires("comment")
def comment(flag_id: int):
    actions.comment(context(), flag_id, request.form.get("body", ""))
    return redirect(url_for("review.flag", flag_id=flag_id) + "#comments")


def _docx(data: bytes) -> Response:
    return Response(data, mimetype=DOCX,
                    headers={"Content-Disposition": "attachment; filename=ipreg-draft-requests.docx"})


@bp.get("/records/<internal_id>/draft.docx")
@requires("read_flags")
def record_draft(internal_id: str):
    return _docx(actions.record_letters(context(), internal_id))


@bp.get("/drafts.docx")
@requires("read_flags")
def drafts():
    """One file of draft requests for the selected flags, grouped by record."""
    return _docx(actions.selection_letters(context(), row_ids(request.args.getlist("flag"))))


STAT_TABLES = {"provinces": ["province_code", "records", "open_high", "open_medium", "open_low", "closed"],
               "rules": ["rule", "severity", "open", "accepted", "dismissed", "resolved"],
               "monitoring": ["figure", "description", "records"]}


def _stat_tables(data: dict) -> dict:
    monitoring = [{"figure": m["key"], "description": translate_message(m["label"]), "records": m["records"]}
                  for m in data["monitoring"]]
    rows = {"provinces": data["provinces"], "rules": data["rules"], "monitoring": monitoring}
    return {name: (rows[name], columns) for name, columns in STAT_TABLES.items()}


@bp.get("/stats")
@requires("read_flags")
def stats():
    data = actions.province_statistics(context())
    fmt = request.args.get("format")
    if fmt == "csv":  # one table a file: ?table=provinces (default), rules or monitoring
        name = request.args.get("table") if request.args.get("table") in STAT_TABLES else "provinces"
        rows, columns = _stat_tables(data)[name]
        return Response(to_csv(rows, columns), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename=ipreg-statistics-{name}.csv"})
    if fmt == "xlsx":
        tables = _stat_tables(data)
        rows, columns = tables.pop("provinces")
        body = to_xlsx(rows, columns, sheet="provinces", extra_sheets={
            name: [cols] + [[r[c] for c in cols] for r in table_rows] for name, (table_rows, cols) in tables.items()})
        return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": "attachment; filename=ipreg-statistics.xlsx"})
    names = {u.code: u.name for u in get_gazetteer(db.session).provinces("new")}
    return render_template("review/stats.html", data=data, names=names)


@bp.get("/documents/<sha256>")
@requires("review")
def document(sha256: str):
    path, mimetype = document_path(_documents_dir(), sha256)
    return send_file(path, mimetype=mimetype, as_attachment=True)
