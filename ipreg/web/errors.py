"""Errors as 4xx pages for people and JSON for the API; domain errors never become a 500."""
from __future__ import annotations

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ..actions.admin import record_denial
from ..core.errors import IpregError, Message
from ..extensions import db


def translate_message(msgid: str, params: dict | None = None) -> str:
    """A domain msgid in the interface language; params that are ``Message`` are translated too."""
    text = _(msgid) if msgid else msgid
    if not params:
        return text
    return text % {key: translate(value) for key, value in params.items()}


def translate(value):
    """A ``Message`` (a domain text that keeps its msgid) in the interface language; other values as they are."""
    if not isinstance(value, Message):
        return value
    if value.msgid is None:
        return value.sep.join(str(translate(part)) for part in value.parts)
    return translate_message(value.msgid, value.params)


def translate_error(exc: IpregError) -> str:
    """The domain's message in the interface language (its msgid is English)."""
    return translate_message(exc.msgid, exc.params)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, message: str, details=None, headers=None) -> Response:
    """The one shape of every refusal and error: a JSON body under /api/ (or when asked for), else a page."""
    if wants_json():
        body = {"error": message}
        if details is not None:
            body["details"] = details
        response = jsonify(body)
    else:
        response = make_response(render_template("errors/error.html", status=status, message=message,
                                                 details=details))
    response.status_code = status
    response.headers.extend(headers or {})
    return response


def register(app: Flask) -> None:
    @app.errorhandler(IpregError)
    def domain_error(exc: IpregError):
        from .security import as_missing, context  # noqa: PLC0415

        db.session.rollback()
        if exc.status == 403:  # a record of another province: denied, and audited like any denial
            record_denial(context(), request.path, request.remote_addr, reason=exc.message)
            exc = as_missing(exc)
        return error_response(exc.status, translate_error(exc), exc.details)

    @app.errorhandler(StaleDataError)
    def stale(exc: StaleDataError):
        """Two people saved the same record or flag at once: the later one is told, nothing of it is kept."""
        db.session.rollback()
        return error_response(409, _("Someone else changed this at the same moment; nothing was saved. Reload the "
                                     "page and check before trying again."))

    @app.errorhandler(CSRFError)
    def csrf_refused(exc: CSRFError):
        """A form without a valid CSRF token: refused, audited like any denial."""
        from .security import context  # noqa: PLC0415

        record_denial(context(), request.path, request.remote_addr, method=request.method, reason="csrf")
        return error_response(400, _("The form has expired or did not come from this site. Reload the page and "
                                     "try again."))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        """Every HTTP status (404, 405, 413, a 500 from a bug, ...) through ``error_response``.

        The exception's own headers (``Allow`` of a 405, ``Retry-After``, ``WWW-Authenticate``) are kept; its
        English description is replaced by a message in the reader's language.
        """
        code = exc.code or 500
        if code >= 500:
            db.session.rollback()  # whatever the failed request had begun is not kept
        messages = {
            400: _("The request could not be understood."),
            401: _("Please log in."),
            403: _("You do not have access to this page."),
            404: _("Not found."),
            405: _("This method is not allowed here."),
            413: _("The file is larger than the allowed size."),
            422: _("Some parameters are not valid."),
            429: _("Too many attempts; please wait."),
        }
        message = messages.get(code) or (
            _("Something went wrong on our side; nothing was saved. Please try again later.") if code >= 500
            else exc.description)
        details = (getattr(exc, "data", None) or {}).get("messages")  # webargs validation errors
        headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
        return error_response(code, message, details, headers)
