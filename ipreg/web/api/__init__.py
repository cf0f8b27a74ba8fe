"""The JSON API (``/api/v1``), described by an OpenAPI document at ``/api/openapi.json``."""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api

api = Api()


def init_api(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "ipreg")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api.init_app(app, spec_kwargs={"info": {"description": "Registry of Vietnamese GIs and collective and "
                                                           "certification marks across the 2025 reform."}})
    from ..security import exempt_api_from_csrf
    from . import flags, records, units

    for module in (units, records, flags):
        api.register_blueprint(module.blp)
        exempt_api_from_csrf(module.blp)
