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
# the dated units since 2004 (../shared/geodata/history): the fixture has none, so names of a past list that no
# longer resolve against the 2025-06-30 list (the real sample's 2008 Lục Ngạn communes) are read only with it
HAS_REAL_HISTORY = HAS_REAL_GEODATA and (REAL_GEODATA / "history" / "unit_spans_2004-2025-06-30.tsv").exists()
PG_URL = os.environ.get("IPREG_TEST_DATABASE_URL")
ARTIFACTS = ROOT / "test-artifacts"

real_geodata = pytest.mark.skipif(not HAS_REAL_GEODATA, reason="needs the real boundaries in ../shared/geodata")
real_history = pytest.mark.skipif(not HAS_REAL_HISTORY,
                                  reason="needs the real boundaries and ../shared/geodata/history")


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
        self.name = f"ipreg_tpl_{worker}_{os.getpid()}"  # unique: suites may share one PostgreSQL server
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

    from ipreg.extensions import db
    from ipreg.gazetteer.loading import load_gazetteer

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


def cloned_app(db_template, base: Path, geodata_dir):
    """An app on a fresh clone of the template database under ``base``; dropped when the generator ends."""
    from ipreg.extensions import db

    url = db_template.clone(base)
    application = make_app(url, base / "instance", geodata_dir)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    db_template.drop(url)


@pytest.fixture
def app(db_template, tmp_path, geodata_dir):
    yield from cloned_app(db_template, tmp_path, geodata_dir)


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


def read_only_snapshot(db_template, build):
    """A snapshot built once from the session's template database (``build(session)``), shared read-only."""
    from sqlalchemy.orm import Session

    engine = sa.create_engine(db_template.url)
    with Session(engine) as s:
        snapshot = build(s)
    engine.dispose()
    return snapshot


@pytest.fixture(scope="session")
def gaz(db_template):
    """A read-only gazetteer snapshot shared by the whole session."""
    from ipreg.gazetteer.snapshot import get_gazetteer

    return read_only_snapshot(db_template, get_gazetteer)


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    """'master' without xdist, 'gw0'… with it (the xdist fixture of the same name is used when present)."""
    workerinput = getattr(request.config, "workerinput", None)
    return workerinput["workerid"] if workerinput else "master"


SAMPLE_FALLBACK = """kind,reg_no,name,product,granted_on,status,holder,holder_kind,holder_unit,manager,manager_kind,manager_unit,area_units,area_vintage,notes
GI,00005,Đoan Hùng,Bưởi,2006-02-08,registered,Nhà nước Việt Nam,state,,Sở Khoa học và Công nghệ tỉnh Phú Thọ,dost,25,"Huyện Đoan Hùng, Tỉnh Phú Thọ",2025-06-30,fixture row
GI,00041,Quảng Ninh,Ngán,2014-03-19,registered,Nhà nước Việt Nam,state,,Sở Khoa học và Công nghệ tỉnh Quảng Ninh,dost,22,Tỉnh Quảng Ninh,2025-06-30,fixture row
GI,00017,Đại Hoàng,Chuối ngự,2009-09-30,registered,Nhà nước Việt Nam,state,,Ủy ban nhân dân huyện Lý Nhân,district_pc,"Huyện Lý Nhân, Tỉnh Hà Nam","Huyện Lý Nhân, Tỉnh Hà Nam",2025-06-30,fixture row
GI,00055,Hưng Yên,Nhãn lồng,2017-01-23,registered,Nhà nước Việt Nam,state,,Sở Khoa học và Công nghệ tỉnh Hưng Yên,dost,33,"Thành phố Hưng Yên, Tỉnh Hưng Yên; Huyện Khoái Châu, Tỉnh Hưng Yên",2025-06-30,fixture row
GI,00100,Tú Lệ,Gạo nếp,2020-12-29,registered,Nhà nước Việt Nam,state,,Ủy ban nhân dân huyện Văn Chấn,district_pc,"Huyện Văn Chấn, Tỉnh Yên Bái","Huyện Văn Chấn, Tỉnh Yên Bái",2025-06-30,fixture row
GI,00101,Mù Cang Chải,Mật ong,2020-12-29,registered,Nhà nước Việt Nam,state,,Ủy ban nhân dân huyện Mù Cang Chải,district_pc,"Huyện Mù Cang Chải, Tỉnh Yên Bái","Huyện Mù Cang Chải, Tỉnh Yên Bái",2025-06-30,fixture row
CERTIFICATION,QĐ 34713/QĐ-SHTT,Mật ong hoa nhãn Hưng Yên,Mật ong,2016-06-13,registered,Chi cục Quản lý chất lượng nông lâm sản và thủy sản Hưng Yên,state_agency,33,,,,"Tỉnh Hưng Yên",2025-06-30,fixture row
COLLECTIVE,,Quả Bảo Thắng,"Na, chanh, nhãn",,registered,Hội Nông dân huyện Bảo Thắng,farmers_union,"Huyện Bảo Thắng, Tỉnh Lào Cai",,,,"Huyện Bảo Thắng, Tỉnh Lào Cai",2025-06-30,fixture row
GI,00015,Lục Ngạn,Vải thiều,2008-06-25,registered,Nhà nước Việt Nam,state,,Ủy ban nhân dân huyện Lục Ngạn,district_pc,Huyện Lục Ngạn,"Xã Nghĩa Hồ, Huyện Lục Ngạn, Tỉnh Bắc Giang; Xã Tân Mộc, Huyện Lục Ngạn, Tỉnh Bắc Giang",2008-06-25,fixture row with a commune gone before 2025
"""


