"""Units as they stood from 2004 to 2025-06-30, and records kept incomplete.

``unit_span`` and ``unit_event`` hold the dated history (loaded by ``ipreg init`` from geodata/history);
a registration may have no holder yet and keeps the place data it could not resolve in ``pending``; joint
managers after the first are ``co_manager_ids``; an area entry keeps the written sub-commune part (``note``).

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# SQLite's batch mode rebuilds ``registration``; a view on it must be dropped first and made again after.
RECORD_POLYGONS_VIEW = """CREATE VIEW layer_record_polygons AS
    SELECT r.id, r.kind, r.reg_no, r.internal_id, r.name, r.product, r.status, r.area_polygon AS geom
    FROM registration r WHERE r.area_polygon IS NOT NULL"""


def upgrade():
    op.create_table(
        "unit_span",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("name_folded", sa.String(length=160), nullable=False),
        sa.Column("parent_code", sa.String(length=8), nullable=True),
        sa.Column("parent_name", sa.String(length=160), nullable=True),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("province_name", sa.String(length=160), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("succ_code", sa.String(length=8), nullable=True),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_span")),
    )
    with op.batch_alter_table("unit_span") as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_span_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_unit_span_name_folded"), ["name_folded"], unique=False)
    op.create_table(
        "unit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("old_name", sa.String(length=160), nullable=True),
        sa.Column("old_parent", sa.String(length=160), nullable=True),
        sa.Column("new_name", sa.String(length=160), nullable=True),
        sa.Column("new_parent", sa.String(length=160), nullable=True),
        sa.Column("province", sa.String(length=160), nullable=True),
        sa.Column("acts", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_event")),
    )
    with op.batch_alter_table("unit_event") as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_event_code"), ["code"], unique=False)
    op.execute("DROP VIEW layer_record_polygons")
    with op.batch_alter_table("registration") as batch_op:
        batch_op.alter_column("holder_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("co_manager_ids", sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(sa.Column("pending", sa.JSON(none_as_null=True), nullable=True))
    op.execute(RECORD_POLYGONS_VIEW)
    with op.batch_alter_table("area_entry") as batch_op:
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("area_entry") as batch_op:
        batch_op.drop_column("note")
    op.execute("DROP VIEW layer_record_polygons")
    with op.batch_alter_table("registration") as batch_op:
        batch_op.drop_column("pending")
        batch_op.drop_column("co_manager_ids")
        batch_op.alter_column("holder_id", existing_type=sa.Integer(), nullable=False)
    op.execute(RECORD_POLYGONS_VIEW)
    op.drop_table("unit_event")
    op.drop_table("unit_span")
