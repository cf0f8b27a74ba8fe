"""Numbers read from query strings and forms, kept within what the database can hold.

A crafted ``page=99999999999999999999`` or ``flag=…`` must be a 4xx or an empty result, never a 500 from an
integer overflow in SQLite or PostgreSQL.
"""
from __future__ import annotations

import re

MAX_ROW_ID = 2**31 - 1  # ids are 32-bit integer columns on both databases
MAX_PAGE = 100_000
_ASCII_DIGITS = re.compile(r"[0-9]{1,10}")  # str.isdigit() also takes "²", which int() refuses


def row_id(text: str | None) -> int | None:
    """A database id from a form or query value; None for anything that cannot be one."""
    text = (text or "").strip()
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ROW_ID else None


def bounded(text: str | None, default: int, low: int, high: int) -> int:
    """An integer argument (a page, a page size) clamped to [low, high]; ``default`` when not a number."""
    try:
        return min(high, max(low, int(text if text is not None else default)))
    except ValueError:
        return default


def row_ids(values: list[str]) -> list[int]:
    """The database ids among form or query values (``flag=…`` repeated), others left out."""
    return [i for i in map(row_id, values) if i is not None]
