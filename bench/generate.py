"""Generated registry records built from real units, for the benchmarks (written as the import format)."""
from __future__ import annotations

import csv
import io
import random

PRODUCTS = ["Chè", "Cà phê", "Bưởi", "Vải thiều", "Nhãn", "Gạo", "Mật ong", "Cam", "Nước mắm", "Hồi", "Quế",
            "Tỏi", "Hành", "Xoài", "Chuối", "Rau", "Thanh long", "Sâm", "Măng", "Cói"]


def records_csv(gaz, n: int, seed: int = 1) -> bytes:
    """``n`` rows: GIs managed by district committees or DOSTs, collective marks of associations; areas of
    1-8 old communes or a district, named by code or by name (like officers' files)."""
    rng = random.Random(seed)
    districts = [u for u in gaz.units.values() if u.vintage == "old" and u.level == "district"
                 and gaz.children.get(u.id)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kind", "reg_no", "name", "product", "granted_on", "status", "holder", "holder_kind",
                     "holder_unit", "manager", "manager_kind", "manager_unit", "area_units", "area_vintage", "notes"])
    for i in range(n):
        district = rng.choice(districts)
        province = gaz.units[district.parent_id]
        communes = [gaz.units[c] for c in gaz.children[district.id]]
        product = rng.choice(PRODUCTS)
        if rng.random() < 0.3:
            area = [district.code]
        else:
            area = [c.code if rng.random() < 0.5 else gaz.path(c) for c in rng.sample(communes, min(len(communes),
                                                                                                   rng.randint(1, 8)))]
        kind = rng.choices(["GI", "COLLECTIVE", "CERTIFICATION"], [0.5, 0.35, 0.15])[0]
        year = rng.randint(2005, 2024)
        if kind == "GI":
            holder, holder_kind, holder_unit = "Nhà nước Việt Nam", "state", ""
            if rng.random() < 0.5:
                manager, manager_kind, manager_unit = f"Ủy ban nhân dân {district.name.lower()}", "district_pc", \
                    district.code
            else:
                manager, manager_kind, manager_unit = f"Sở Khoa học và Công nghệ {province.name.lower()}", "dost", \
                    province.code
        else:
            holder = f"Hội {product} {district.short_name}"
            holder_kind, holder_unit = "association", district.code
            manager, manager_kind, manager_unit = "", "", ""
        writer.writerow([kind, f"{i + 1:06d}", f"{product} {district.short_name} {i}", product,
                         f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "registered", holder,
                         holder_kind, holder_unit, manager, manager_kind, manager_unit, "; ".join(area),
                         "2025-06-30", "generated"])
    return out.getvalue().encode("utf-8")


def import_generated(session, gaz, n: int, seed: int = 1):
    """Import ``n`` generated records into ``session`` (setup of the benchmarks that measure what follows)."""
    from ipreg.registry.record_import import import_records

    report = import_records(session, records_csv(gaz, n, seed=seed), "generated.csv", max_rows=n, max_bytes=None)
    assert report.imported, report.as_dict()["errors"][:2]
    return report
