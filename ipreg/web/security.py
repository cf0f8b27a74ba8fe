"""Who may do what: log-in sessions, API tokens, permissions, provincial scope, security headers.

Every route declares its permission with ``@requires``; the route-matrix test reads these declarations, so
no route is left unclassified. Denied requests are written to the audit log.
"""
from __future__ import annotations

import functools
import secrets
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.users import permissions, scope_of
from ..actions.accounts import token_user
from ..actions.admin import record_denial
from ..actions.context import Context
from ..core.errors import N_, IpregError, NotFound
from ..database import begin_write
from ..extensions import csrf, db, login_manager
from ..models import User
from ..registry.visibility import OutOfScope
from .errors import error_response

PUBLIC = "public"  # routes anyone may open (log-in page, static files, health)


def requires(permission: str):
    """Declare and enforce the permission a view needs (``PUBLIC`` for none).

    For a provincial user, a route about one record or flag (``internal_id``, ``kind``/``reg_no`` or
    ``flag_id`` in its URL) is refused here, before anything else runs, when the record is in another
    province.
    """

    def decorate(view):
        view.ipreg_permission = permission

        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if permission != PUBLIC and not can(permission):
                deny()
            _check_object_scope(kwargs)
            return view(*args, **kwargs)

        wrapper.ipreg_permission = permission
        return wrapper

    return decorate


def _check_object_scope(kwargs: dict) -> None:
    scope = current_scope()
    if scope is None:
        return
    from ..models import Flag  # noqa: PLC0415
    from ..registry.records import find_by_internal_id, find_record  # noqa: PLC0415
    from ..registry.visibility import check_visible  # noqa: PLC0415

    reg = None
    if "flag_id" in kwargs:
        flag = db.session.get(Flag, kwargs["flag_id"])
        reg = flag.registration if flag else None
    elif "internal_id" in kwargs:
        reg = find_by_internal_id(db.session, kwargs["internal_id"])
    elif "reg_no" in kwargs and "kind" in kwargs:
        reg = find_record(db.session, kwargs["kind"], kwargs["reg_no"])
    if reg is not None:
        check_visible(db.session, reg, scope)


def as_missing(exc: IpregError) -> IpregError:
    """A refusal of another province's record (or of its flag), worded exactly as for an id that does not exist.

    A 403, or a message naming the record, would tell a provincial user which ids exist elsewhere; the answer
    depends only on the id the user sent. Other errors are returned as they are.
    """
    if not isinstance(exc, OutOfScope):
        return exc
    args = request.view_args or {}
    if "internal_id" in args:
        return NotFound(N_("No record %(id)s"), id=args["internal_id"])
    if "reg_no" in args:
        return NotFound(N_("No %(kind)s record has number %(reg_no)s"), kind=(args.get("kind") or "").upper(),
                        reg_no=args["reg_no"])
    return NotFound(N_("No such flag."))  # a flag's id in the URL, a form or a query string


def current() -> User | None:
    user = getattr(g, "api_user", None) or current_user
    return user if getattr(user, "is_authenticated", False) else None


def can(permission: str) -> bool:
    return permission in permissions(current(), current_app.config["IPREG_PUBLIC_READ"])


def context() -> Context:
    """The acting user of this request, for the actions layer (``ipreg.actions``)."""
    return Context(db.session, current(), public_read=current_app.config["IPREG_PUBLIC_READ"])


def current_scope() -> list[str] | None:
    return scope_of(current())


def actor_name() -> str | None:
    user = current()
    return user.username if user else None


def deny(status: int | None = None, message: str | None = None):
    """Refuse the request (401 for anonymous, 403 otherwise) and write it to the audit log.

    ``message`` says what to do about it (log in, create a token, change the password) in the reader's
    language; without one, the status's own message is shown.
    """
    user = current()
    code = status or (403 if user else 401)
    record_denial(context(), request.path, request.remote_addr, method=request.method, status=code)
    if code == 401 and not request.path.startswith("/api/") and request.method == "GET":
        abort(redirect(url_for("auth.login", next=request.full_path)))
    if message is None and code == 401 and request.path.startswith("/api/"):
        message = _("Send an API token as “Authorization: Bearer TOKEN” (create one under API tokens in your "
                    "account), or log in.")
    if message is None:
        abort(code)
    abort(error_response(code, message))


