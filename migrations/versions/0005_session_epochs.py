"""Sessions that end: a per-user session epoch, API tokens with an expiry.

The session epoch is ``user_account.auth_epoch`` (from 0001); log-out now moves it too (no schema change).
API tokens get ``expires_at``: tokens issued before this revision expire 90 days after it is applied, so
that no script in use stops working the day of the upgrade, yet none lives for ever.

Revision ID: 0005
Revises: 0004
"""
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
    expiry = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(days=90)
    op.get_bind().execute(sa.text("UPDATE api_token SET expires_at = :expiry"), {"expiry": expiry})
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.alter_column("expires_at", existing_type=sa.DateTime(), nullable=False)


def downgrade():
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
