"""Log-in, log-out, password change and personal API tokens."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from ..actions import accounts as actions
from ..core.clock import utcnow
from ..core.errors import IpregError
from .errors import translate_error
from .i18n import LANGUAGES
from .params import row_id
from .security import PUBLIC, context, current, requires

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only redirect within the app (no open redirect)."""
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
@requires(PUBLIC)
def login():
    if request.method == "POST":
        cfg = current_app.config
        user = actions.log_in(context(), request.form.get("username", ""), request.form.get("password", ""),
                              max_failures=cfg["IPREG_LOGIN_MAX_FAILURES"],
                              lock_seconds=cfg["IPREG_LOGIN_LOCK_SECONDS"], remote_addr=request.remote_addr)
        if user is None:
            flash(_("Wrong user name or password, or the account is locked for a few minutes."), "error")
            return render_template("auth/login.html"), 401
        session.clear()
        session.permanent = True
        login_user(user)
        session["lang"] = user.lang
        if user.must_change_password:
            flash(_("Please choose your own password now."), "info")
            return redirect(url_for("auth.password"))
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html")


@bp.post("/logout")
@requires(PUBLIC)
def logout():
    actions.log_out(context(), request.remote_addr)  # a copy of this session's cookie must not work after this
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.post("/account/language")
@requires(PUBLIC)
def language():
    """Switch the interface language; a logged-in user keeps it as a preference."""
    lang = request.form.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
        actions.set_language(context(), lang)
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/account/password", methods=["GET", "POST"])
@requires("read")
def password():
    user = current()
    if user is None:
        return redirect(url_for("auth.login"))
    if request.method == "POST":
        new = request.form.get("new", "")
        if new != request.form.get("confirm", ""):
            flash(_("The two new passwords differ."), "error")
            return render_template("auth/password.html"), 400
        try:
            actions.change_password(context(), request.form.get("old", ""), new)
        except IpregError as exc:
            flash(translate_error(exc), "error")
            return render_template("auth/password.html"), 400
        login_user(user)  # this session continues with the new epoch; all others end
        flash(_("Password changed. Other sessions of this account have been logged out and its API tokens "
                "revoked."), "info")
        return redirect(url_for("main.index"))
    return render_template("auth/password.html")


@bp.route("/account/tokens", methods=["GET", "POST"])
@requires("read")
def tokens():
    user = current()
    if user is None:
        return redirect(url_for("auth.login"))
    new_token = None
    if request.method == "POST":
        if request.form.get("revoke"):
            actions.revoke_token(context(), row_id(request.form["revoke"]))
            flash(_("Token revoked."), "info")
        else:
            new_token = actions.issue_token(context(), request.form.get("name", "").strip() or "token",
                                            days=current_app.config["IPREG_API_TOKEN_DAYS"])
    return render_template("auth/tokens.html", tokens=actions.my_tokens(context()), new_token=new_token,
                           now=utcnow())
