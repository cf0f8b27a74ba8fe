"""Vietnamese order in the database: ``ORDER BY vietnamese(Registration.name)``.

PostgreSQL has it from ICU (``"vi-x-icu"``); SQLite is taught it on every new connection, from the same
key as Python sorts with (``core.text.vi_sort_key``), so that a list and its CSV sort alike on both.
"""
from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.types import String

from .text import vi_sort_key

SQLITE_NAME = "vi"
POSTGRESQL_NAME = "vi-x-icu"


class vietnamese(ColumnElement):  # noqa: N801 - reads as a SQL function in a query
    """A text column compared in Vietnamese order (a < ă < â, d < đ, tone marks only break ties)."""

    inherit_cache = True
    type = String()

    def __init__(self, column):
        self.column = column


@compiles(vietnamese)
def _plain(element, compiler, **kw):
    return compiler.process(element.column, **kw)


@compiles(vietnamese, "sqlite")
def _sqlite(element, compiler, **kw):
    return f"{compiler.process(element.column, **kw)} COLLATE {SQLITE_NAME}"


@compiles(vietnamese, "postgresql")
def _postgresql(element, compiler, **kw):
    return f'{compiler.process(element.column, **kw)} COLLATE "{POSTGRESQL_NAME}"'


def _compare(a: str | None, b: str | None) -> int:
    key_a, key_b = vi_sort_key(a), vi_sort_key(b)
    return (key_a > key_b) - (key_a < key_b)


@event.listens_for(Engine, "connect")
def _teach_sqlite(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_collation(SQLITE_NAME, _compare)
