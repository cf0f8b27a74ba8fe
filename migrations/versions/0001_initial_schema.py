"""Initial schema: gazetteer, registry, flags, batches, jobs, users, audit log.

On PostgreSQL the PostGIS extension is enabled, geometry columns are real ``geometry(Geometry,4326)``
with GiST indexes; on SQLite they are WKB blobs. The audit log is append-only on both (triggers).

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 15:03:18.175918

"""
import sqlalchemy as sa
from alembic import op

from ipreg.models.types import Geometry


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table('admin_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('vintage', sa.String(length=3), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('short_name', sa.String(length=140), nullable=False),
    sa.Column('name_folded', sa.String(length=160), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('legal_basis', sa.Text(), nullable=True),
    sa.Column('area_km2', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('geom', Geometry(), nullable=True),
    sa.Column('minx', sa.Float(), nullable=True),
    sa.Column('miny', sa.Float(), nullable=True),
    sa.Column('maxx', sa.Float(), nullable=True),
    sa.Column('maxy', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['admin_unit.id'], name=op.f('fk_admin_unit_parent_id_admin_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_unit')),
    sa.UniqueConstraint('code', 'vintage', name=op.f('uq_admin_unit_code_vintage'))
    )
    with op.batch_alter_table('admin_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_unit_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_unit_name_folded'), ['name_folded'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_unit_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_unit_province_code'), ['province_code'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('object_type', sa.String(length=30), nullable=True),
    sa.Column('object_id', sa.String(length=80), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('document', sa.Text(), nullable=True),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('remote_addr', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)

    op.create_table('batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_hash', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('plan', sa.JSON(), nullable=False),
    sa.Column('changed', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('applied_by', sa.String(length=80), nullable=True),
    sa.Column('applied_at', sa.DateTime(), nullable=True),
    sa.Column('rolled_back_by', sa.String(length=80), nullable=True),
    sa.Column('rolled_back_at', sa.DateTime(), nullable=True),
    sa.Column('rollback_reason', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batch'))
    )
    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_batch_file_hash'), ['file_hash'], unique=False)

    op.create_table('gazetteer_load',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('loaded_at', sa.DateTime(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gazetteer_load'))
    )
    op.create_table('job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job'))
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_status'), ['status'], unique=False)

    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('provinces', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('lang', sa.String(length=5), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('auth_epoch', sa.Integer(), nullable=False),
    sa.Column('must_change_password', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('username', name=op.f('uq_user_account_username'))
    )
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_api_token_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('party',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=400), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('name_folded', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['admin_unit.id'], name=op.f('fk_party_unit_id_admin_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party')),
    sa.UniqueConstraint('key', name=op.f('uq_party_key'))
    )
    with op.batch_alter_table('party', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_name_folded'), ['name_folded'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_unit_id'), ['unit_id'], unique=False)

    op.create_table('succession',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('old_id', sa.Integer(), nullable=False),
    sa.Column('new_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=True),
    sa.Column('share', sa.Float(), nullable=True),
    sa.Column('share_of_new', sa.Float(), nullable=True),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['new_id'], ['admin_unit.id'], name=op.f('fk_succession_new_id_admin_unit')),
    sa.ForeignKeyConstraint(['old_id'], ['admin_unit.id'], name=op.f('fk_succession_old_id_admin_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_succession')),
    sa.UniqueConstraint('old_id', 'new_id', 'source', name=op.f('uq_succession_old_id_new_id_source'))
    )
    with op.batch_alter_table('succession', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_succession_new_id'), ['new_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_succession_old_id'), ['old_id'], unique=False)

    op.create_table('registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=14), nullable=False),
    sa.Column('reg_no', sa.String(length=60), nullable=True),
    sa.Column('internal_id', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('product', sa.String(length=300), nullable=True),
    sa.Column('nice_classes', sa.String(length=100), nullable=True),
    sa.Column('filing_date', sa.Date(), nullable=True),
    sa.Column('granted_on', sa.Date(), nullable=True),
    sa.Column('expiry_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('decision_no', sa.String(length=120), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.Column('area_vintage', sa.Date(), nullable=True),
    sa.Column('area_polygon', Geometry(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['holder_id'], ['party.id'], name=op.f('fk_registration_holder_id_party')),
    sa.ForeignKeyConstraint(['manager_id'], ['party.id'], name=op.f('fk_registration_manager_id_party')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration')),
    sa.UniqueConstraint('internal_id', name=op.f('uq_registration_internal_id')),
    sa.UniqueConstraint('kind', 'reg_no', name=op.f('uq_registration_kind_reg_no'))
    )
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_holder_id'), ['holder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_manager_id'), ['manager_id'], unique=False)

    op.create_table('area_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('coverage', sa.String(length=5), nullable=False),
    sa.Column('via', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_area_entry_registration_id_registration')),
    sa.ForeignKeyConstraint(['unit_id'], ['admin_unit.id'], name=op.f('fk_area_entry_unit_id_admin_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_area_entry'))
    )
    with op.batch_alter_table('area_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_area_entry_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_area_entry_unit_id'), ['unit_id'], unique=False)

    op.create_table('flag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=10), nullable=False),
    sa.Column('severity', sa.String(length=6), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason_vi', sa.Text(), nullable=True),
    sa.Column('reason_en', sa.Text(), nullable=True),
    sa.Column('suggested', sa.JSON(), nullable=True),
    sa.Column('candidates', sa.JSON(), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_reason', sa.Text(), nullable=True),
    sa.Column('decision', sa.JSON(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['user_account.id'], name=op.f('fk_flag_assignee_id_user_account')),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_flag_registration_id_registration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flag')),
    sa.UniqueConstraint('registration_id', 'rule', 'subject', name=op.f('uq_flag_registration_id_rule_subject'))
    )

    op.create_table('record_province',
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('vintage', sa.String(length=3), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_record_province_registration_id_registration')),
    sa.PrimaryKeyConstraint('registration_id', 'vintage', 'province_code', name=op.f('pk_record_province'))
    )
    with op.batch_alter_table('record_province', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_province_province_code'), ['province_code'], unique=False)

    op.create_table('flag_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('flag_id', sa.Integer(), nullable=False),
    sa.Column('author', sa.String(length=80), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['flag_id'], ['flag.id'], name=op.f('fk_flag_comment_flag_id_flag')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flag_comment'))
    )
    with op.batch_alter_table('flag_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flag_comment_flag_id'), ['flag_id'], unique=False)

    op.create_table('record_fact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('retracted_at', sa.DateTime(), nullable=True),
    sa.Column('decision_no', sa.String(length=120), nullable=True),
    sa.Column('decision_date', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=30), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('flag_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=80), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['batch.id'], name=op.f('fk_record_fact_batch_id_batch')),
    sa.ForeignKeyConstraint(['flag_id'], ['flag.id'], name=op.f('fk_record_fact_flag_id_flag')),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_record_fact_registration_id_registration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_fact'))
    )
    with op.batch_alter_table('record_fact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_fact_registration_id'), ['registration_id'], unique=False)

    op.create_table('flag_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=False),
    sa.Column('rules_version', sa.String(length=20), nullable=False),
    sa.Column('gazetteer_version', sa.Integer(), nullable=False),
    sa.Column('full', sa.Boolean(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=True),
    sa.Column('actor', sa.String(length=80), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flag_run'))
    )
    op.create_index(op.f('ix_registration_updated_at'), 'registration', ['updated_at'], unique=False)
    op.create_index("ix_batch_applied_hash", "batch", ["file_hash"], unique=True,
                    sqlite_where=sa.text("applied_at IS NOT NULL"),
                    postgresql_where=sa.text("applied_at IS NOT NULL"))
    if postgres:
        op.execute("CREATE INDEX ix_admin_unit_geom ON admin_unit USING GIST (geom)")
        op.execute("CREATE INDEX ix_registration_area_polygon ON registration USING GIST (area_polygon)")
        op.execute("""
            CREATE FUNCTION ipreg_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
        """)
        op.execute("""CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
                      FOR EACH ROW EXECUTE FUNCTION ipreg_audit_append_only()""")
    else:
        op.execute("""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""")
        op.execute("""CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""")
    # ### end Alembic commands ###


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    op.drop_index("ix_batch_applied_hash", table_name="batch")
    op.drop_index(op.f('ix_registration_updated_at'), table_name='registration')
    op.drop_table('flag_run')
    if postgres:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS ipreg_audit_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    with op.batch_alter_table('record_fact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_fact_registration_id'))

    op.drop_table('record_fact')
    with op.batch_alter_table('flag_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flag_comment_flag_id'))

    op.drop_table('flag_comment')
    with op.batch_alter_table('record_province', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_province_province_code'))

    op.drop_table('record_province')

    op.drop_table('flag')
    with op.batch_alter_table('area_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_area_entry_unit_id'))
        batch_op.drop_index(batch_op.f('ix_area_entry_registration_id'))

    op.drop_table('area_entry')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_manager_id'))
        batch_op.drop_index(batch_op.f('ix_registration_holder_id'))

    op.drop_table('registration')
    with op.batch_alter_table('succession', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_succession_old_id'))
        batch_op.drop_index(batch_op.f('ix_succession_new_id'))

    op.drop_table('succession')
    with op.batch_alter_table('party', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_unit_id'))
        batch_op.drop_index(batch_op.f('ix_party_name_folded'))

    op.drop_table('party')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    op.drop_table('user_account')
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_status'))

    op.drop_table('job')
    op.drop_table('gazetteer_load')
    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_batch_file_hash'))

    op.drop_table('batch')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))

    op.drop_table('audit_log')
    with op.batch_alter_table('admin_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admin_unit_province_code'))
        batch_op.drop_index(batch_op.f('ix_admin_unit_parent_id'))
        batch_op.drop_index(batch_op.f('ix_admin_unit_name_folded'))
        batch_op.drop_index(batch_op.f('ix_admin_unit_code'))

    op.drop_table('admin_unit')
    # ### end Alembic commands ###
