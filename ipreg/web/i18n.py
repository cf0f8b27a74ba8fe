"""Interface language: Vietnamese by default, English per user or with ``?lang=``."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask, g, request, session, url_for
from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l

from ..extensions import babel

LANGUAGES = ("vi", "en")

LEVEL_LABELS = {"province": _l("province"), "district": _l("district"), "commune": _l("commune")}
LINK_LABELS = {"whole": _l("merged whole"), "part": _l("part"), "unchanged": _l("unchanged"),
               "renamed": _l("renamed")}


def select_locale() -> str:
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
        return lang
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    user = getattr(g, "_login_user", None)
    if user is not None and getattr(user, "lang", None) in LANGUAGES:
        return user.lang
    return "vi"


def vndate(value) -> str:
    """dd/mm/yyyy, as dates are written in Vietnam (both languages keep it unambiguous)."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return format_date(value, "dd/MM/yyyy")


def lang_url(code: str) -> str:
    args = dict(request.view_args or {})
    args.update(request.args.to_dict())
    args["lang"] = code
    return url_for(request.endpoint or "main.index", **args)


def init_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["vndate"] = vndate
    app.jinja_env.globals.update(
        current_locale=lambda: str(get_locale() or "vi"),
        lang_url=lang_url,
        level_label=lambda level: str(LEVEL_LABELS.get(level, level)),
        link_label=lambda kind: str(LINK_LABELS.get(kind, kind)),
    )
