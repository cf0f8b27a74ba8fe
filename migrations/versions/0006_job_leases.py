"""Jobs that survive their worker: a lease held and renewed by the worker that runs the job.

A job that was running when the migration runs has no lease: the first worker to look treats it as
dead (its lease "expired" when it was never set), which is what such a job is after an upgrade.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("job") as batch_op:
        batch_op.add_column(sa.Column("lease_owner", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("lease_expires_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("written_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("job") as batch_op:
        batch_op.drop_column("written_at")
        batch_op.drop_column("attempts")
        batch_op.drop_column("lease_expires_at")
        batch_op.drop_column("lease_owner")
