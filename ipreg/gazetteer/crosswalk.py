"""Read the two sources of the old→new succession and compare them.

Source one is the MIT-licensed ``vietnamadminunits`` package (unit lists of both vintages and a converter
keyed by slugs). Source two is the statistics office's conversion table as officers receive it (CSV with two
header lines and a banner row per province). Both are turned into the same plain link rows here, so the
loader stores them side by side and ``ipreg gazetteer check`` can list where they disagree.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path

from ..core.errors import N_, IpregError
from ..core.text import fold, nfc, slug

PACKAGE = "vietnamadminunits"


@dataclass
class SourceUnit:
    """A unit as a source lists it (the package, a boundary file): codes, not yet a row of ``admin_unit``."""

    code: str
    vintage: str
    level: str
    type: str
    name: str
    short_name: str
    parent_code: str | None
    province_code: str
    lat: float | None = None
    lon: float | None = None
    area_km2: float | None = None
    legal_basis: str | None = None


@dataclass
class SourceLink:
    """A commune-level (or island-district) link as a source states it."""

    old_code: str
    old_level: str
    new_code: str
    kind: str  # whole | part | unchanged | renamed
    note: str = ""


@dataclass
class SourceData:
    units: list[SourceUnit] = field(default_factory=list)
    links: list[SourceLink] = field(default_factory=list)
    fingerprint: str = ""


def _package_file(name: str) -> Path:
    return Path(str(resources.files(PACKAGE).joinpath("data", name)))


def package_version() -> str:
    return metadata.version(PACKAGE)


def package_fingerprint() -> str:
    """Version and content hash of the package's data, so a new package release triggers a reload."""
    digest = hashlib.sha256(package_version().encode())
    for name in ("dataset.db", "converter_2025.json"):
        digest.update(_package_file(name).read_bytes())
    return digest.hexdigest()


def _unit_type(full_name: str, candidates: tuple[str, ...]) -> str:
    for word in candidates:
        if full_name.startswith(word + " "):
            return word
    raise IpregError(N_("Cannot tell the type of unit %(name)s"), name=full_name)


PROVINCE_TYPES = ("Thành phố", "Tỉnh")
DISTRICT_TYPES = ("Thành phố", "Thị xã", "Quận", "Huyện")
COMMUNE_TYPES = ("Thị trấn", "Đặc khu", "Phường", "Xã")


def named_type(full_name: str, column_type: str | None, candidates: tuple[str, ...]) -> str:
    """The type word the official name starts with ('Thị Trấn Ái Tử' → 'Thị trấn'), else the column's.

    The package's type column disagrees with the name for a dozen units ('Phường 15' typed 'Xã'); the name is
    what the resolution wrote.
    """
    lowered = full_name.casefold()
    for word in candidates:
        if lowered.startswith(word.casefold() + " "):
            return word
    return column_type or ""


def short_name(full_name: str, unit_type: str | None, given: str) -> str:
    """The name without its type word: 'Quận 1' → '1', 'Thị Xã Buôn Hồ' → 'Buôn Hồ'.

    The package's own short names sometimes keep the type ('Quận 1') or add it in brackets to tell
    namesakes apart ('Yên Viên (Thị trấn)'); the full name and the type are reliable.
    """
    if unit_type and full_name.casefold().startswith(unit_type.casefold() + " "):
        return full_name[len(unit_type) + 1:].strip()
    return re.sub(r"\s*\([^)]*\)$", "", given).strip()


def _province_row(r: dict, vintage: str) -> SourceUnit:
    """The province of a converter row (its columns are named alike in the legacy and current tables)."""
    name = nfc(r["province"])
    kind = _unit_type(name, PROVINCE_TYPES)
    return SourceUnit(r["provinceCode"], vintage, "province", kind, name,
                   short_name(name, kind, nfc(r["provinceShort"])), None, r["provinceCode"],
                   r["provinceLat"], r["provinceLon"])


