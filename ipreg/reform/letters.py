"""Draft requests to the IP Office to record a change (DOCX, Vietnamese), one letter per record.

A draft for the body that files it to check, number, sign and send: a công văn to the Cục Sở hữu trí tuệ
naming the title (kind, name, product, number, grant date), and for each change the value registered BEFORE
the decision and the one requested AFTER it (``letters_changes``: after an accept, the "before" comes from
the record's history, never from its current state), the decision, and the acts it rests on written out in
full (``letters_acts``). The page is the administrative letter of Nghị định 30/2020/NĐ-CP
(``letters_layout``). A selection of records gives one file, a letter per record, a page break between.
"""
from __future__ import annotations

import io
from datetime import date

from docx.enum.text import WD_ALIGN_PARAGRAPH
from sqlalchemy.orm import Session

from ..core.text_safety import outbound
from ..gazetteer.snapshot import Gazetteer
from ..models import Flag, Registration
from ..registry.records import describe_record
from . import letters_layout as page
from .letters_acts import IP_LAW, cited_date, in_citation_order
from .letters_changes import Change, changes_of
from .views import payloads

KIND_VI = {"GI": "chỉ dẫn địa lý", "COLLECTIVE": "nhãn hiệu tập thể", "CERTIFICATION": "nhãn hiệu chứng nhận"}
REGISTER_VI = {"GI": "chỉ dẫn địa lý", "COLLECTIVE": "nhãn hiệu", "CERTIFICATION": "nhãn hiệu"}
ROLE_VI = {"holder": "Chủ sở hữu", "manager": "Tổ chức quản lý", "area": "Khu vực địa lý"}
VINTAGE_VI = {"old": "đơn vị hành chính trước ngày 01/7/2025", "new": "đơn vị hành chính từ ngày 01/7/2025"}
IP_OFFICE = "Cục Sở hữu trí tuệ"
SIGNER = "Thủ trưởng cơ quan, tổ chức"
COPIES = ["- Như trên;", "- ……………;", "- Lưu: VT, ……."]
UNKNOWN = "……………"


def _day(value: str | None) -> str:
    return cited_date(date.fromisoformat(value[:10])) if value else UNKNOWN


def _place(gaz: Gazetteer, ref: dict | None, with_vintage: bool = True) -> str:
    """'Huyện Lý Nhân, Tỉnh Hà Nam (mã 353; đơn vị hành chính trước ngày 01/7/2025)' for a unit reference:
    the code and the vintage tell apart units of one name (Tỉnh Tây Ninh is 72 before the reform, 80 after)."""
    if not ref:
        return ""
    unit = gaz.by_key.get((ref.get("vintage"), ref.get("code")))
    where = gaz.path(unit) if unit is not None else ref.get("name", "")
    if not with_vintage or ref.get("vintage") not in VINTAGE_VI:
        return where
    return f"{where} (mã {ref.get('code')}; {VINTAGE_VI[ref['vintage']]})"


def words_of(gaz: Gazetteer, value: dict | None) -> str:
    """A party or an area fact value in words, for the letter's table."""
    if not value:
        return "(không có)"
    if "units" in value:
        units = [outbound(_place(gaz, u, with_vintage=False)) + (" (một phần)" if u.get("coverage") == "part" else "")
                 for u in value["units"]]
        vintage = {u.get("vintage") for u in value["units"]}
        tail = f" — theo {VINTAGE_VI[vintage.pop()]}" if len(vintage) == 1 and None not in vintage else ""
        return "; ".join(units) + tail + "."
    place = _place(gaz, value.get("unit"))
    return outbound(value.get("name") or UNKNOWN) + (f"; trụ sở thuộc: {outbound(place)}" if place else "")


def _after(gaz: Gazetteer, change: Change) -> str:
    if change.after is not None:
        return words_of(gaz, change.after)
    names = "; ".join(outbound(o.get("name", "")) for o in change.options[:3])
    return f"Chưa xác định; đề nghị chọn một trong: {names}." if names else "Chưa xác định."


def _decision(change: Change) -> str:
    decision = change.decision
    if not decision:
        return "Quyết định của cơ quan có thẩm quyền: số ……/…… ngày ……… (chưa có)."
    return (f"Quyết định số {outbound(decision['decision_no'] or UNKNOWN)} ngày {_day(decision['decision_date'])}, "
            f"có hiệu lực từ ngày {_day(decision['effective_date'])}.")


def _requester(record: dict, reg: Registration, changes: list[Change]) -> str:
    """Who files: the title's manager (a GI) or holder (a mark) as it will be registered after the change."""
    role = "manager" if reg.kind == "GI" else "holder"
    after = next((c.after for c in changes if c.role == role and c.after), None)
    current = record.get(role) or {}
    return (after or current).get("name") or page.BLANK_BODY


