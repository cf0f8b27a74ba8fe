"""Declarative base shared by every table; plain SQLAlchemy so domain code never imports Flask."""
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# Objects the database has but the models do not describe: Alembic's own table, PostGIS's reference table,
# and the GiST indexes the initial migration creates on PostgreSQL only.
UNMODELLED = {"alembic_version", "spatial_ref_sys", "ix_admin_unit_geom", "ix_registration_area_polygon"}


def object_in_schema(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic ``include_object`` hook: leave the unmodelled objects alone when comparing or autogenerating."""
    return not (reflected and name in UNMODELLED)
