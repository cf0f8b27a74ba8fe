"""Column types that differ between the embedded and the production database.

Geometry is WKB bytes on SQLite (SpatiaLite crashes beside geopandas on this stack, so SQLite needs no
extension) and a real PostGIS ``geometry(Geometry, 4326)`` on PostgreSQL, where QGIS and spatial SQL can use
it. Python code always sees WKB ``bytes`` either way.
"""
from __future__ import annotations

from sqlalchemy import LargeBinary, func
from sqlalchemy.types import TypeDecorator, UserDefinedType


class _PostGISGeometry(UserDefinedType):
    """``geometry(Geometry,4326)`` read as WKB and written from WKB."""

    cache_ok = True

    def get_col_spec(self, **kw):
        return "geometry(Geometry,4326)"

    def bind_expression(self, bindvalue):
        return func.ST_SetSRID(func.ST_GeomFromWKB(bindvalue), 4326)

    def column_expression(self, col):
        return func.ST_AsBinary(col)


class Geometry(TypeDecorator):
    """Dialect-switching geometry column: WKB blob on SQLite, PostGIS geometry on PostgreSQL."""

    impl = LargeBinary
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(_PostGISGeometry())
        return dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "postgresql":
            from psycopg import Binary  # noqa: PLC0415 - only on PostgreSQL

            return Binary(bytes(value))
        return bytes(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return bytes(value)
