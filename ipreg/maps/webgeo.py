"""Boundaries for web maps: each layer made a clean coverage, simplified per zoom level, cached on disk.

The boundary files come from several surveys and do not fit together (the new communes alone have
thousands of overlapping neighbour pairs and tens of thousands of sliver gaps), and at full detail a
national map is tens of megabytes. So each layer is cleaned into a coverage once, simplified per zoom
level as a coverage (shared borders once, so neighbours still fit), snapped to a grid that suits the
level, and kept under ``IPREG_CACHE_DIR/webgeo/<key>`` where the key is the gazetteer's fingerprint and
the parameters below: WKB for the server, gzip GeoJSON that the web layer sends as it is. Several
processes share the cache; a file lock lets one of them build and the others wait and read.
"""
from __future__ import annotations

import fcntl
import gzip
import hashlib
import html
import json
import os
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..gazetteer.snapshot import Gazetteer, Unit, get_gazetteer
from ..models import GazetteerLoad
from ..snapshots import VersionedCache
from ..spatial import coverage
from ..spatial.store import GeometryStore, get_store

PIPELINE_VERSION = 2  # bump when the cleaning or serialisation changes: old caches are then ignored


@dataclass(frozen=True)
class LayerDef:
    vintage: str
    level: str
    parts: str | None = None  # dissolved from this layer when it has geometry, so borders coincide


@dataclass(frozen=True)
class Level:
    tolerance: float  # degrees, for coverage simplification (~1 pixel at the level's zooms)
    grid: float  # degrees, coordinates rounded to this


LAYERS = {
    "new_communes": LayerDef("new", "commune"),
    "new_provinces": LayerDef("new", "province", parts="new_communes"),
    "old_districts": LayerDef("old", "district"),
    "old_provinces": LayerDef("old", "province"),
}
LEVELS = {
    "national": Level(0.02, 1e-3),  # zoom 5-7: the 34 and 63 provinces
    "province": Level(0.002, 1e-4),  # zoom 8-10: one province's communes and districts
    "detail": Level(0.0005, 1e-5),  # zoom 11-14: a production area
}

# What the pages use: provinces for the nation, one province's units, a production area and around it.
SERVED = (("new_provinces", "national"), ("old_provinces", "national"), ("new_communes", "province"),
          ("old_districts", "province"), ("old_provinces", "province"), ("new_provinces", "province"),
          ("new_communes", "detail"), ("old_districts", "detail"))


@dataclass
class LevelLayer:
    """One layer at one level: unit ids, codes and geometries in the same order, with an index."""

    name: str
    level: str
    ids: np.ndarray
    codes: list[str]
    geoms: np.ndarray

    @cached_property
    def position(self) -> dict[int, int]:
        return {unit_id: i for i, unit_id in enumerate(self.ids.tolist())}

    @cached_property
    def tree(self) -> shapely.STRtree:
        return shapely.STRtree(self.geoms)

    def get(self, unit_id: int):
        """The simplified geometry of a unit (the ``GeometryStore`` interface, for drawing areas)."""
        i = self.position.get(unit_id)
        return None if i is None else self.geoms[i]

    def touching(self, geoms) -> set[int]:
        """Ids of the units that intersect any of ``geoms`` (neighbours share a border, so they do)."""
        geoms = [g for g in geoms if g is not None]
        if not geoms:
            return set()
        _, hits = self.tree.query(np.asarray(geoms, dtype=object), predicate="intersects")
        return set(self.ids[np.unique(hits)].tolist())


def cache_key(session: Session) -> str:
    """The fingerprints of the loaded units and boundaries, and this module's parameters."""
    prints = {kind: fp for kind, fp in session.execute(
        select(GazetteerLoad.kind, GazetteerLoad.fingerprint).where(GazetteerLoad.kind.in_(("units", "geometry")))
        .order_by(GazetteerLoad.id))}
    recipe = [prints, PIPELINE_VERSION, coverage.GAP_WIDTH, sorted((k, v.tolerance, v.grid) for k, v in LEVELS.items())]
    return hashlib.sha256(json.dumps(recipe).encode()).hexdigest()[:16]


