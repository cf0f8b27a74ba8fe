"""Column types that differ between the embedded and the production database.

Geometry is WKB bytes on SQLite (SpatiaLite crashes beside geopandas on this stack, so SQLite needs no
extension) and a real PostGIS ``geometry(Geometry, 4326)`` on PostgreSQL through GeoAlchemy2, where QGIS and
spatial SQL can use it. Python code always sees WKB ``bytes`` either way.
"""
from __future__ import annotations

from geoalchemy2 import Geometry as PostGISGeometry
from geoalchemy2.elements import WKBElement
from sqlalchemy import LargeBinary
from sqlalchemy.types import TypeDecorator


class Geometry(TypeDecorator):
    """Dialect-switching geometry column: WKB blob on SQLite, PostGIS geometry (GeoAlchemy2) on PostgreSQL."""

    impl = LargeBinary
    cache_ok = True
    # Read by GeoAlchemy2's table hooks (DDL comes from the migrations, which create the GiST indexes).
    geometry_type, srid, dimension = "GEOMETRY", 4326, 2
    spatial_index = use_N_D_index = False
    use_typmod = True

    def load_dialect_impl(self, dialect):
        if getattr(dialect, "name", None) == "postgresql":
            # GiST indexes are created by the migration, so GeoAlchemy2 creates none of its own.
            return dialect.type_descriptor(PostGISGeometry(geometry_type="GEOMETRY", srid=4326, spatial_index=False))
        return dialect.type_descriptor(LargeBinary()) if dialect is not None else LargeBinary()

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "postgresql":
            return WKBElement(bytes(value), srid=4326)
        return bytes(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return bytes(value.data) if isinstance(value, WKBElement) else bytes(value)
