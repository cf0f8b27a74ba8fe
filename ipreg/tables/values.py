"""The coded values of the upload files as officers write them: the record's kind, the role, the party's kind.

A file is read as it was filled in: in Vietnamese ("tổ chức quản lý", "Ủy ban nhân dân cấp tỉnh", "CDĐL"),
with the English keys of the interface ("manager", "province_pc", "GI"), or as the template's drop-down lists
write both ("Tổ chức quản lý (manager)"). Values are compared folded (``core.text.fold``: no tone marks, so
either tone placement, đ/d, i/y and case are alike). This is the one table of them: the template's lists,
the batch reader and the record reader's kinds all come from here.
"""
from __future__ import annotations

import re

from ..core.text import fold, nfc

# The Vietnamese name of each key, as the template's lists and the interface write it.
KIND_VI = {"GI": "Chỉ dẫn địa lý", "COLLECTIVE": "Nhãn hiệu tập thể", "CERTIFICATION": "Nhãn hiệu chứng nhận"}
ROLE_VI = {"holder": "Chủ sở hữu", "manager": "Tổ chức quản lý"}
PARTY_KIND_VI = {
    "state": "Nhà nước", "province_pc": "Ủy ban nhân dân cấp tỉnh", "district_pc": "Ủy ban nhân dân cấp huyện",
    "commune_pc": "Ủy ban nhân dân cấp xã", "dost": "Sở Khoa học và Công nghệ", "state_agency": "Cơ quan nhà nước",
    "association": "Hiệp hội", "cooperative": "Hợp tác xã", "farmers_union": "Hội Nông dân",
    "enterprise": "Doanh nghiệp", "individual": "Cá nhân", "foreign": "Chủ thể nước ngoài",
}
# Other ways officers write them: abbreviations, older wordings and the English labels of the interface.
_KIND_MORE = {
    "GI": ["CDĐL", "geographical indication", "chỉ dẫn"],
    "COLLECTIVE": ["NHTT", "collective mark"],
    "CERTIFICATION": ["NHCN", "certification mark"],
}
_ROLE_MORE = {"holder": ["chủ văn bằng", "chủ sở hữu văn bằng"],
              "manager": ["cơ quan quản lý", "tổ chức quản lí", "đơn vị quản lý", "quản lý"]}
_PARTY_KIND_MORE = {
    "state": ["nhà nước việt nam", "the State"],
    "province_pc": ["UBND tỉnh", "UBND cấp tỉnh", "Ủy ban nhân dân tỉnh", "UBND thành phố", "UBND tỉnh/thành phố",
                    "provincial People's Committee"],
    "district_pc": ["UBND huyện", "UBND cấp huyện", "Ủy ban nhân dân huyện", "district People's Committee"],
    "commune_pc": ["UBND xã", "UBND cấp xã", "Ủy ban nhân dân xã", "UBND phường", "UBND xã/phường",
                   "commune People's Committee"],
    "dost": ["Sở KH&CN", "Sở KHCN", "Sở KH và CN", "Sở Khoa học Công nghệ", "Department of Science and Technology"],
    "state_agency": ["cơ quan quản lý nhà nước", "state agency"],
    "association": ["hội", "hiệp hội", "association"],
    "cooperative": ["HTX", "cooperative"],
    "farmers_union": ["Hội ND", "farmers' union"],
    "enterprise": ["DN", "công ty", "enterprise"],
    "individual": ["individual"],
    "foreign": ["tổ chức, cá nhân nước ngoài", "nước ngoài", "foreign party"],
}
_PARTS = re.compile(r"[(/|)]")
_CODED = re.compile(r"^(?P<name>.*\S)\s*\((?P<code>\d{2,5})\)\s*$")


def _table(vietnamese: dict[str, str], more: dict[str, list[str]]) -> dict[str, str]:
    """Folded spelling → key: the key itself, its Vietnamese name and the other spellings."""
    out: dict[str, str] = {}
    for key, name in vietnamese.items():
        for spelling in (key, name, *more.get(key, ())):
            out.setdefault(fold(spelling), key)
    return out


KINDS = _table(KIND_VI, _KIND_MORE)
ROLES = _table(ROLE_VI, _ROLE_MORE)
PARTY_KINDS = _table(PARTY_KIND_VI, _PARTY_KIND_MORE)


def read_value(text: str | None, table: dict[str, str]) -> str | None:
    """The key a cell writes, or None: the whole cell, else one half of a listed value ("Tổ chức quản lý
    (manager)"), as the template's drop-down lists write it."""
    folded = fold(text)
    if not folded:
        return None
    if folded in table:
        return table[folded]
    found = {table[f] for part in _PARTS.split(nfc(text)) if (f := fold(part)) in table}
    return found.pop() if len(found) == 1 else None


def listed(key: str, vietnamese: dict[str, str]) -> str:
    """A value as the template's drop-down lists offer it: Vietnamese first, the key beside."""
    return f"{vietnamese[key]} ({key})"


def split_coded(text: str | None) -> tuple[str, str | None]:
    """A unit written as the province list offers it, "Tỉnh Lào Cai (15)": (name, code); else (text, None)."""
    match = _CODED.match(nfc(text))
    return (match["name"], match["code"]) if match else (nfc(text), None)
