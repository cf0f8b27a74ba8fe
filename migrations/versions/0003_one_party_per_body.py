"""One party per People's Committee, Department of Science and Technology and the State.

Parties of these kinds were keyed by name too, so "UBND huyện Lục Ngạn" and "Ủy ban nhân dân huyện Lục Ngạn"
of the same unit were two parties. They are keyed by kind and unit now (``ipreg.registry.parties.party_key``):
this migration re-keys them and merges the duplicates into the oldest (records point to it; the history's
snapshots keep the names as they were written). A data migration: the schema does not change.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ONE_PER_UNIT = ("province_pc", "dost", "district_pc", "commune_pc", "state")


def upgrade():
    conn = op.get_bind()
    party = sa.table("party", sa.column("id", sa.Integer), sa.column("key", sa.String),
                     sa.column("kind", sa.String), sa.column("unit_id", sa.Integer))
    registration = sa.table("registration", sa.column("holder_id", sa.Integer), sa.column("manager_id", sa.Integer))
    rows = conn.execute(sa.select(party.c.id, party.c.kind, party.c.unit_id)
                        .where(party.c.kind.in_(ONE_PER_UNIT)).order_by(party.c.id)).all()
    survivors: dict[str, int] = {}
    for party_id, kind, unit_id in rows:
        key = f"{kind}||{unit_id or ''}"
        if key not in survivors:
            survivors[key] = party_id
            continue
        keep = survivors[key]
        for column in ("holder_id", "manager_id"):
            conn.execute(sa.update(registration).where(registration.c[column] == party_id).values({column: keep}))
        conn.execute(sa.delete(party).where(party.c.id == party_id))
    for key, party_id in survivors.items():
        conn.execute(sa.update(party).where(party.c.id == party_id).values(key=key))


def downgrade():
    pass  # merged parties stay merged; the old keys are rebuilt by nothing that needs them
