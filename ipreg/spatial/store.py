"""Unit polygons in memory: parsed once per gazetteer load from the WKB the database holds."""
from __future__ import annotations

import threading

import numpy as np
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AdminUnit
from ..snapshots import VersionedCache


class GeometryStore:
    """Shapely geometries (EPSG:4326) of every unit that has one, by unit id, with an STRtree per layer."""

    def __init__(self, rows: list[tuple[int, str, str, bytes]], version: int):
        self.version = version
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        geoms = shapely.from_wkb([r[3] for r in rows]) if rows else np.array([], dtype=object)
        self.by_id: dict[int, object] = dict(zip(ids.tolist(), geoms.tolist()))
        self.layers: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        keys = [(r[1], r[2]) for r in rows]
        for key in set(keys):
            mask = np.array([k == key for k in keys])
            self.layers[key] = (ids[mask], geoms[mask])
        self._trees: dict[tuple[str, str], shapely.STRtree] = {}
        self._lock = threading.Lock()

    def get(self, unit_id: int):
        return self.by_id.get(unit_id)

    def tree(self, vintage: str, level: str) -> tuple[shapely.STRtree, np.ndarray, np.ndarray]:
        key = (vintage, level)
        with self._lock:
            if key not in self._trees:
                self._trees[key] = shapely.STRtree(self.layers.get(key, (None, np.array([], dtype=object)))[1])
        ids, geoms = self.layers.get(key, (np.array([], dtype=np.int64), np.array([], dtype=object)))
        return self._trees[key], ids, geoms


_STORES: VersionedCache[GeometryStore] = VersionedCache()


def get_store(session: Session, version: int) -> GeometryStore:
    """The unit polygons of the session's database for a gazetteer version (parsed once per process)."""

    def build() -> GeometryStore:
        rows = session.execute(select(AdminUnit.id, AdminUnit.vintage, AdminUnit.level, AdminUnit.geom)
                               .where(AdminUnit.minx.is_not(None))).all()
        return GeometryStore([tuple(r) for r in rows], version)

    return _STORES.get(str(session.get_bind().url), version, build)