@pytest.fixture(scope="session")
def sample_csv(tmp_path_factory) -> Path:
    """The real sample records when present, else a fixture of the same kind (real GIs, messy on purpose)."""
    if REAL_SAMPLE.exists():
        return REAL_SAMPLE
    path = tmp_path_factory.mktemp("sample") / "sample_records.csv"
    path.write_text(SAMPLE_FALLBACK, encoding="utf-8")
    return path


@pytest.fixture
def loaded(app, sample_csv):
    """The app with the sample records imported (valid rows)."""
    from ipreg.extensions import db
    from ipreg.registry.record_import import import_records

    with app.app_context():
        report = import_records(db.session, sample_csv.read_bytes(), sample_csv.name, partial=True, actor="test")
        assert report.imported, report.as_dict()
    return app


@pytest.fixture
def flagged(loaded):
    """The sample records with the reform's rules run over them (``ipreg flags run``)."""
    result = loaded.test_cli_runner().invoke(args=["flags", "run"])
    assert result.exit_code == 0, result.output
    return loaded


PASSWORD = "correct horse battery"


def make_user(app, username: str, role: str, provinces: list[str] | None = None):
    from ipreg.accounts.users import create_user
    from ipreg.extensions import db

    with app.app_context():
        valid = {u for u in ("01", "04", "08", "11", "12", "14", "15", "19", "20", "22", "24", "25", "31", "33",
                             "37", "38", "40", "42", "44", "46", "48", "51", "52", "56", "66", "68", "75", "79",
                             "80", "82", "86", "91", "92", "96")}
        create_user(db.session, username, role, password=PASSWORD, provinces=provinces or [], valid_provinces=valid,
                    actor="test")
        db.session.commit()


def login(client, username: str) -> None:
    """Log in through the form (CSRF token read from the page)."""
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def client_as(app, username: str, role: str, provinces: list[str] | None = None):
    """A test client logged in as a new user with ``role`` (and, for provincial staff, ``provinces``)."""
    make_user(app, username, role, provinces)
    client = app.test_client()
    login(client, username)
    return client


def csrf_token(client, path: str = "/") -> str:
    import re

    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.fixture
def officer(loaded):
    """A logged-in IP officer's client on the app with the sample loaded."""
    client = client_as(loaded, "officer", "ip_officer")
    return client