def _subject(reg: Registration, record: dict, changes: list[Change]) -> str:
    roles = list(dict.fromkeys(ROLE_VI[c.role].lower() for c in changes)) or ["thông tin"]
    what = ", ".join(roles[:-1]) + (" và " if len(roles) > 1 else "") + roles[-1]
    return f"V/v đề nghị ghi nhận thay đổi {what} của {KIND_VI[reg.kind]} «{outbound(record['name'])}»"


def _title(doc, reg: Registration, record: dict) -> None:
    """The title the request is about: a granted title by its number, an application by its file."""
    what = f"{KIND_VI[reg.kind]} «{outbound(record['name'])}»"
    if record.get("product"):
        what += f" cho sản phẩm {outbound(record['product'])}"
    if record.get("status") == "pending":
        page.text(doc, f"1. Đơn đăng ký: {what}; mã hồ sơ {record['internal_id']}.")
    elif record["reg_no"]:
        page.text(doc, f"1. Văn bằng bảo hộ: {what}; số {outbound(record['reg_no'])}, "
                       f"cấp ngày {_day(record['granted_on'])}.")
    else:
        page.text(doc, f"1. Văn bằng bảo hộ: {what}; số {UNKNOWN} (mã hồ sơ {record['internal_id']}).")


def _reason(change: Change, words: dict) -> str:
    """Why the change: the flag's reason, but for an area one sentence (the table lists the units)."""
    if change.role != "area":
        return outbound(words.get("reason_vi") or "")
    same = " Phạm vi khu vực địa lý không thay đổi." if (words.get("evidence") or {}).get("unchanged_perimeter") else ""
    return ("Các đơn vị hành chính ghi trong khu vực địa lý đã được sắp xếp lại từ ngày 01/7/2025; khu vực địa lý "
            f"được ghi lại theo tên các đơn vị hành chính mới.{same}")


def _changes(doc, gaz: Gazetteer, changes: list[Change], words: dict[int, dict]) -> None:
    page.text(doc, "2. Nội dung đề nghị ghi nhận thay đổi:")
    if not changes:
        page.text(doc, "(không có thay đổi nào được đề nghị)")
        return
    page.grid(doc, ["Nội dung", "Đang ghi nhận (trước quyết định)", "Đề nghị ghi nhận (sau quyết định)"],
              [[ROLE_VI[c.role], words_of(gaz, c.before), _after(gaz, c)] for c in changes], [3.2, 6.6, 6.7])
    for n, change in enumerate(changes, start=1):
        page.text(doc, f"2.{n}. {ROLE_VI[change.role]}: {_decision(change)} Lý do: {_reason(change, words[change.flag.id])}")


def _letter(doc, session: Session, gaz: Gazetteer, reg: Registration, flags: list[Flag]) -> None:
    record = describe_record(session, gaz, reg, with_history=False)
    words = payloads(session, flags)
    changes = changes_of(session, gaz, reg, flags, words)
    requester = outbound(_requester(record, reg, changes))
    page.line(doc, "DỰ THẢO", italic=True, size=11, align=WD_ALIGN_PARAGRAPH.RIGHT)
    page.header(doc, requester, _subject(reg, record, changes))
    page.addressee(doc, IP_OFFICE)
    acts = in_citation_order({IP_LAW}.union(*(c.acts for c in changes)))
    for index, act in enumerate(acts):
        page.text(doc, f"Căn cứ {act.sentence}{';' if index < len(acts) - 1 else ','}")
    page.text(doc, f"{requester} đề nghị {IP_OFFICE} ghi nhận thay đổi thông tin trong Sổ đăng ký quốc gia về "
                   f"{REGISTER_VI[reg.kind]} như sau:")
    _title(doc, reg, record)
    _changes(doc, gaz, changes, words)
    page.text(doc, "3. Tài liệu kèm theo: bản sao quyết định nêu trên; các văn bản nêu tại phần căn cứ.")
    page.text(doc, f"Đề nghị {IP_OFFICE} xem xét, ghi nhận./.")
    page.closing(doc, COPIES, SIGNER)


def draft_requests(session: Session, gaz: Gazetteer, items: list[tuple[Registration, list[Flag]]]) -> bytes:
    """One DOCX: a draft request letter per (record, its flags), each on its own pages."""
    doc = page.new_document()
    for index, (reg, flags) in enumerate(items):
        if index:
            doc.add_page_break()
        _letter(doc, session, gaz, reg, flags)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
