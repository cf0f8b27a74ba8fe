"""The review workflow: the queue of open flags, the flag page and its actions, drafts and statistics."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..core.documents import document_path, store_document
from ..core.errors import N_, IpregError
from ..core.exports import to_csv, to_xlsx
from ..extensions import db
from ..gazetteer.snapshot import get_gazetteer
from ..models import Flag, FlagComment, User
from ..models.registry import PARTY_KINDS
from ..reform.completion import complete_area_unit
from ..reform.letters import draft_requests
from ..reform.queries import FlagQuery, list_flags, valid_rule
from ..reform.review import accept_flag, assign_flag, comment_flag, dismiss_flag, successor_options
from ..reform.stats import statistics
from ..reform.views import find_flag, payloads
from ..registry.cells import parse_date
from ..registry.records import describe_area, entries_of, find_by_internal_id, pending_list
from ..registry.visibility import check_visible
from .errors import translate_message
from .i18n import label
from .jobs import redirect_to, start_job
from .params import MAX_PAGE, bounded, row_id, row_ids
from .security import actor_name, can, current_scope, requires

bp = Blueprint("review", __name__, url_prefix="/review")
PAGE = 50


def _flag(flag_id: int) -> Flag:
    return find_flag(db.session, flag_id, current_scope())


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
    flags, total = list_flags(db.session, query)
    users = db.session.scalars(select(User).where(User.active.is_(True), User.role != "provincial_staff")
                               .order_by(User.username)).all()
    from ..reform.rules import RULES  # noqa: PLC0415

    return render_template("review/queue.html", flags=flags, words=payloads(db.session, flags), total=total,
                           query=query, rules=sorted(RULES),
                           users=users, party_kinds=PARTY_KINDS, page=query.offset // PAGE + 1,
                           pages=max(1, -(-total // PAGE)))


@bp.post("/run")
@requires("review")
def run():
    """Evaluate the rules now (as a background job) and watch it run."""
    return redirect_to(start_job("flags_run", {"full": bool(request.form.get("full"))}))


@bp.post("/bulk")
@requires("review")
def bulk():
    ids = row_ids(request.form.getlist("flag"))
    flags = [_flag(i) for i in ids]
    action = request.form.get("action")
    if not flags:
        raise IpregError(N_("Select at least one flag."))
    if action == "assign":
        username = request.form.get("assignee") or ""
        user = db.session.scalar(select(User).where(User.username == username)) if username else None
        for flag in flags:
            assign_flag(db.session, flag, user, actor_name())
    elif action == "dismiss":
        for flag in flags:
            dismiss_flag(db.session, flag, request.form.get("reason", ""), actor_name())
    else:
        raise IpregError(N_("Unknown action."))
    db.session.commit()
    flash(_("%(n)d flags updated.", n=len(flags)), "info")
    return redirect(request.referrer or url_for("review.queue"))


@bp.get("/flags/<int:flag_id>")
@requires("read_flags")
def flag(flag_id: int):
    item = _flag(flag_id)
    gaz = get_gazetteer(db.session)
    entries = entries_of(gaz, item.registration)
    area = describe_area(gaz, entries, item.registration.area_vintage) if entries else None
    comments = db.session.scalars(select(FlagComment).where(FlagComment.flag_id == flag_id)
                                  .order_by(FlagComment.id)).all()
    users = db.session.scalars(select(User).where(User.active.is_(True), User.role != "provincial_staff")
                               .order_by(User.username)).all()
    words = payloads(db.session, [item])[item.id]
    return render_template("review/flag.html", flag=item, words=words, reg=item.registration, area=area,
                           pending=pending_list(item.registration.pending),
                           comments=comments, options=successor_options(words), users=users, today=date.today(),
                           can_review=can("review"), can_comment=can("comment"), party_kinds=PARTY_KINDS)


@bp.post("/flags/<int:flag_id>/accept")
@requires("review")
def accept(flag_id: int):
    item = _flag(flag_id)
    options = successor_options(payloads(db.session, [item])[item.id])
    choice = None
    picked = request.form.get("choice", "")
    if (position := row_id(picked)) is not None and position <= len(options):
        choice = options[position - 1]  # the form numbers the options from 1
    elif picked == "other":
        choice = {"party": {"name": request.form.get("other_name", ""), "kind": request.form.get("other_kind", "")},
                  "unit": {"code": request.form.get("other_unit", "").strip()}}
    document = None
    upload = request.files.get("document")
    if upload is not None and upload.filename:
        document = store_document(_documents_dir(), upload.read(), upload.filename)
    result = accept_flag(db.session, get_gazetteer(db.session), item, choice=choice,
                         decision_no=request.form.get("decision_no", ""), decision_date=_date("decision_date"),
                         effective_date=_date("effective_date"), actor=actor_name(), document=document,
                         expected_version=request.form.get("version"), note=request.form.get("note") or None)
    db.session.commit()
    flash(_("Flag %(status)s; the change is recorded in the record's history.",
            status=label("flag_status", result["status"])), "info")
    return redirect(url_for("review.flag", flag_id=flag_id))


@bp.post("/flags/<int:flag_id>/complete")
@requires("review")
def complete(flag_id: int):
    """The officer names the unit a pending area entry meant (a candidate, or typed)."""
    item = _flag(flag_id)
    position = bounded(request.form.get("position"), -1, -1, 1000)
    result = complete_area_unit(db.session, item.registration, position,
                                request.form.get("unit") or request.form.get("typed", ""), actor_name())
    db.session.commit()
    flash(_("The area now includes %(unit)s; %(n)d still to complete.", unit=result["unit"]["path"],
            n=result["pending"]), "info")
    return redirect(url_for("review.flag", flag_id=flag_id))


@bp.post("/flags/<int:flag_id>/dismiss")
@requires("review")
def dismiss(flag_id: int):
    dismiss_flag(db.session, _flag(flag_id), request.form.get("reason", ""), actor_name(),
                 expected_version=request.form.get("version"))
    db.session.commit()
    flash(_("Flag dismissed."), "info")
    return redirect(url_for("review.flag", flag_id=flag_id))


@bp.post("/flags/<int:flag_id>/assign")
@requires("review")
def assign(flag_id: int):
    username = request.form.get("assignee") or ""
    user = db.session.scalar(select(User).where(User.username == username)) if username else None
    if username and user is None:
        raise IpregError(N_("No user %(name)s."), name=username)
    assign_flag(db.session, _flag(flag_id), user, actor_name())
    db.session.commit()
    return redirect(url_for("review.flag", flag_id=flag_id))


@bp.post("/flags/<int:flag_id>/comment")
@requires("comment")
def comment(flag_id: int):
    comment_flag(db.session, _flag(flag_id), request.form.get("body", ""), actor_name())
    db.session.commit()
    return redirect(url_for("review.flag", flag_id=flag_id) + "#comments")


def _draft_response(items) -> Response:
    data = draft_requests(db.session, get_gazetteer(db.session), items)
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    headers={"Content-Disposition": "attachment; filename=ipreg-draft-requests.docx"})


@bp.get("/records/<internal_id>/draft.docx")
@requires("read_flags")
def record_draft(internal_id: str):
    reg = find_by_internal_id(db.session, internal_id)
    check_visible(db.session, reg, current_scope())
    flags = db.session.scalars(select(Flag).where(Flag.registration_id == reg.id, Flag.status != "dismissed")
                               .order_by(Flag.id)).all()
    return _draft_response([(reg, [f for f in flags if f.rule != "AREA_PARTIAL_UNITS"])])


@bp.get("/drafts.docx")
@requires("read_flags")
def drafts():
    """One file of draft requests for the selected flags, grouped by record."""
    ids = row_ids(request.args.getlist("flag"))[:500]
    if not ids:
        raise IpregError(N_("Select at least one flag."))
    grouped: dict[int, tuple] = {}
    for flag_id in ids:
        item = _flag(flag_id)
        grouped.setdefault(item.registration_id, (item.registration, []))[1].append(item)
    return _draft_response(list(grouped.values()))


@bp.get("/stats")
@requires("read_flags")
def stats():
    data = statistics(db.session, current_scope())
    fmt = request.args.get("format")
    if fmt in ("csv", "xlsx"):
        tables = {
            "provinces": (data["provinces"], ["province_code", "records", "open_high", "open_medium", "open_low",
                                              "closed"]),
            "rules": (data["rules"], ["rule", "severity", "open", "accepted", "dismissed", "resolved"]),
            "monitoring": ([{"figure": m["key"], "description": translate_message(m["label"]),
                             "records": m["records"]} for m in data["monitoring"]], ["figure", "description", "records"]),
        }
        if fmt == "csv":  # one table a file: ?table=provinces (default), rules or monitoring
            rows, columns = tables.get(request.args.get("table", "provinces"), tables["provinces"])
            name = request.args.get("table") if request.args.get("table") in tables else "provinces"
            return Response(to_csv(rows, columns), mimetype="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f"attachment; filename=ipreg-statistics-{name}.csv"})
        rows, columns = tables["provinces"]
        body = to_xlsx(rows, columns, sheet="provinces", extra_sheets={
            name: [cols] + [[r[c] for c in cols] for r in table_rows]
            for name, (table_rows, cols) in tables.items() if name != "provinces"})
        return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": "attachment; filename=ipreg-statistics.xlsx"})
    gaz = get_gazetteer(db.session)
    names = {u.code: u.name for u in gaz.units.values() if u.vintage == "new" and u.level == "province"}
    return render_template("review/stats.html", data=data, names=names)


@bp.get("/documents/<sha256>")
@requires("review")
def document(sha256: str):
    path, mimetype = document_path(_documents_dir(), sha256)
    return send_file(path, mimetype=mimetype, as_attachment=True)
