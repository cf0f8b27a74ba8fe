"""The one clock: naive UTC datetimes as every table stores them (pages show them in the office's time zone)."""
from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
