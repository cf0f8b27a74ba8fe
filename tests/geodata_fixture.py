"""Build a small stand-in for ../shared/geodata when the real files are absent (e.g. on a bare CI clone).

Unit lists and succession always come from the real vietnamadminunits package; only polygons are made up
here, as Voronoi cells of the package's real commune points dissolved into districts and provinces, so
neighbours share borders exactly. The statistics office table is written from the package's own links with
one disagreement planted, so that ``gazetteer check`` has something to find.
"""
from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import geopandas as gpd
import shapely

from ipreg.gazetteer import crosswalk


def build(target: Path) -> Path:
    source = crosswalk.read_package()
    old_communes = [u for u in source.units if u.vintage == "old" and u.level == "commune" and u.lat]
    new_communes = [u for u in source.units if u.vintage == "new" and u.level == "commune" and u.lat]
    frame = shapely.box(102.0, 8.0, 110.0, 23.5)
    (target / "new").mkdir(parents=True, exist_ok=True)
    (target / "old").mkdir(parents=True, exist_ok=True)
    (target / "crosswalk").mkdir(parents=True, exist_ok=True)

    def cells(units):
        points = shapely.points([(u.lon, u.lat) for u in units])
        regions = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=frame)
        polys = list(shapely.get_parts(regions))
        tree = shapely.STRtree(polys)
        owner = tree.query(points, predicate="within")
        out = [None] * len(units)
        for point_index, poly_index in zip(*owner):
            out[point_index] = shapely.intersection(polys[poly_index], frame)
        return out

    new_cells = cells(new_communes)
    new = gpd.GeoDataFrame({"code": [u.code for u in new_communes], "name": [u.short_name for u in new_communes],
                            "type": [u.type for u in new_communes],
                            "province_code": [u.province_code for u in new_communes]},
                           geometry=new_cells, crs=4326)
    new.to_file(target / "new" / "communes.geojson", driver="GeoJSON")
    new[["province_code", "geometry"]].dissolve("province_code").reset_index().rename(columns={"province_code": "code"})[["code", "geometry"]] \
        .to_file(target / "new" / "provinces.geojson", driver="GeoJSON")
    old_cells = cells(old_communes)
    old = gpd.GeoDataFrame({"district": [u.parent_code for u in old_communes],
                            "province": [u.province_code for u in old_communes]}, geometry=old_cells, crs=4326)
    old.dissolve("district").reset_index().rename(columns={"district": "code"})[["code", "geometry"]] \
        .to_file(target / "old" / "districts.geojson", driver="GeoJSON")
    old.dissolve("province").reset_index().rename(columns={"province": "code"})[["code", "geometry"]] \
        .to_file(target / "old" / "provinces.geojson", driver="GeoJSON")

    (target / "new" / "legal_basis.json").write_text(json.dumps([
        {"code": u.code, "name": u.name, "province_code": u.province_code, "level": u.type,
         "decree": "Số: 0000/NQ-UBTVQH15 (fixture)"} for u in new_communes], ensure_ascii=False))

    names = {(u.vintage, u.code): u for u in source.units}
    rows = defaultdict(list)
    for link in source.links:
        rows[names[("new", link.new_code)].province_code].append(link)
    with open(target / "crosswalk" / "nso_conversion_2025-07-01.csv", "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Đơn vị hành chính từ ngày 01/7/2025", "", "", "Đơn vị hành chính trước ngày 01/7/2025"])
        out.writerow(list(crosswalk.NSO_COLUMNS))
        planted = False
        for province, links in sorted(rows.items()):
            out.writerow([names[("new", province)].name.upper()])
            for link in links:
                new_unit = names[("new", link.new_code)]
                if link.old_level == "district":
                    old_district = names[("old", link.old_code)]
                    out.writerow([f"{names[('new', province)].name} ({province})", new_unit.name, new_unit.code, "",
                                  "", f"Sắp xếp toàn bộ huyện {old_district.short_name} thành đặc khu",
                                  f"{old_district.name} ({old_district.code})", ""])
                    continue
                old_unit = names[("old", link.old_code)]
                note = "Nhập một phần" if link.kind == "part" else "Nhập toàn bộ"
                new_code = new_unit.code
                if not planted and link.kind == "whole" and province == "01":
                    new_code, planted = "00004" if new_unit.code != "00004" else "00008", True
                out.writerow([f"{names[('new', province)].name} ({province})", new_unit.name, new_code,
                              old_unit.name, old_unit.code, note, "", ""])
    return target