def read_package() -> SourceData:
    """Units of both vintages and the converter's links, from the installed vietnamadminunits."""
    con = sqlite3.connect(f"file:{_package_file('dataset.db')}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        legacy = [dict(r) for r in con.execute("SELECT * FROM admin_units_legacy")]
        current = [dict(r) for r in con.execute("SELECT * FROM admin_units")]
    finally:
        con.close()
    data = SourceData(fingerprint=package_fingerprint())
    seen: set[tuple[str, str]] = set()
    old_keys: dict[str, tuple[str, str]] = {}  # converter key -> (code, level)
    for r in legacy:
        pcode, dcode = r["provinceCode"], r["districtCode"]
        if ("p", pcode) not in seen:
            seen.add(("p", pcode))
            data.units.append(_province_row(r, "old"))
        if ("d", dcode) not in seen:
            seen.add(("d", dcode))
            name = nfc(r["district"])
            kind = named_type(name, nfc(r["districtType"]), DISTRICT_TYPES)
            data.units.append(SourceUnit(dcode, "old", "district", kind, name,
                                      short_name(name, kind, nfc(r["districtShort"])), pcode, pcode,
                                      r["districtLat"], r["districtLon"]))
        key = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}"
        if r["wardCode"]:
            name = nfc(r["ward"])
            kind = named_type(name, nfc(r["wardType"]), COMMUNE_TYPES)
            data.units.append(SourceUnit(r["wardCode"], "old", "commune", kind, name,
                                      short_name(name, kind, nfc(r["wardShort"])), dcode, pcode,
                                      r["wardLat"], r["wardLon"]))
            old_keys[key] = (r["wardCode"], "commune")
        else:  # island districts without communes convert as a whole
            old_keys[key] = (dcode, "district")
    new_keys: dict[tuple[str, str], str] = {}
    for r in current:
        pcode = r["provinceCode"]
        if ("P", pcode) not in seen:
            seen.add(("P", pcode))
            data.units.append(_province_row(r, "new"))
        name = nfc(r["ward"])
        kind = named_type(name, nfc(r["wardType"]), COMMUNE_TYPES)
        data.units.append(SourceUnit(r["wardCode"], "new", "commune", kind, name,
                                  short_name(name, kind, nfc(r["wardShort"])), pcode, pcode, r["wardLat"],
                                  r["wardLon"], r["wardAreaKm2"]))
        new_keys[(r["provinceKey"], r["wardKey"])] = r["wardCode"]

    data.links = _converter_links(old_keys, new_keys)
    refine_kinds(data.links, {u.code: u for u in data.units if u.vintage == "old"},
                 {u.code: u for u in data.units if u.vintage == "new"})
    return data


def _converter_links(old_keys: dict[str, tuple[str, str]], new_keys: dict[tuple[str, str], str]) -> list[SourceLink]:
    """The package's converter: wards kept whole, and wards divided (every part kept, never its default)."""
    converter = json.loads(_package_file("converter_2025.json").read_text(encoding="utf-8"))
    links = []
    for new_province, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, olds in wards.items():
            for old_key in olds:
                code, level = old_keys[old_key]
                links.append(SourceLink(code, level, new_keys[(new_province, ward_key)], "whole"))
    for new_province, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in olds.items():
            code, level = old_keys[old_key]
            for target in targets:
                links.append(SourceLink(code, level, new_keys[(new_province, target["newWardKey"])], "part"))
    return links


def refine_kinds(links: list[SourceLink], old_units: dict[str, SourceUnit], new_units: dict[str, SourceUnit]) -> None:
    """A whole link whose new unit has no other predecessor is 'unchanged' (same name) or 'renamed'."""
    predecessors = defaultdict(int)
    for link in links:
        predecessors[link.new_code] += 1
    for link in links:
        if link.kind != "whole" or predecessors[link.new_code] != 1 or link.old_level != "commune":
            continue
        old, new = old_units[link.old_code], new_units[link.new_code]
        same = old.type == new.type and slug(old.short_name) == slug(new.short_name)
        link.kind = "unchanged" if same else "renamed"


def read_legal_basis(path: Path) -> dict[str, str]:
    """New commune code → the resolution that established it (``new/legal_basis.json``)."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return {r["code"]: nfc(r["decree"]) for r in rows}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IpregError(N_("Cannot read the legal-basis file %(path)s: %(error)s"), path=str(path),
                         error=str(exc)) from exc


# --- The statistics office's table -------------------------------------------------------------------

NSO_COLUMNS = ("Tỉnh, thành phố", "Tên Xã mới", "Mã Xã mới", "Tên Xã cũ", "Mã Xã cũ", "Ghi chú", "Quận/huyện",
               "Tỉnh cũ")
_CODE_IN_PARENS = re.compile(r"\((\d{2,3})\)")


def nso_kind(note: str) -> str:
    """Map the table's free-text note ('Nhập một phần diện tích', 'Giữ nguyên ', ...) to a link kind."""
    folded = fold(note)
    if "mot phan" in folded or folded.startswith("phan con lai"):
        return "part"
    if folded.startswith("giu nguyen"):
        return "unchanged"
    if folded.startswith("doi ten") or folded.startswith("doi loai hinh"):
        return "renamed"
    return "whole"


