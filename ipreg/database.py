"""Engine set-up shared by the app, the worker and scripts.

SQLite runs in WAL mode with a busy timeout. A transaction that will write starts with ``BEGIN IMMEDIATE``
(see ``begin_write``): a deferred transaction that reads first and writes later fails at once with
"database is locked" when another writer committed meanwhile, whatever the timeout. Reads stay deferred so
they never queue behind writers.
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session

IMMEDIATE = "ipreg_sqlite_immediate"


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite" or getattr(engine, "_ipreg_configured", False):
        return
    engine._ipreg_configured = True

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(IMMEDIATE) else "BEGIN")


def begin_write(session: Session | scoped_session) -> None:
    """Start a unit of work as a writer: call it before the first write of that unit.

    On SQLite a read-only transaction still open (validation before the writes) is ended first, then the
    writing one begins with ``BEGIN IMMEDIATE``. A no-op on PostgreSQL, and when this transaction already
    holds pending ORM changes.
    """
    real = session.registry() if isinstance(session, scoped_session) else session
    if real.get_bind().dialect.name != "sqlite":
        return
    if real.in_transaction():
        if real.new or real.dirty or real.deleted:
            return
        real.commit()
    real.connection(execution_options={IMMEDIATE: True})
