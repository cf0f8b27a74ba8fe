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


def test_migration_0003_merges_the_bodies_stored_twice(app):
    """Two spellings of one district committee became two parties before 0003; after it, one party that
    both records point to."""
    import sqlalchemy as sa
    from flask import current_app
    from flask_migrate import downgrade, upgrade

    from ipreg.extensions import db

    with app.app_context():
        directory = current_app.extensions["migrate"].directory
        downgrade(directory=directory, revision="0002")
        unit_id = db.session.scalar(sa.text("SELECT id FROM admin_unit WHERE code = '353' AND vintage = 'old'"))
        for name in ("UBND huyện Lý Nhân", "Ủy ban nhân dân huyện Lý Nhân"):
            db.session.execute(sa.text("INSERT INTO party (key, name, name_folded, kind, unit_id) "
                                       "VALUES (:k, :n, :n, 'district_pc', :u)"),
                               {"k": f"district_pc|{name}|{unit_id}", "n": name, "u": unit_id})
        ids = db.session.scalars(sa.text("SELECT id FROM party ORDER BY id")).all()
        for n, party_id in enumerate(ids):
            db.session.execute(sa.text(
                "INSERT INTO registration (kind, reg_no, internal_id, name, status, holder_id, search_text, "
                "created_at, updated_at, version) VALUES ('CERTIFICATION', :r, :i, 'x', 'registered', :p, 'x', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"), {"r": f"9{n}", "i": f"IPR-99999{n}", "p": party_id})
        db.session.commit()
        upgrade(directory=directory)
        parties = db.session.execute(sa.text("SELECT id, key FROM party")).all()
        holders = set(db.session.scalars(sa.text("SELECT holder_id FROM registration")))
    assert parties == [(ids[0], f"district_pc||{unit_id}")] and holders == {ids[0]}


def test_geometry_columns_indexes_and_qgis_layer_views(app):
    """PostGIS: real geometry(…, 4326) columns with GiST indexes, and one view per layer for QGIS (whose
    geometries PostGIS reads); SQLite: the same views, with WKB."""
    import sqlalchemy as sa

    from ipreg.extensions import db

    with app.app_context():
        views = {"layer_new_communes": 3321, "layer_new_provinces": 34, "layer_old_provinces": 63}
        for view, count in views.items():
            assert db.session.scalar(sa.text(f"SELECT count(*) FROM {view}")) == count
        if db.engine.dialect.name != "postgresql":
            return
        columns = set(db.session.execute(sa.text(
            "SELECT f_table_name, f_geometry_column, srid FROM geometry_columns")).all())
        assert {("admin_unit", "geom", 4326), ("registration", "area_polygon", 4326)} <= columns
        gist = set(db.session.scalars(sa.text("SELECT tablename || '.' || indexdef FROM pg_indexes "
                                              "WHERE indexdef ILIKE '%USING gist%'")))
        assert any(i.startswith("admin_unit.") and "(geom)" in i for i in gist)
        assert any(i.startswith("registration.") and "(area_polygon)" in i for i in gist)
        kinds = set(db.session.scalars(sa.text("SELECT DISTINCT ST_GeometryType(geom) FROM layer_new_provinces")))
        assert kinds <= {"ST_Polygon", "ST_MultiPolygon"} and kinds


def test_migration_0007_calls_an_officers_accept_accepted(app):
    """Before 0007 an accepted party flag was stored "resolved"; a run's or a batch's resolution stays resolved."""
    import sqlalchemy as sa
    from flask import current_app
    from flask_migrate import downgrade, upgrade

    from ipreg.extensions import db

    with app.app_context():
        directory = current_app.extensions["migrate"].directory
        downgrade(directory=directory, revision="0006")
        db.session.execute(sa.text(
            "INSERT INTO registration (kind, reg_no, internal_id, name, status, search_text, created_at, updated_at, "
            "version) VALUES ('GI', '1', 'IPR-900001', 'x', 'registered', 'x', CURRENT_TIMESTAMP, "
            "CURRENT_TIMESTAMP, 1)"))
        reg_id = db.session.scalar(sa.text("SELECT id FROM registration WHERE internal_id = 'IPR-900001'"))
        for rule, reason, decision in (
                ("MANAGER_BODY_ABOLISHED", None, '{"decision_no": "12/QĐ-UBND"}'),  # an officer's accept
                ("HOLDER_BODY_MERGED", None, '{"decision_no": "3/QĐ", "batch": 4}'),  # a batch's change
                ("AREA_REEXPRESSION", "Nguyên nhân không còn. / The cause is gone.", None)):  # a run's close
            db.session.execute(sa.text(
                "INSERT INTO flag (registration_id, rule, subject, severity, status, closed_reason, decision, "
                "fingerprint, created_at, updated_at, version) VALUES (:r, :rule, 'manager', 'high', 'resolved', "
                ":reason, :decision, 'f', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"),
                {"r": reg_id, "rule": rule, "reason": reason, "decision": decision})
        db.session.commit()
        upgrade(directory=directory)
        statuses = dict(db.session.execute(sa.text("SELECT rule, status FROM flag WHERE registration_id = :r"),
                                           {"r": reg_id}).all())
        db.session.commit()  # end the read (SQLite keeps its snapshot until then)
        downgrade(directory=directory, revision="0006")
        before = dict(db.session.execute(sa.text("SELECT rule, status FROM flag WHERE registration_id = :r"),
                                         {"r": reg_id}).all())
        upgrade(directory=directory)
    assert statuses == {"MANAGER_BODY_ABOLISHED": "accepted", "HOLDER_BODY_MERGED": "resolved",
                        "AREA_REEXPRESSION": "resolved"}
    assert set(before.values()) == {"resolved"}
