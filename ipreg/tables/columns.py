"""The column interfaces of the import and re-assignment files, with their Vietnamese header aliases.

These names are an interface (officers' templates and other tools depend on them): change them only with
a migration of those templates. Headers are compared folded, so tone marks and case do not matter. A header
may write a column in both languages ("Vai trò (role)", "role (Vai trò)", "Số đăng ký / reg_no"): the
templates write the Vietnamese name first and the key beside, so that a file reads Vietnamese and every
file with the bare English keys keeps working.
"""
from __future__ import annotations

import re

from ..core.text import fold

RECORD_COLUMNS = ["kind", "reg_no", "name", "product", "granted_on", "status", "holder", "holder_kind",
                  "holder_unit", "manager", "manager_kind", "manager_unit", "area_units", "area_vintage", "notes"]
# Every interface column must be there (empty cells are fine): a file without, say, `manager` would
# otherwise erase the managers of the records it updates.
RECORD_REQUIRED = RECORD_COLUMNS
# Optional columns beyond the interface: when a file has them they are imported; when it lacks them the
# values already in the registry are kept (so files in the 15-column format never erase them).
RECORD_OPTIONAL = ["nice_classes", "filing_date", "expiry_date", "decision_no"]
RECORD_ALIASES_VI = {
    "kind": ["loại", "loại đối tượng", "loại văn bằng"],
    "reg_no": ["số đăng ký", "số văn bằng", "số giấy chứng nhận"],
    "name": ["tên", "tên chỉ dẫn địa lý", "tên nhãn hiệu"],
    "product": ["sản phẩm"],
    "granted_on": ["ngày cấp", "ngày cấp văn bằng"],
    "status": ["tình trạng", "trạng thái"],
    "holder": ["chủ sở hữu", "chủ văn bằng"],
    "holder_kind": ["loại chủ sở hữu"],
    "holder_unit": ["địa bàn chủ sở hữu", "đơn vị hành chính chủ sở hữu"],
    "manager": ["tổ chức quản lý", "cơ quan quản lý"],
    "manager_kind": ["loại tổ chức quản lý"],
    "manager_unit": ["địa bàn tổ chức quản lý", "đơn vị hành chính tổ chức quản lý"],
    "area_units": ["khu vực địa lý", "vùng sản xuất", "địa bàn"],
    "area_vintage": ["ngày của danh mục địa bàn", "thời điểm địa bàn"],
    "notes": ["ghi chú"],
    "nice_classes": ["nhóm", "nhóm sản phẩm dịch vụ", "phân loại nice"],
    "filing_date": ["ngày nộp đơn"],
    "expiry_date": ["ngày hết hạn", "hiệu lực đến"],
    "decision_no": ["số quyết định", "quyết định cấp"],
}

REASSIGN_COLUMNS = ["kind", "reg_no", "role", "new_party", "new_party_kind", "new_party_unit", "decision_no",
                    "decision_date", "effective_date", "note"]
REASSIGN_REQUIRED = ["kind", "reg_no", "role", "new_party", "new_party_kind", "new_party_unit", "decision_no",
                     "decision_date", "effective_date"]
REASSIGN_ALIASES_VI = {
    "kind": ["loại"],
    "reg_no": ["số đăng ký", "số văn bằng"],
    "role": ["vai trò"],
    "new_party": ["chủ thể mới", "tổ chức mới"],
    "new_party_kind": ["loại chủ thể mới"],
    "new_party_unit": ["địa bàn chủ thể mới", "đơn vị hành chính chủ thể mới"],
    "decision_no": ["số quyết định"],
    "decision_date": ["ngày quyết định"],
    "effective_date": ["ngày hiệu lực"],
    "note": ["ghi chú"],
}


def alias_map(columns: list[str], vietnamese: dict[str, list[str]]) -> dict[str, str]:
    """Folded header → canonical column, for the English names and every Vietnamese alias."""
    out = {fold(c): c for c in columns}
    out.update({fold(c.replace("_", " ")): c for c in columns})
    for column, names in vietnamese.items():
        out.update({fold(n): column for n in names})
    return out


def column_of(title: str, aliases: dict[str, str]) -> str | None:
    """The canonical column of a header: its own name or alias, or one half of a bilingual header."""
    found = aliases.get(fold(title))
    if found is None:
        for part in re.split(r"[(/|)]", title or ""):
            found = aliases.get(fold(part))
            if found:
                break
    return found


def titled(column: str, vietnamese: dict[str, list[str]]) -> str:
    """The template's header of a column: its first Vietnamese name, then the key ("Vai trò (role)")."""
    name = vietnamese[column][0]
    return f"{name[:1].upper()}{name[1:]} ({column})"


RECORD_ALIASES = alias_map(RECORD_COLUMNS + RECORD_OPTIONAL, RECORD_ALIASES_VI)
REASSIGN_ALIASES = alias_map(REASSIGN_COLUMNS, REASSIGN_ALIASES_VI)
REASSIGN_TITLES = {c: titled(c, REASSIGN_ALIASES_VI) for c in REASSIGN_COLUMNS}
