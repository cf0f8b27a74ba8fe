"""Home: a dashboard per role above the unit lookup, the anonymous public's search, and the favicon."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, send_from_directory

from ..actions import dashboard
from .security import PUBLIC, context, current, requires

bp = Blueprint("main", __name__)
# Each role's home: the action that reads its figures, and the template that shows them.
HOMES = {"ip_officer": (dashboard.officer_home, "main/_officer.html"),
         "provincial_staff": (dashboard.staff_home, "main/_staff.html"),
         "admin": (dashboard.admin_home, "main/_admin.html")}
ICON_SECONDS = 7 * 24 * 3600  # browsers ask for /favicon.ico on every page without a cached answer


@bp.app_template_filter("vnnum")
def vnnum(value) -> str:
    """An integer with its thousands separated by dots, as figures are written in Vietnam (1.234.567), in both
    languages (as ``vndate`` keeps dd/mm/yyyy)."""
    return f"{int(value or 0):,}".replace(",", ".")


@bp.get("/")
@requires("read")
def index():
    user = current()
    action, template = HOMES.get(getattr(user, "role", None), (None, None))
    data = action(context()) if action else {}
    return render_template("main/index.html", home=template, data=data, user=user)


@bp.get("/favicon.ico")
@requires(PUBLIC)
def favicon():
    """The icon browsers ask for at the root whatever the page links to; cached for a week."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=ICON_SECONDS)
