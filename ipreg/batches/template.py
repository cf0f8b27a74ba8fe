"""The re-assignment template: Vietnamese first, the keys beside, lists to choose from, the example apart.

The headers read "Vai trò (role)": Vietnamese for the officer, the key for tools (the reader takes either
half, so files with the bare English keys keep working). In the workbook, the coded columns (kind, role,
party kind) and the unit column offer drop-down lists from the "Danh mục" sheet, with Vietnamese values and
the key beside ("Tổ chức quản lý (manager)"; provinces of 2025-07-01 by name with their code), which the
reader accepts as written; the example is a sheet of its own ("Ví dụ"), so that no row has to be deleted
before an upload. On request the data rows are the open holder/manager flags of a province with their
suggested successors (download, review, upload).
"""
from __future__ import annotations

import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.exports import to_csv
from ..core.text_safety import outbound
from ..gazetteer.snapshot import Gazetteer, get_gazetteer
from ..models import Flag, RecordProvince
from ..reform.review import PARTY_RULES
from ..reform.views import payloads
from ..tables.columns import REASSIGN_COLUMNS, REASSIGN_TITLES
from ..tables.values import KIND_VI, PARTY_KIND_VI, ROLE_VI, listed

DATA_SHEET, EXAMPLE_SHEET, LISTS_SHEET = "Điều chuyển", "Ví dụ", "Danh mục"
EXAMPLE = {"kind": listed("GI", KIND_VI), "reg_no": "00017", "role": listed("manager", ROLE_VI),
           "new_party": "Sở Khoa học và Công nghệ tỉnh Ninh Bình", "new_party_kind": listed("dost", PARTY_KIND_VI),
           "new_party_unit": "Tỉnh Ninh Bình (37)", "decision_no": "123/QĐ-UBND", "decision_date": "15/07/2025",
           "effective_date": "15/07/2025", "note": "Theo Quyết định số 123/QĐ-UBND"}
EXAMPLE_NOTE = ("Ví dụ một dòng đã điền. Nhập dữ liệu ở trang «Điều chuyển»; các cột Loại, Vai trò, Loại chủ thể "
                "mới và Địa bàn chủ thể mới có danh sách để chọn (trang «Danh mục»). Example of a filled row: fill "
                "in the «Điều chuyển» sheet.")
LIST_ROWS = 1000  # data rows that offer the drop-down lists beyond the prefilled ones


def headers() -> list[str]:
    return [REASSIGN_TITLES[c] for c in REASSIGN_COLUMNS]


def prefilled_rows(session: Session, gaz: Gazetteer, province: str | None) -> list[dict]:
    """Open holder/manager flags with a single suggestion, in a new province (all provinces if None), written
    as the drop-down lists write their values."""
    stmt = select(Flag).where(Flag.status == "open", Flag.rule.in_(PARTY_RULES)).order_by(Flag.registration_id)
    if province:
        stmt = stmt.where(Flag.registration_id.in_(select(RecordProvince.registration_id).where(
            RecordProvince.vintage == "new", RecordProvince.province_code == province)))
    flags = list(session.scalars(stmt))
    words = payloads(session, flags)
    rows = []
    for flag in flags:
        suggested = words[flag.id]["suggested"]
        if not suggested or "party" not in suggested or (flag.registration.kind == "GI" and flag.subject == "holder"):
            continue
        reg, unit = flag.registration, gaz.by_key.get(("new", suggested["unit"]["code"]))
        rows.append({"kind": listed(reg.kind, KIND_VI), "reg_no": reg.reg_no or reg.internal_id,
                     "role": listed(flag.subject, ROLE_VI), "new_party": suggested["party"]["name"],
                     "new_party_kind": listed(suggested["party"]["kind"], PARTY_KIND_VI),
                     "new_party_unit": f"{unit.name} ({unit.code})" if unit else suggested["unit"]["code"],
                     "decision_no": "", "decision_date": "", "effective_date": "", "note": f"{flag.rule}: {reg.name}"})
    return rows


def template(session: Session, fmt: str, province: str | None = None, prefill: bool = False) -> bytes:
    gaz = get_gazetteer(session)
    rows = prefilled_rows(session, gaz, province) if prefill else []
    titled = [{h: r[c] for h, c in zip(headers(), REASSIGN_COLUMNS)} for r in rows]
    if fmt == "csv":
        return to_csv(titled, headers())
    return _workbook(rows, _lists(gaz))


def _lists(gaz: Gazetteer) -> dict[str, list[str]]:
    """The values each listed column offers, Vietnamese first (districts' committees no longer exist)."""
    return {"kind": [listed(k, KIND_VI) for k in KIND_VI],
            "role": [listed(k, ROLE_VI) for k in ROLE_VI],
            "new_party_kind": [listed(k, PARTY_KIND_VI) for k in PARTY_KIND_VI if k != "district_pc"],
            "new_party_unit": [f"{p.name} ({p.code})" for p in gaz.provinces("new")]}


def _workbook(rows: list[dict], lists: dict[str, list[str]]) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415 - heavy, only for this download

    book = Workbook()
    data = book.active
    data.title = DATA_SHEET
    _table(data, [[r[c] for c in REASSIGN_COLUMNS] for r in rows])
    _table(book.create_sheet(EXAMPLE_SHEET), [[EXAMPLE[c] for c in REASSIGN_COLUMNS], [], [EXAMPLE_NOTE]])
    sheet = book.create_sheet(LISTS_SHEET)
    for index, (column, values) in enumerate(lists.items(), start=1):
        sheet.cell(1, index, outbound(REASSIGN_TITLES[column]))
        for row, value in enumerate(values, start=2):
            sheet.cell(row, index, outbound(value))
        sheet.column_dimensions[_letter(index)].width = 42
        _validate(data, column, index, len(values), len(rows) + LIST_ROWS)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _table(sheet, rows: list[list[str]]) -> None:
    sheet.append([outbound(h) for h in headers()])
    for row in rows:
        sheet.append([outbound(v) for v in row])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(REASSIGN_COLUMNS, start=1):
        sheet.column_dimensions[_letter(index)].width = 40 if column in ("new_party", "new_party_unit") else 24


def _validate(sheet, column: str, list_index: int, count: int, last_row: int) -> None:
    """A drop-down list on a data column from the lists sheet. It warns on another value and lets it stand:
    typed spellings ("UBND tỉnh") and communes in the unit column are read too."""
    from openpyxl.worksheet.datavalidation import DataValidation  # noqa: PLC0415

    letter = _letter(REASSIGN_COLUMNS.index(column) + 1)
    source = _letter(list_index)
    rule = DataValidation(type="list", formula1=f"'{LISTS_SHEET}'!${source}$2:${source}${count + 1}",
                          allow_blank=True, showErrorMessage=column != "new_party_unit", errorStyle="warning",
                          errorTitle="Giá trị ngoài danh sách", error="Giá trị này không có trong danh sách (trang "
                          "«Danh mục»). Value not in the list.", promptTitle=REASSIGN_TITLES[column][:32],
                          prompt="Chọn trong danh sách / choose from the list", showInputMessage=True)
    rule.add(f"{letter}2:{letter}{last_row}")
    sheet.add_data_validation(rule)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    return get_column_letter(index)
