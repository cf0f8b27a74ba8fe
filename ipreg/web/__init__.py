"""Web adapters: thin blueprints over the domain layer."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

NAV = (
    ("records.search", _l("Registry"), "read"),
    ("review.queue", _l("Review"), "read_flags"),
    ("review.stats", _l("Statistics"), "read_flags"),
    ("units.search", _l("Units"), "read"),
    ("maps.overview", _l("Maps"), "read"),
    ("jobs.index", _l("Jobs"), "jobs"),
    ("admin.index", _l("Administration"), "batch"),  # batches, import, gazetteer, users, audit log
)


def register_web(app: Flask) -> None:
    from . import admin, auth, errors, i18n, jobs, main, maps, records, review, security, units
    from .api import init_api, install_converters

    install_converters(app)
    i18n.init_i18n(app)
    security.init_security(app)
    init_api(app)
    errors.register(app)  # after the API, so that its handlers answer every error in one format
    for module in (main, auth, units, records, review, admin, jobs, maps):
        app.register_blueprint(module.bp)
    app.jinja_env.globals["nav_items"] = lambda: [(e, str(label)) for e, label, perm in NAV if security.can(perm)]
