"""Exports of search results and of the whole registry: CSV, XLSX, GeoJSON, GeoPackage.

Every text value goes out through ``text_safety.outbound``: formula-like text (= + - @ tab CR first) gets a
leading apostrophe and characters XML cannot hold are replaced, in all four formats alike.
"""
from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

from .text_safety import outbound, outbound_tree


def to_csv(rows: list[dict], columns: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([outbound(c) for c in columns])
    for row in rows:
        writer.writerow([outbound(row.get(c, "")) for c in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens Vietnamese text correctly


def to_xlsx(rows: list[dict], columns: list[str], sheet: str = "records",
            extra_sheets: dict[str, list[list]] | None = None) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append([outbound(c) for c in columns])
    for row in rows:
        ws.append([outbound(row.get(c, "")) for c in columns])
    for name, lines in (extra_sheets or {}).items():
        extra = book.create_sheet(name)
        for line in lines:
            extra.append([outbound(v) for v in line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_geojson(features: list[dict]) -> bytes:
    """A FeatureCollection; the features' properties go out through ``outbound`` (geometries are numbers)."""
    features = [{**f, "properties": outbound_tree(f.get("properties"))} for f in features]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")


def to_geopackage(rows: list[dict], geometries: list, layer: str = "registrations") -> bytes:
    """A GeoPackage QGIS opens directly (EPSG:4326), written with pyogrio."""
    import geopandas as gpd  # noqa: PLC0415

    frame = gpd.GeoDataFrame([outbound_tree(row) for row in rows], geometry=geometries, crs=4326)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ipreg.gpkg"
        frame.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
        return path.read_bytes()
