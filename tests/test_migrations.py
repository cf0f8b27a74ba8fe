"""The schema comes only from migrations: one head, and the models match what the migrations build."""
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from conftest import ROOT


def test_one_head():
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_models_match_the_migrated_schema(app):
    from ipreg.extensions import db

    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": False})
            diff = compare_metadata(context, db.metadata)
    from ipreg.models.base import object_in_schema

    def reported(item):
        kind, obj = item[0], item[1]
        return object_in_schema(obj, obj.name, kind.split("_", 1)[1], True, None)

    assert [d for d in diff if reported(d)] == []


def test_audit_log_is_append_only(app):
    import pytest
    import sqlalchemy as sa

    from ipreg.extensions import db

    with app.app_context():
        db.session.execute(sa.text("INSERT INTO audit_log (at, action, outcome) VALUES (CURRENT_TIMESTAMP, 'x', 'ok')"))
        db.session.commit()
        for statement in ("UPDATE audit_log SET action = 'y'", "DELETE FROM audit_log"):
            with pytest.raises(sa.exc.DatabaseError, match="append-only"):
                db.session.execute(sa.text(statement))
            db.session.rollback()
        assert db.session.scalar(sa.text("SELECT count(*) FROM audit_log WHERE action = 'x'")) == 1
        assert db.session.scalar(sa.text("SELECT count(*) FROM audit_log WHERE action = 'y'")) == 0
