"""A file may be applied again after its batch was rolled back: one *standing* application per file.

The unique index on a batch's file hash held for every batch ever applied (``applied_at IS NOT NULL``), rolled
back or not, so a file whose batch was rolled back could never be applied again (issue 15). It now holds for
the batches that stand applied (``status = 'applied'``): a rolled-back file is applied again as a new batch,
never twice at once.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

STANDING = sa.text("status = 'applied'")
EVER_APPLIED = sa.text("applied_at IS NOT NULL")


def upgrade():
    op.drop_index("ix_batch_applied_hash", table_name="batch")
    op.create_index("ix_batch_applied_hash", "batch", ["file_hash"], unique=True, sqlite_where=STANDING,
                    postgresql_where=STANDING)


def downgrade():
    # Refused by the database when a file was applied again after a rollback (two batches of one hash).
    op.drop_index("ix_batch_applied_hash", table_name="batch")
    op.create_index("ix_batch_applied_hash", "batch", ["file_hash"], unique=True, sqlite_where=EVER_APPLIED,
                    postgresql_where=EVER_APPLIED)