@dataclass
class NsoTable:
    links: list[SourceLink]
    skipped: list[dict]  # rows that name no old unit by code (e.g. a coastal mudflat), kept for the report
    fingerprint: str


def read_nso_table(path: Path) -> NsoTable:
    """Parse the conversion table; raise ``IpregError`` naming the problem when it is not such a table."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise IpregError(N_("Cannot read the conversion table %(path)s: %(error)s"), path=str(path),
                         error=exc.strerror) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IpregError(N_("The conversion table %(path)s is not UTF-8 text (byte %(byte)d)"), path=str(path),
                         byte=exc.start) from exc
    rows = list(csv.reader(io.StringIO(text)))
    header_at = next((i for i, r in enumerate(rows[:5]) if [nfc(c) for c in r[:3]] == list(NSO_COLUMNS[:3])), None)
    if header_at is None:
        raise IpregError(N_("%(path)s is not the statistics office conversion table: expected the columns "
                            "%(columns)s"), path=str(path), columns=", ".join(NSO_COLUMNS))
    header = [nfc(c) for c in rows[header_at]]
    missing = [c for c in NSO_COLUMNS if c not in header]
    if missing:
        raise IpregError(N_("%(path)s: missing columns %(columns)s"), path=str(path), columns=", ".join(missing))
    col = {name: header.index(name) for name in NSO_COLUMNS}
    links, skipped = [], []
    for line_no, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        row = row + [""] * (len(header) - len(row))
        new_code = nfc(row[col["Mã Xã mới"]])
        if not new_code:
            continue  # a province banner row
        old_code = nfc(row[col["Mã Xã cũ"]])
        note = nfc(row[col["Ghi chú"]])
        if not re.fullmatch(r"\d{5}", new_code):
            raise IpregError(N_("%(path)s, line %(line)d: commune code %(code)s is not 5 digits"),
                             path=str(path), line=line_no, code=new_code)
        if old_code:
            if not re.fullmatch(r"\d{5}", old_code):
                raise IpregError(N_("%(path)s, line %(line)d: commune code %(code)s is not 5 digits"),
                                 path=str(path), line=line_no, code=old_code)
            links.append(SourceLink(old_code, "commune", new_code, nso_kind(note), note))
            continue
        district = _CODE_IN_PARENS.search(row[col["Quận/huyện"]])
        if district and fold(note).startswith("sap xep toan bo huyen"):
            links.append(SourceLink(district.group(1).zfill(3), "district", new_code, "whole", note))
        else:
            skipped.append({"line": line_no, "new_code": new_code, "old_name": nfc(row[col["Tên Xã cũ"]]),
                            "note": note})
    if not links:
        raise IpregError(N_("%(path)s holds no conversion rows"), path=str(path))
    return NsoTable(links, skipped, hashlib.sha256(raw).hexdigest())


def compare_links(primary: list[SourceLink], other: list[SourceLink], names: dict[str, str]) -> list[dict]:
    """Every old unit for which the two sources name different successors or disagree on a split."""
    def successors(links):
        out = defaultdict(dict)
        for link in links:
            out[(link.old_level, link.old_code)][link.new_code] = link.kind
        return out

    a, b = successors(primary), successors(other)
    report = []
    for key in sorted(set(a) | set(b), key=lambda k: (k[1], k[0])):
        level, code = key
        left, right = a.get(key, {}), b.get(key, {})
        if set(left) == set(right):
            split_left = len(left) > 1 or "part" in left.values()
            split_right = len(right) > 1 or "part" in right.values()
            if split_left == split_right:
                continue
            problem = "split_differs"
        elif not left:
            problem = "only_in_table"
        elif not right:
            problem = "missing_in_table"
        else:
            problem = "different_successors"
        report.append({
            "old": {"code": code, "level": level, "name": names.get(code, "")},
            "problem": problem,
            "package": [{"code": c, "kind": k} for c, k in sorted(left.items())],
            "table": [{"code": c, "kind": k} for c, k in sorted(right.items())],
        })
    return report
