"""Per-database, per-version caches of immutable snapshots (the gazetteer, the unit polygons).

A snapshot is built once per process for a database URL and a version (the id of the last gazetteer load),
and rebuilt only when the version moves. Threads of one process share it; the build runs once.
"""
from __future__ import annotations

import threading
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class VersionedCache(Generic[T]):
    def __init__(self) -> None:
        self._items: dict[str, tuple[int, T]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, version: int, build: Callable[[], T]) -> T:
        item = self._items.get(key)
        if item is not None and item[0] == version:
            return item[1]
        with self._lock:
            item = self._items.get(key)
            if item is None or item[0] != version:
                item = (version, build())
                self._items[key] = item
        return item[1]