@contextmanager
def _file_lock(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_atomic(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "wb") as handle:
        write(handle)
    os.replace(tmp, path)


def _save_wkb(path: Path, codes: list[str], geoms: np.ndarray) -> None:
    wkb = shapely.to_wkb(geoms)
    lengths = np.array([len(b) for b in wkb], dtype=np.int64)
    blob = np.frombuffer(b"".join(wkb), dtype=np.uint8)
    _write_atomic(path, lambda h: np.savez(h, codes=np.array(codes, dtype=str), lengths=lengths, blob=blob))


def _load_wkb(path: Path) -> tuple[list[str], np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        codes, lengths, blob = data["codes"].tolist(), data["lengths"], data["blob"].tobytes()
    ends = np.cumsum(lengths).tolist()
    starts = [0] + ends[:-1]
    return codes, shapely.from_wkb([blob[a:b] for a, b in zip(starts, ends)])


def feature_collection(codes: list[str], geoms: np.ndarray, properties: list[dict]) -> bytes:
    """GeoJSON text built from shapely's vectorised writer (no per-coordinate Python)."""
    parts = [f'{{"type":"Feature","id":{json.dumps(code)},"properties":{json.dumps(props, ensure_ascii=False)},'
             f'"geometry":{geometry}}}' for code, props, geometry in zip(codes, properties, shapely.to_geojson(geoms))]
    return ('{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}").encode()


def gzip_bytes(data: bytes, level: int = 6) -> bytes:
    return gzip.compress(data, compresslevel=level, mtime=0)


def unit_properties(unit: Unit) -> dict:
    """The properties every feature carries; ``tip`` is HTML with the names escaped (they may be uploads)."""
    return {"code": unit.code, "name": unit.name, "vintage": unit.vintage, "level": unit.level,
            "province_code": unit.province_code,
            "tip": f"<strong>{html.escape(unit.name)}</strong> ({html.escape(unit.code)})"}


def label_places(geoms: np.ndarray) -> list[dict]:
    """Per unit, a point inside its largest part ([lat, lon]) and that part's box ([south, west, north, east]).

    The map writes a name where it fits: a province's islands (Hoàng Sa with Đà Nẵng, Trường Sa with
    Khánh Hòa) would make its whole box wide enough at any zoom, and a polygon's centre may lie outside it
    (a bay, a crescent); the browser should not work this out for hundreds of units.
    """
    geoms = np.asarray(geoms, dtype=object)
    parts, index = shapely.get_parts(geoms, return_index=True)
    largest = geoms.copy()
    order = np.lexsort((-shapely.area(parts), index))  # by unit, its largest part first
    first = order[np.r_[True, index[order][1:] != index[order][:-1]]] if len(order) else order
    largest[index[first]] = parts[first]
    points = shapely.get_coordinates(shapely.point_on_surface(largest)).round(5).tolist()
    boxes = shapely.bounds(largest).round(4).tolist()
    return [{"label": [lat, lon], "label_box": [south, west, north, east]}
            for (lon, lat), (west, south, east, north) in zip(points, boxes)]


def units_in(gaz: Gazetteer, layer: str, province: Unit) -> list[int]:
    """Units of ``layer`` sharing territory with a province of either vintage, by the crosswalk (no slivers)."""
    spec = LAYERS[layer]
    if spec.vintage == province.vintage:
        if spec.level == "province":
            return [province.id]
        return [i for i in gaz.children.get(province.id, ()) if gaz.units[i].level == spec.level]
    if province.vintage == "old":
        communes = {link.new_id for atom in gaz.atoms(province) for link in gaz.successors.get(atom, ())}
        if spec.level == "commune":
            return sorted(communes)
        return sorted({gaz.by_key[("new", gaz.units[c].province_code)].id for c in communes})
    atoms = [gaz.units[a] for c in gaz.new_communes(province) for a in gaz.atoms_of_new.get(c, ())]
    if spec.level == "district":
        return sorted({a.parent_id if a.level == "commune" else a.id for a in atoms})
    return sorted({gaz.by_key[("old", a.province_code)].id for a in atoms})


class WebGeo:
    """The web layers of one gazetteer snapshot; each (layer, level) built or read once per process."""

    def __init__(self, gaz: Gazetteer, store: GeometryStore, directory: Path, key: str):
        self.gaz, self.store, self.directory, self.key = gaz, store, directory, key
        self._layers: dict[tuple[str, str], LevelLayer] = {}
        self._lock = threading.Lock()

    def _cached(self, name: str, build) -> Path:
        """The file ``name`` in the cache, built by the first process that needs it while the others wait.

        One lock file per artifact: building one takes the locks of what it is built from, always in the
        same order (served file, level, clean layer), so processes cannot deadlock.
        """
        path = self.directory / name
        if not path.exists():
            with _file_lock(self.directory / f".{name}.lock"):
                if not path.exists():
                    build(path)
        return path

    def _source(self, layer: str) -> tuple[list[str], np.ndarray]:
        spec = LAYERS[layer]
        ids, geoms = self.store.layers.get((spec.vintage, spec.level), (np.array([], dtype=np.int64), np.array([])))
        return [self.gaz.units[i].code for i in ids.tolist()], geoms

    def _clean(self, layer: str) -> tuple[list[str], np.ndarray]:
        def build(path: Path) -> None:
            spec = LAYERS[layer]
            if spec.parts and len(self._source(spec.parts)[0]):
                codes, geoms = self._clean(spec.parts)
                by_province: dict[str, list] = {}
                for code, geom in zip(codes, geoms):
                    by_province.setdefault(self.gaz.by_key[("new", code)].province_code, []).append(geom)
                codes = sorted(by_province)
                geoms = np.array([shapely.coverage_union_all(by_province[c]) for c in codes], dtype=object)
            else:
                codes, geoms = self._source(layer)
                geoms = coverage.clean(geoms) if len(codes) else geoms
            keep = [i for i, g in enumerate(geoms) if g is not None and not shapely.is_empty(g)]
            _save_wkb(path, [codes[i] for i in keep], np.asarray(geoms, dtype=object)[keep])

        return _load_wkb(self._cached(f"{layer}-clean.npz", build))

    def layer(self, layer: str, level: str) -> LevelLayer:
        """A layer at a level, from memory, else from the disk cache, else built (seconds, once)."""
        found = self._layers.get((layer, level))
        if found is not None:
            return found

        def build(path: Path) -> None:
            codes, geoms = self._clean(layer)
            if len(codes):
                spec = LEVELS[level]
                geoms = coverage.snap(coverage.simplify(geoms, spec.tolerance), spec.grid)
            keep = [i for i, g in enumerate(geoms) if g is not None]
            _save_wkb(path, [codes[i] for i in keep], np.asarray(geoms, dtype=object)[keep])

        with self._lock:
            if (layer, level) not in self._layers:
                codes, geoms = _load_wkb(self._cached(f"{layer}-{level}.npz", build))
                vintage = LAYERS[layer].vintage
                ids = np.array([self.gaz.by_key[(vintage, c)].id for c in codes], dtype=np.int64)
                self._layers[(layer, level)] = LevelLayer(layer, level, ids, codes, geoms)
        return self._layers[(layer, level)]

    def prepare(self) -> None:
        """Build every layer the pages use now (after a gazetteer load), not on a user's first request,
        and remove the caches of earlier gazetteer loads."""
        for layer, level in SERVED:
            self.layer(layer, level)
        for stale in self.directory.parent.iterdir():
            if stale.is_dir() and stale != self.directory:
                shutil.rmtree(stale, ignore_errors=True)

    def collection(self, layer: str, level: str, ids, extra: dict[int, dict] | None = None) -> bytes:
        """GeoJSON of some units of a layer, with their properties and any ``extra`` ones per unit id.

        ``label`` and ``label_box`` say where the map may write the unit's name (``label_places``).
        """
        data = self.layer(layer, level)
        positions = [data.position[i] for i in ids if i in data.position]
        units = [self.gaz.units[int(data.ids[p])] for p in positions]
        places = label_places(data.geoms[positions])
        props = [{**unit_properties(u), **place, **(extra or {}).get(u.id, {})} for u, place in zip(units, places)]
        return feature_collection([u.code for u in units], data.geoms[positions], props)

    def layer_gzip(self, layer: str, level: str, within: Unit | None = None) -> bytes:
        """The gzip GeoJSON of a whole layer, or of the part sharing territory with a province; cached."""
        suffix = f"{within.vintage}-{within.code}" if within is not None else "all"

        def build(path: Path) -> None:
            data = self.layer(layer, level)
            ids = units_in(self.gaz, layer, within) if within is not None else data.ids.tolist()
            body = gzip_bytes(self.collection(layer, level, ids), level=9)
            _write_atomic(path, lambda h: h.write(body))

        return self._cached(f"{layer}-{level}-{suffix}.geojson.gz", build).read_bytes()


_WEBGEO: VersionedCache[WebGeo] = VersionedCache()


def get_webgeo(session: Session, cache_dir: str | Path) -> WebGeo:
    """The web layers for the session's gazetteer; nothing is built until a layer is asked for."""
    gaz = get_gazetteer(session)
    key = cache_key(session)
    directory = Path(cache_dir) / "webgeo" / key
    return _WEBGEO.get(f"{session.get_bind().url}|{directory}", gaz.version,
                       lambda: WebGeo(gaz, get_store(session, gaz.version), directory, key))
