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
from ..core.text import vi_sort_key
from ..models.registry import PARTY_KINDS
from ..reform.queries import FlagQuery, valid_rule
from ..reform.rules import RULES
from ..registry.cells import parse_date
from .errors import translate_error, translate_message
from .i18n import label, province_labels
from .jobs import redirect_to, start_job
from .params import MAX_PAGE, bounded, row_id, row_ids
from .security import context, current_scope, requires

bp = Blueprint("review", __name__, url_prefix="/review")
PAGE = 50  # records a page: 2,000 flags of a province stay one readable page at a time
SEVERITIES = ("high", "medium", "low")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _date(name: str) -> date | None:
    """A date field of the decision form, written 2025-06-30 or 30/06/2025 (else a 400)."""
    return parse_date(request.form.get(name))


def _documents_dir() -> Path:
    return Path(current_app.instance_path) / "documents"


def _province(args) -> tuple[str | None, str]:
    """The province filter: "new:80" or "old:80" from the select (or, as links written before it,
    ``province=80&province_vintage=old``); a code is two digits."""
    vintage, sep, code = (args.get("province") or "").partition(":")
    if not sep:
        code, vintage = vintage, args.get("province_vintage", "new")
    code = code.strip()[:2]
    return (code if code.isascii() and code.isdigit() else None), (vintage if vintage in ("old", "new") else "new")


def _query() -> FlagQuery:
    args = request.args
    rule = args.get("rule") or None
    page = bounded(args.get("page"), 1, 1, MAX_PAGE)
    status = args.get("status", "open")
    province, vintage = _province(args)
    return FlagQuery(status=status if status in ("open", "accepted", "dismissed", "resolved") else None,
                     rule=rule if valid_rule(rule) else None,
                     severity=args.get("severity") if args.get("severity") in ("high", "medium", "low") else None,
                     province=province, province_vintage=vintage,
                     holder_kind=args.get("holder_kind") if args.get("holder_kind") in PARTY_KINDS else None,
                     assignee=(args.get("assignee") or "")[:80] or None, scope=current_scope(), limit=PAGE,
                     offset=(page - 1) * PAGE)


@bp.get("/")
@requires("read_flags")
def queue():
    """One line per record (records with a high flag first), 50 records a page, filters and counts above."""
    query = _query()
    data = actions.queue_page(context(), query)
    return render_template("review/queue.html", **data, query=query, rules=_rules_by_severity(),
                           severities=SEVERITIES, party_kinds=PARTY_KINDS, acknowledged=actions.ACKNOWLEDGED,
                           province_names=province_labels(),
                           page=query.offset // PAGE + 1, pages=max(1, -(-data["total"] // PAGE)))


def _rules_by_severity() -> dict[str, list[str]]:
    """The rules of each severity in the Vietnamese order of their names in the interface language."""
    return {s: sorted((r for r, sev in RULES.items() if sev == s), key=lambda r: vi_sort_key(label("rule", r)))
            for s in SEVERITIES}


@bp.post("/run")
@requires("review")
def run():
    """Evaluate the rules now (as a background job) and watch it run."""
    return redirect_to(start_job("flags_run", {"full": bool(request.form.get("full"))}))


BULK = {"assign": lambda ids: actions.assign(context(), ids, request.form.get("assignee") or None),
        "dismiss": lambda ids: actions.dismiss_many(context(), ids, request.form.get("reason", "")),
        "acknowledge": lambda ids: actions.acknowledge_many(context(), ids)}


def _back() -> str:
    """The queue page the form was posted from (its filters and page), never another site."""
    back = request.form.get("back") or ""
    return back if back.startswith("/review/") and not back.startswith("//") else url_for("review.queue")


@bp.post("/bulk")
@requires("review")
def bulk():
    """Assign, dismiss or acknowledge the selected flags, all or none; a refusal returns to the queue with
    its message (the selection is the officer's to correct)."""
    action = BULK.get(request.form.get("action") or "")
    if action is None:
        raise IpregError(N_("Unknown action."))
    try:
        count = action(row_ids(request.form.getlist("flag")))
    except IpregError as exc:
        if exc.status not in (400, 409):  # another province's flag, a missing one: answered as the errors are
            raise
        flash(translate_error(exc), "error")
    else:
        flash(_("%(n)d flags updated.", n=count), "info")
    return redirect(_back())


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


STAT_TABLES = {"provinces": ["province_code", "records", "open_high", "open_medium", "open_low", "accepted",
                             "dismissed", "resolved", "closed"],
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
    return render_template("review/stats.html", data=data)


@bp.get("/documents/<sha256>")
@requires("review")
def document(sha256: str):
    path, mimetype = document_path(_documents_dir(), sha256)
    return send_file(path, mimetype=mimetype, as_attachment=True)
