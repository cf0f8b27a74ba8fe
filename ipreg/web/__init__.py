"""Web adapters: thin blueprints over the domain layer."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

NAV = (
    ("units.search", _l("Units")),
)


def register_web(app: Flask) -> None:
    from . import errors, i18n, main, units
    from .api import init_api

    i18n.init_i18n(app)
    init_api(app)
    errors.register(app)  # after the API, so that its handlers answer every error in one format
    app.register_blueprint(main.bp)
    app.register_blueprint(units.bp)
    app.jinja_env.globals["nav_items"] = lambda: [(e, str(label)) for e, label in NAV]
