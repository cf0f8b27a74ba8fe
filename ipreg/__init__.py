"""ipreg: registry of geographical indications and collective/certification marks across Vietnam's 2025
administrative reform. ``create_app`` only wires configuration, extensions, blueprints and commands."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from .config import PROJECT_ROOT, build_config, default_instance_dir, read_or_create_secret


def create_app(config: dict | None = None) -> Flask:
    instance_dir = Path((config or {}).get("INSTANCE_PATH") or default_instance_dir())
    app = Flask(
        __name__,
        instance_path=str(instance_dir),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder="static",
    )
    app.config.update(build_config(instance_dir))
    if config:
        app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = read_or_create_secret(instance_dir)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        instance_dir.mkdir(parents=True, exist_ok=True)

    app.json.sort_keys = False  # keep the documented key order
    app.json.ensure_ascii = False

    from .cli import register_commands
    from .database import check_driver
    from .extensions import db, migrate
    from .web import register_web

    check_driver(app.config["SQLALCHEMY_DATABASE_URI"])  # a PostgreSQL URL without the `postgres` extra
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    from .database import configure_engine

    with app.app_context():
        configure_engine(db.engine)
    register_web(app)
    register_commands(app)
    if app.config["IPREG_PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["IPREG_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app
