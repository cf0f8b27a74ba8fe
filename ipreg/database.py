"""Engine set-up shared by the app, the worker and scripts.

SQLite runs in WAL mode with a busy timeout. A transaction that will write starts with ``BEGIN IMMEDIATE``
(see ``begin_write``): a deferred transaction that reads first and writes later fails at once with
"database is locked" when another writer committed meanwhile, whatever the timeout. Reads stay deferred so
they never queue behind writers.
"""
from __future__ import annotations

import click
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, scoped_session

IMMEDIATE = "ipreg_sqlite_immediate"


class MissingDriverError(click.ClickException):
    """The database URL names PostgreSQL but its driver is not installed (ipreg without the ``postgres`` extra).

    A ``ClickException`` so that every ``ipreg`` command prints the message and exits 2, without a traceback.
    """

    exit_code = 2


def check_driver(url) -> None:
    """Before any engine is made: a PostgreSQL URL whose driver cannot be imported fails with a message naming
    the ``postgres`` extra. Embedded SQLite needs nothing; other malformed URLs are left to SQLAlchemy."""
    try:
        sa_url = make_url(url)
        if sa_url.get_backend_name() != "postgresql":
            return
        dialect = sa_url.get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError):
        return
    try:
        dialect.import_dbapi()
    except ImportError as exc:
        raise MissingDriverError(
            f"the database URL names PostgreSQL ({sa_url.drivername}://…) but its driver is not installed "
            f"({exc}). PostgreSQL needs ipreg's 'postgres' extra: "
            ".venv/bin/pip install -c requirements.lock -e '.[postgres]' "
            "and a URL of the form postgresql+psycopg://user@host/db (see README, PostgreSQL + PostGIS)."
        ) from exc


BUSY_TIMEOUT_MS = 30_000  # how long a SQLite writer waits for the lock before "database is locked"


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite" or getattr(engine, "_ipreg_configured", False):
        return
    engine._ipreg_configured = True

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(IMMEDIATE) else "BEGIN")


WRITING = "ipreg_writing"


def begin_write(session: Session | scoped_session) -> None:
    """Start a unit of work as a writer: call it before the first write of that unit.

    On SQLite a read-only transaction still open (validation before the writes) is ended first, then the
    writing one begins with ``BEGIN IMMEDIATE``. A no-op on PostgreSQL and when already writing.
    """
    real = session.registry() if isinstance(session, scoped_session) else session
    if real.get_bind().dialect.name != "sqlite" or real.info.get(WRITING):
        return
    if real.in_transaction():
        if real.new or real.dirty or real.deleted:
            raise RuntimeError("begin_write() must come before the first change of a unit of work")
        real.commit()
    real.connection(execution_options={IMMEDIATE: True})
    real.info[WRITING] = True


@event.listens_for(Session, "after_transaction_end")
def _writing_ends(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(WRITING, None)


def _sqlite_datetime(value):
    """The text SQLAlchemy stores for a DATETIME on SQLite (what the sqlite3 adapter would do, once per value)."""
    return None if value is None else value.isoformat(" ", timespec="microseconds")


def insert_rows(session: Session | scoped_session, table, rows: list[dict]) -> None:
    """Bulk INSERT through the driver's executemany, converting each distinct value once.

    For tens of thousands of narrow rows SQLAlchemy's per-value processing costs more than the database;
    values are converted with the columns' own bind processors (cached per distinct value), so what is
    stored is exactly what an ORM insert would store.
    """
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    columns = list(rows[0])
    processors = []
    for name in columns:
        processor = table.c[name].type.bind_processor(dialect)
        if processor is None and dialect.name == "sqlite" and isinstance(table.c[name].type, DateTime):
            processor = _sqlite_datetime
        if processor is None:
            processors.append(None)
            continue
        cache: dict = {}

        def convert(value, processor=processor, cache=cache):
            try:
                return cache[value]
            except KeyError:
                cache[value] = processor(value)
                return cache[value]
            except TypeError:  # unhashable values (dicts, lists)
                return processor(value)

        processors.append(convert)
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    # Column by column: one tight loop per column is several times faster than a generator per row.
    values = []
    for name, processor in zip(columns, processors):
        column = [row[name] for row in rows]
        values.append(column if processor is None else [processor(v) for v in column])
    conn.exec_driver_sql(sql, list(zip(*values)))