def _load_user(session_id: str) -> User | None:
    try:
        user_id, epoch = (int(part) for part in session_id.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.auth_epoch != epoch:
        return None  # disabled, or logged out everywhere by a password change
    return user


def _token_user() -> None:
    """API requests may authenticate with ``Authorization: Bearer <token>`` instead of the session."""
    header = request.headers.get("Authorization", "")
    if request.path.startswith("/api/") and header.startswith("Bearer "):
        user = token_user(context(), header[7:].strip())
        if user is None:  # refused and audited
            deny(401, _("This API token is unknown, expired or revoked. Create a new one under API tokens in "
                        "your account."))
        g.api_user = user


def _api_writes_need_a_token() -> None:
    """The JSON API accepts writes only with a token: a browser session cannot be ridden (CSRF)."""
    if request.path.startswith("/api/") and request.method not in ("GET", "HEAD", "OPTIONS") \
            and getattr(g, "api_user", None) is None:
        deny(401, _("Changes through the API need an API token, sent as “Authorization: Bearer TOKEN”; "
                    "a browser session is not enough."))


def _json_body_parses() -> None:
    """A JSON body nested thousands deep exhausts the parser's recursion: refused here as a 400.

    Parsed once more than needed, but before any view or schema library meets it (they catch only
    ``ValueError``, and a ``RecursionError`` would be a 500).
    """
    if request.is_json and request.content_length:
        try:
            request.get_json(silent=True)
        except RecursionError:
            abort(error_response(400, _("The JSON body is nested too deeply.")))


PASSWORD_FIRST_ENDPOINTS = {"auth.password", "auth.logout", "auth.language", "static"}


def _password_first() -> None:
    """A user still on a one-time password (printed by `ipreg init` or `users create`) changes it first."""
    if getattr(g, "api_user", None) is None and current_user.is_authenticated \
            and current_user.must_change_password and request.endpoint not in PASSWORD_FIRST_ENDPOINTS:
        if request.method == "GET":
            abort(redirect(url_for("auth.password")))
        deny(403, _("Change your one-time password first."))


def _tile_origin() -> str:
    """The optional base map's origin (IPREG_TILE_URL), from which map pages load tile images."""
    url = current_app.config.get("IPREG_TILE_URL")
    if not url:
        return ""
    parts = urlsplit(url.replace("{s}", "*"))  # Leaflet's {s} subdomains: a wildcard host
    return f" {parts.scheme}://{parts.netloc}"


def _headers(response):
    nonce = getattr(g, "csp_nonce", "")
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self' 'unsafe-inline'; "  # Leaflet positions tiles and popups with inline styles
        f"img-src 'self' data: blob:{_tile_origin()}; connect-src 'self'; font-src 'self' data:; object-src 'none'; "
        "base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "geolocation=(), camera=(), microphone=()"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.path.startswith("/api/") or request.endpoint not in (None, "static"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_security(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_user)
    csrf.init_app(app)

    @app.before_request
    def _start():
        g.csp_nonce = secrets.token_urlsafe(16)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            begin_write(db.session)  # SQLite: a writing request takes the write lock first (no "locked")
        _token_user()
        _api_writes_need_a_token()
        _json_body_parses()
        _password_first()

    app.after_request(_headers)
    app.jinja_env.globals.update(can=can, csp_nonce=lambda: g.get("csp_nonce", ""), current_scope=current_scope)


def exempt_api_from_csrf(blueprint) -> None:
    """API writes authenticate with a token (checked above), not a cookie, so CSRF tokens do not apply."""
    csrf.exempt(blueprint)
