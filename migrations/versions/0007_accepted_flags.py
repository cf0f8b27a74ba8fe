"""An officer's accept is "accepted", not "resolved".

Until this revision the review stored an accepted party or area flag as "resolved", the word for a cause that
went away by itself (a flag run) or a batch's change. Such a row is recognisable: an officer's decision number,
no batch, and no reason written by a run. It becomes what it is; the statistics and the pages then need no
second reading of the status.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None
ACKNOWLEDGED = ("AREA_CROSSES_PROVINCES", "AREA_PARTIAL_UNITS")  # always stored "accepted": nothing to change

flag = sa.table("flag", sa.column("id", sa.Integer), sa.column("rule", sa.String), sa.column("status", sa.String),
                sa.column("closed_reason", sa.Text), sa.column("decision", sa.JSON))


def _officer_accepts(bind, status: str) -> list[int]:
    rows = bind.execute(sa.select(flag.c.id, flag.c.rule, flag.c.decision).where(
        flag.c.status == status, flag.c.closed_reason.is_(None))).all()
    return [row.id for row in rows if isinstance(row.decision, dict) and row.decision.get("decision_no")
            and not row.decision.get("batch") and row.rule not in ACKNOWLEDGED]


def upgrade():
    bind = op.get_bind()
    ids = _officer_accepts(bind, "resolved")
    if ids:
        bind.execute(flag.update().where(flag.c.id.in_(ids)).values(status="accepted"))


def downgrade():
    """Back to the old word: the older code knew an officer's accept of a party or area flag as "resolved"."""
    bind = op.get_bind()
    ids = _officer_accepts(bind, "accepted")
    if ids:
        bind.execute(flag.update().where(flag.c.id.in_(ids)).values(status="resolved"))
