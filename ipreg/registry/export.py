"""Export the whole registry (within a scope): CSV, XLSX, GeoJSON and GeoPackage with area polygons."""
from __future__ import annotations

import shapely
from shapely.geometry import mapping
from sqlalchemy.orm import Session

from ..core.errors import N_, IpregError
from ..core.exports import to_csv, to_geojson, to_geopackage, to_xlsx
from ..gazetteer.snapshot import Gazetteer
from ..spatial.store import get_store
from .area_geometry import draw_area
from .areas import summarise
from .records import entries_of
from .search import RecordQuery, result_columns, result_rows, search_records

TERM_COLUMNS = ["nice_classes", "filing_date", "expiry_date", "decision_no"]
MORE_COLUMNS = ["holder_kind", "manager_kind", *TERM_COLUMNS, "internal_id", "area_reexpressed", "area_geometry"]
MIMETYPES = {
    "csv": "text/csv",  # Flask adds "; charset=utf-8" to a text type itself
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
}


def registry_rows(session: Session, gaz: Gazetteer, scope, public_only: bool, with_geometry: bool):
    records, _ = search_records(session, RecordQuery(scope=scope, public_only=public_only, sort="kind"),
                                paginate=False, with_areas=True)
    rows = result_rows(session, records)
    store = get_store(session, gaz.version) if with_geometry else None
    geometries = []
    for reg, row in zip(records, rows):
        entries = entries_of(gaz, reg)
        summary = summarise(gaz, entries) if entries else None
        row["area_reexpressed"] = summary.reexpressed if summary else ""
        for column in TERM_COLUMNS:
            value = getattr(reg, column)
            row[column] = value.isoformat() if hasattr(value, "isoformat") else (value or "")
        geom, source = None, "none"
        if with_geometry:
            if reg.area_polygon:
                geom, source = shapely.from_wkb(reg.area_polygon), "uploaded polygon"
            elif summary is not None:
                drawn = draw_area(gaz, summary, store)
                geom = drawn.geometry
                source = "units" if drawn.complete else ("units (incomplete)" if geom is not None else "none")
        row["area_geometry"] = source
        geometries.append(geom)
    return rows, geometries


def registry_columns(public_only: bool) -> list[str]:
    """The search columns, then the parties' kinds, the term, ids and the area as re-expressed and drawn."""
    return result_columns(with_flags=not public_only) + MORE_COLUMNS


def export_registry(session: Session, gaz: Gazetteer, fmt: str, scope=None, public_only: bool = False
                    ) -> tuple[bytes, str]:
    if fmt not in MIMETYPES:
        raise IpregError(N_("Unknown export format %(fmt)s: use csv, xlsx, geojson or gpkg."), fmt=fmt)
    rows, geometries = registry_rows(session, gaz, scope, public_only, with_geometry=fmt in ("geojson", "gpkg"))
    columns = registry_columns(public_only)
    if fmt == "csv":
        data = to_csv(rows, columns)
    elif fmt == "xlsx":
        data = to_xlsx(rows, columns)
    elif fmt == "geojson":
        data = to_geojson([{"type": "Feature", "properties": {c: r.get(c) for c in columns},
                            "geometry": mapping(g) if g is not None else None} for r, g in zip(rows, geometries)])
    else:
        data = to_geopackage([{c: r.get(c) for c in columns} for r in rows], geometries)
    return data, MIMETYPES[fmt]
