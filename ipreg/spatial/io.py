"""Read boundary layers with pyogrio, as the loader settings in ``layers.toml`` describe them.

pyogrio (GDAL) is imported when a layer is read, not with this module: loading GDAL costs about 80 MB of
memory, which every CLI command and web worker would otherwise pay (a command refusing a hostile upload must
stay within 200 MB).
"""
from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from ..core.errors import N_, IpregError

DEFAULT_SETTINGS = Path(__file__).resolve().parents[2] / "geodata" / "layers.toml"


@dataclass(frozen=True)
class BoundaryFile:
    """Where one boundary file of a vintage and level lies, and which field holds its unit codes."""

    name: str
    path: Path
    vintage: str
    level: str
    code_field: str


@dataclass
class Boundaries:
    """The geometries of one boundary file, with their codes (as written) and the file's fingerprint."""

    source: BoundaryFile
    codes: np.ndarray  # str codes, zero-padded as written
    geoms: np.ndarray  # shapely geometries, EPSG:4326
    fingerprint: str


def load_settings(geodata_dir: Path) -> dict:
    """The data directory's own ``layers.toml`` if it has one, else the project's."""
    path = geodata_dir / "layers.toml"
    if not path.exists():
        path = DEFAULT_SETTINGS
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise IpregError(N_("Cannot read the loader settings %(path)s: %(error)s"), path=str(path), error=str(exc)) from exc


def boundary_files(geodata_dir: Path) -> list[BoundaryFile]:
    settings = load_settings(geodata_dir)
    return [
        BoundaryFile(name, geodata_dir / spec["path"], spec["vintage"], spec["level"], spec.get("code_field", "code"))
        for name, spec in settings.get("layers", {}).items()
    ]


def data_file(geodata_dir: Path, key: str) -> Path | None:
    """Path of a non-layer data file named in the settings (``legal_basis``, ``crosswalk``)."""
    entry = load_settings(geodata_dir).get(key)
    return geodata_dir / entry["path"] if entry else None


def file_fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_boundaries(spec: BoundaryFile) -> Boundaries:
    """Read one layer; codes keep their leading zeros (read as text, never as numbers)."""
    import pyogrio  # noqa: PLC0415 - GDAL is heavy, see the module docstring

    try:
        table = pyogrio.read_dataframe(spec.path, columns=[spec.code_field], use_arrow=False)
    except Exception as exc:  # pyogrio raises several unrelated classes for unreadable files
        raise IpregError(N_("Cannot read boundary layer %(layer)s from %(path)s: %(error)s"), layer=spec.name,
                         path=str(spec.path), error=str(exc)) from exc
    if spec.code_field not in table.columns:
        raise IpregError(N_("Boundary layer %(layer)s (%(path)s) has no field %(field)s"), layer=spec.name,
                         path=str(spec.path), field=spec.code_field)
    if table.crs is not None and table.crs.to_epsg() != 4326:
        table = table.to_crs(4326)
    codes = table[spec.code_field].astype(str).str.strip().to_numpy()
    geoms = shapely.make_valid(table.geometry.to_numpy())
    return Boundaries(spec, codes, geoms, file_fingerprint(spec.path))
