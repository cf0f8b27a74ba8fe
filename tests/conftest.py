"""Shared fixtures: a gazetteer loaded once per session, cloned cheaply for every test that writes.

Real data from ../shared (or IPREG_GEODATA) is used when present; otherwise a fixture is built from the
vietnamadminunits package (see geodata_fixture.py). Set IPREG_TEST_DATABASE_URL to a PostgreSQL URL
(postgresql+psycopg://...) to run the whole suite on PostgreSQL + PostGIS instead of SQLite.
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
REAL_GEODATA = Path(os.environ.get("IPREG_GEODATA") or ROOT.parent / "shared" / "geodata")
REAL_SAMPLE = ROOT.parent / "shared" / "registry" / "sample_records.csv"
HAS_REAL_GEODATA = (REAL_GEODATA / "new" / "communes.geojson").exists()
PG_URL = os.environ.get("IPREG_TEST_DATABASE_URL")
ARTIFACTS = ROOT / "test-artifacts"

real_geodata = pytest.mark.skipif(not HAS_REAL_GEODATA, reason="needs the real boundaries in ../shared/geodata")


@pytest.fixture(scope="session")
def geodata_dir(tmp_path_factory) -> Path:
    if HAS_REAL_GEODATA:
        return REAL_GEODATA
    from geodata_fixture import build

    return build(tmp_path_factory.mktemp("geodata"))


class DatabaseTemplate:
    """A migrated database with the gazetteer loaded, and cheap clones of it (file copy or PG TEMPLATE)."""

    def __init__(self, base_dir: Path, worker: str):
        self.base_dir = base_dir
        self.pg = make_url(PG_URL) if PG_URL else None
        self.name = f"ipreg_tpl_{worker}"
        if self.pg:
            self.url = self.pg.set(database=self.name).render_as_string(hide_password=False)
        else:
            self.url = f"sqlite:///{base_dir / (self.name + '.sqlite')}"

    def _admin(self):
        return sa.create_engine(self.pg.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")

    def create_empty(self, name: str) -> str:
        if not self.pg:
            return f"sqlite:///{self.base_dir / (name + '.sqlite')}"
        engine = self._admin()
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        engine.dispose()
        return self.pg.set(database=name).render_as_string(hide_password=False)

    def clone(self, tmp_path: Path) -> str:
        if not self.pg:
            target = tmp_path / "ipreg.sqlite"
            shutil.copy(self.base_dir / (self.name + ".sqlite"), target)
            return f"sqlite:///{target}"
        name = f"ipreg_t_{uuid.uuid4().hex[:12]}"
        engine = self._admin()
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')
        engine.dispose()
        return self.pg.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        if self.pg:
            name = make_url(url).database
            engine = self._admin()
            with engine.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            engine.dispose()


def make_app(url: str, instance: Path, geodata: Path, **extra):
    from ipreg import create_app

    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "INSTANCE_PATH": str(instance),
        "IPREG_GEODATA": str(geodata),
        "IPREG_CACHE_DIR": str(instance / "cache"),
        "SECRET_KEY": "test-secret-key",
        "IPREG_RUN_JOBS_INLINE": True,
    }
    config.update(extra)
    return create_app(config)


@pytest.fixture(scope="session")
def db_template(tmp_path_factory, geodata_dir, worker_id) -> DatabaseTemplate:
    from flask_migrate import upgrade

    from ipreg.domain.gazetteer_load import load_gazetteer
    from ipreg.extensions import db

    base = tmp_path_factory.mktemp("template")
    template = DatabaseTemplate(base, worker_id)
    url = template.create_empty(template.name)
    app = make_app(url, base / "instance", geodata_dir)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_gazetteer(db.session, geodata_dir)
        db.session.remove()
        db.engine.dispose()
    yield template
    if template.pg:
        template.drop(template.url)


@pytest.fixture
def app(db_template, tmp_path, geodata_dir):
    url = db_template.clone(tmp_path)
    application = make_app(url, tmp_path / "instance", geodata_dir)
    yield application
    from ipreg.extensions import db

    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    db_template.drop(url)


@pytest.fixture
def session(app):
    from ipreg.extensions import db

    with app.app_context():
        yield db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def gaz(db_template):
    """A read-only gazetteer snapshot shared by the whole session."""
    from sqlalchemy.orm import Session

    from ipreg.domain.gazetteer import get_gazetteer

    engine = sa.create_engine(db_template.url)
    with Session(engine) as s:
        snapshot = get_gazetteer(s)
    engine.dispose()
    return snapshot


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    """'master' without xdist, 'gw0'… with it (the xdist fixture of the same name is used when present)."""
    workerinput = getattr(request.config, "workerinput", None)
    return workerinput["workerid"] if workerinput else "master"
