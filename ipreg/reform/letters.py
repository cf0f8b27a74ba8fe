"""Draft requests for recording a change with the IP Office, in Vietnamese, prefilled (DOCX).

A draft for the officer to check, sign and file: it names the record, the change (before → after), the
decision, and the legal basis of the succession. One record per page; a selection gives one file.
"""
from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from sqlalchemy.orm import Session

from ..core.text_safety import outbound
from ..gazetteer.snapshot import Gazetteer
from ..models import Flag, Registration
from ..registry.records import describe_record
from .views import payloads

KIND_VI = {"GI": "chỉ dẫn địa lý", "COLLECTIVE": "nhãn hiệu tập thể", "CERTIFICATION": "nhãn hiệu chứng nhận"}
ROLE_VI = {"holder": "chủ sở hữu", "manager": "tổ chức quản lý", "area": "khu vực địa lý"}


def _paragraph(doc, text: str = ""):
    """Add a paragraph through ``outbound``, as every way out of ipreg: a paragraph is a DOCX's cell, so text
    that starts one would be neutralised like a spreadsheet cell (ours start with fixed words), and characters
    XML cannot hold, possible in records stored before the import refused them, are replaced instead of
    making the whole letter a server error."""
    return doc.add_paragraph(outbound(text))


def _vn(value: str | None) -> str:
    if not value:
        return "…………"
    d = date.fromisoformat(value[:10])
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _party(p: dict | None) -> str:
    if not p:
        return "(không có)"
    unit = f", {p['unit']['name']}" if p.get("unit") else ""
    return f"{p['name']}{unit}"


def _page(doc, session: Session, gaz: Gazetteer, reg: Registration, flags: list[Flag]) -> None:
    record = describe_record(session, gaz, reg, with_history=False)
    words = payloads(session, flags)
    title = _paragraph(doc)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
    run.bold = True
    heading = _paragraph(doc)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    h = heading.add_run(f"TỜ KHAI YÊU CẦU GHI NHẬN THAY ĐỔI THÔNG TIN {KIND_VI[reg.kind].upper()}\n(bản dự thảo)")
    h.bold = True
    h.font.size = Pt(13)
    _paragraph(doc, "Kính gửi: Cục Sở hữu trí tuệ")
    number = record["reg_no"] or f"(chưa có số; mã nội bộ {record['internal_id']})"
    _paragraph(doc, f"1. Đối tượng: {KIND_VI[reg.kind]} «{record['name']}» — sản phẩm: {record['product'] or '…'}; "
                      f"số văn bằng: {number}; ngày cấp: {_vn(record['granted_on'])}.")
    _paragraph(doc, f"2. Chủ sở hữu hiện ghi nhận: {_party(record['holder'])}.")
    _paragraph(doc, f"3. Tổ chức quản lý hiện ghi nhận: {_party(record['manager'])}.")
    _paragraph(doc, "4. Nội dung yêu cầu ghi nhận thay đổi:")
    for n, flag in enumerate(flags, start=1):
        decision = flag.decision or {}
        suggested = words[flag.id]["suggested"]
        successor = decision.get("successor") or (suggested if suggested and "party" in suggested else None)
        if flag.subject in ("holder", "manager"):
            target = successor.get("name") if successor and "name" in successor else (
                successor["party"]["name"] if successor else "…………")
            unit = (successor or {}).get("unit") or {}
            text = (f"4.{n}. Thay đổi {ROLE_VI[flag.subject]}: thành {target}"
                    f"{', ' + unit['name'] if unit.get('name') else ''}.")
        elif flag.rule == "AREA_REEXPRESSION":
            text = (f"4.{n}. Diễn đạt lại khu vực địa lý theo đơn vị hành chính từ ngày 01/7/2025: "
                    f"{(record['area'] or {}).get('reexpressed', '…')}.")
        else:
            text = f"4.{n}. {words[flag.id]['reason_vi']}"
        _paragraph(doc, text)
        basis = [l.get("legal_basis") for l in words[flag.id]["evidence"].get("links", []) if l.get("legal_basis")]
        if basis:
            _paragraph(doc, f"Căn cứ: {'; '.join(sorted(set(basis))[:3])}.")
        if decision.get("decision_no"):
            _paragraph(doc, f"Theo Quyết định số {decision['decision_no']} ngày {_vn(decision.get('decision_date'))}"
                              f", có hiệu lực từ {_vn(decision.get('effective_date'))}.")
    if not flags:
        _paragraph(doc, "(không có thay đổi nào được đề nghị)")
    _paragraph(doc, "5. Tài liệu kèm theo: quyết định nêu trên; văn bản của cơ quan có thẩm quyền về việc sắp xếp "
                      "đơn vị hành chính.")
    sign = _paragraph(doc, "\n……………, ngày …… tháng …… năm ……\nĐẠI DIỆN CƠ QUAN, TỔ CHỨC\n(ký, ghi rõ họ tên, đóng dấu)")
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def draft_requests(session: Session, gaz: Gazetteer, items: list[tuple[Registration, list[Flag]]]) -> bytes:
    """One DOCX with a draft request per record (a page each)."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    for index, (reg, flags) in enumerate(items):
        if index:
            doc.add_page_break()
        _page(doc, session, gaz, reg, flags)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
