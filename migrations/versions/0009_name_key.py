"""Records sort in Vietnamese order on either database: the name's sort key stored beside it.

A collation taught to SQLite in Python compares each pair of names through Python (0.8 s to sort 20,000
records), and PostgreSQL's ICU collation exists only where ICU was built in. A key of digits
(``core.text.vi_sort_string``) sorts alike in every collation, with an index.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

from ipreg.core.text import vi_sort_string

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

registration = sa.table("registration", sa.column("id", sa.Integer), sa.column("name", sa.String),
                        sa.column("name_key", sa.String))


def upgrade():
    # A plain ADD COLUMN: SQLite's batch mode would copy the table, which the QGIS views (0002) refer to.
    op.add_column("registration", sa.Column("name_key", sa.String(length=1000), nullable=True))
    op.create_index("ix_registration_name_key", "registration", ["name_key"])
    bind = op.get_bind()
    rows = bind.execute(sa.select(registration.c.id, registration.c.name)).all()
    if rows:
        bind.execute(registration.update().where(registration.c.id == sa.bindparam("_id"))
                     .values(name_key=sa.bindparam("key")),
                     [{"_id": row.id, "key": vi_sort_string(row.name)} for row in rows])


def downgrade():
    op.drop_index("ix_registration_name_key", table_name="registration")
    op.drop_column("registration", "name_key")
