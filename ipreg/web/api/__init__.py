"""The JSON API (``/api/v1``), described by an OpenAPI document at ``/api/openapi.json``."""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api
from werkzeug.routing import IntegerConverter

from ..params import MAX_ROW_ID

api = Api()


class RowId(IntegerConverter):
    """``<int:…>`` in every route: a database id, 1 to 2^31-1 (larger numbers are not found, not an error)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)


def install_converters(app: Flask) -> None:
    """Before any blueprint: ids in URLs stay within the database's integer range."""
    app.url_map.converters["int"] = RowId


def init_api(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "ipreg")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api.register_converter(RowId, lambda c: {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID})
    api.init_app(app, spec_kwargs={"info": {"description": "Registry of Vietnamese GIs and collective and "
                                                           "certification marks across the 2025 reform."}})
    from ..security import exempt_api_from_csrf
    from . import flags, records, units

    for module in (units, records, flags):
        api.register_blueprint(module.blp)
        exempt_api_from_csrf(module.blp)
