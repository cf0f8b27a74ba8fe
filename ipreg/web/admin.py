"""Administration: batch re-assignment (template, upload, preview, apply, rollback), users, audit log."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..actions import accounts as account_actions
from ..actions import admin as admin_actions
from ..actions import batches as batch_actions
from ..core.errors import N_, IpregError, NotFound
from ..extensions import db
from ..gazetteer.snapshot import get_gazetteer
from ..models.user import ROLES
from ..tables.reader import sniff
from .errors import translate_error
from .jobs import redirect_to, start_job
from .params import MAX_PAGE, bounded
from .security import can, context, requires
from .uploads import job_options, preview_upload, spreadsheet_upload, stage

bp = Blueprint("admin", __name__, url_prefix="/admin")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _new_provinces() -> list:
    return get_gazetteer(db.session).provinces("new")


ADMIN_PAGES = (
    ("admin.batches", _l("Batch re-assignment"), _l("Change holders and managers of many records from one file: "
                                                    "template, preview, apply, roll back."), "batch"),
    ("admin.import_records", _l("Import"), _l("Add or update records from a registry file."), "import"),
    ("admin.gazetteer", _l("Gazetteer"), _l("The administrative units loaded, and reloading them."), "gazetteer"),
    ("admin.users", _l("Users"), _l("Accounts, roles and provinces."), "manage_users"),
    ("admin.audit_log", _l("Audit log"), _l("Every change and every refused request."), "audit"),
)


@bp.get("/")
@requires("batch")
def index():
    """The administrator's pages, one entry in the menu."""
    pages = [(endpoint, title, text) for endpoint, title, text, permission in ADMIN_PAGES if can(permission)]
    return render_template("admin/index.html", pages=pages)


@bp.get("/batches")
@requires("batch")
def batches():
    return render_template("admin/batches.html", batches=batch_actions.list_batches(context()),
                           provinces=_new_provinces())


@bp.get("/batches/template.<fmt>")
@requires("batch")
def batch_template(fmt: str):
    province = (request.args.get("province") or "")[:2] or None
    data = batch_actions.template_file(context(), fmt, province, prefill=request.args.get("prefill") == "1")
    # mimetype, not content_type: Flask adds "; charset=utf-8" to a text type itself, once
    return Response(data, mimetype=XLSX if fmt == "xlsx" else "text/csv",
                    headers={"Content-Disposition": f"attachment; filename=ipreg-reassign-template.{fmt}"})


@bp.post("/batches")
@requires("batch")
def upload():
    """A re-assignment file: a small one is previewed at once, a large one by a job (never parsed here)."""
    return preview_upload(request.files.get("file"))


@bp.get("/batches/<int:batch_id>")
@requires("batch")
def batch(batch_id: int):
    return render_template("admin/batch.html", **batch_actions.batch_page(context(), batch_id))


def _refused_on_page(batch_id: int, exc: IpregError):
    """A refused apply or rollback (a wrong count, no reason, a batch no longer in that state): the batch's
    page again, with the message above its form, still usable."""
    if isinstance(exc, NotFound):
        raise exc
    return render_template("admin/batch.html", **batch_actions.batch_page(context(), batch_id),
                           refused=translate_error(exc)), exc.status


@bp.post("/batches/<int:batch_id>/apply")
@requires("batch")
def apply(batch_id: int):
    """Checked here (the count typed, the status); applied by the job worker in one transaction."""
    try:
        job = batch_actions.start_apply(context(), batch_id, request.form.get("confirm", ""), **job_options())
    except IpregError as exc:
        return _refused_on_page(batch_id, exc)
    return redirect_to(job)


@bp.post("/batches/<int:batch_id>/rollback")
@requires("rollback")
def rollback(batch_id: int):
    """Checked here (status, reason); rolled back by the job worker in one transaction."""
    try:
        job = batch_actions.start_rollback(context(), batch_id, request.form.get("reason"), **job_options())
    except IpregError as exc:
        return _refused_on_page(batch_id, exc)
    return redirect_to(job)


@bp.route("/import", methods=["GET", "POST"])
@requires("import")
def import_records():
    """Upload a registry file; the import runs as a job (all-or-nothing unless "partial")."""
    if request.method == "GET":
        return render_template("admin/import.html")
    upload = spreadsheet_upload(request.files.get("file"))
    data = upload.read()
    sniff(data, upload.filename)  # refuse a renamed binary or a wrong extension before queueing anything
    cfg = current_app.config
    return redirect_to(start_job("import_records", {
        "path": str(stage(data, upload.filename)), "filename": upload.filename[:255],
        "partial": bool(request.form.get("partial")), "dry_run": bool(request.form.get("dry_run")),
        "strict": bool(request.form.get("strict")), "max_rows": cfg["IPREG_MAX_ROWS"],
        "max_cell_chars": cfg["IPREG_MAX_CELL_CHARS"]}))


@bp.route("/gazetteer", methods=["GET", "POST"])
@requires("gazetteer")
def gazetteer():
    """The gazetteer's loads and counts; reloading (when the sources changed) runs as a job."""
    if request.method == "POST":
        return redirect_to(start_job("gazetteer_load", {"geodata": current_app.config["IPREG_GEODATA"],
                                                        "cache_dir": current_app.config["IPREG_CACHE_DIR"],
                                                        "force": bool(request.form.get("force"))}))
    return render_template("admin/gazetteer.html", **admin_actions.gazetteer_state(context()),
                           geodata=current_app.config["IPREG_GEODATA"])


@bp.route("/users", methods=["GET", "POST"])
@requires("manage_users")
def users():
    password = None
    if request.method == "POST":
        action, form = request.form.get("action"), request.form
        if action == "create":
            _user, password = account_actions.create_user(context(), form.get("username", ""), form.get("role", ""),
                                                          provinces=form.getlist("province"))
        elif action == "disable":
            account_actions.disable_user(context(), form.get("username", ""))
        elif action == "set_role":
            account_actions.set_role(context(), form.get("username", ""), form.get("role", ""),
                                     form.getlist("province"))
        else:
            raise IpregError(N_("Unknown action."))
        flash(_("Saved."), "info")
    return render_template("admin/users.html", users=account_actions.list_users(context()), roles=ROLES,
                           provinces=_new_provinces(), password=password)


@bp.get("/audit")
@requires("audit")
def audit_log():
    page = bounded(request.args.get("page"), 1, 1, MAX_PAGE)
    entries = admin_actions.audit_page(context(), page, request.args.get("action"), request.args.get("outcome"))
    return render_template("admin/audit.html", entries=entries, page=page)

