"""The draft request letters on the real sample: before and after an accept, A4, the acts written out in full.

GI 00017 «Đại Hoàng» (chuối ngự) is managed by Ủy ban nhân dân huyện Lý Nhân (Hà Nam): the district level ended
on 1 July 2025 and Hà Nam was merged into Ninh Bình, so its MANAGER_BODY_ABOLISHED flag suggests Ủy ban nhân
dân tỉnh Ninh Bình. Once an officer accepts it the registry holds the successor; the letter must still ask to
record the change FROM the district committee TO the provincial one.
"""
import io
import os
from datetime import date
from pathlib import Path

from conftest import real_geodata
from docx import Document
from sqlalchemy import select

DISTRICT = "Ủy ban nhân dân huyện Lý Nhân"
PROVINCE = "Ủy ban nhân dân tỉnh Ninh Bình"
OUT = Path(os.environ.get("IPREG_LETTERS_DIR", "/tmp/letters"))


def _record(session, reg_no):
    from ipreg.models import Flag, Registration

    reg = session.scalar(select(Registration).where(Registration.reg_no == reg_no))
    flags = list(session.scalars(select(Flag).where(Flag.registration_id == reg.id).order_by(Flag.id)))
    return reg, flags


def _letter(session, items) -> Document:
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.reform.letters import draft_requests

    return Document(io.BytesIO(draft_requests(session, get_gazetteer(session), items)))


def _accept(session, flag, decision_no="1234/QĐ-UBND"):
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.reform.review import accept_flag

    accept_flag(session, get_gazetteer(session), flag, choice=None, decision_no=decision_no,
                decision_date=date(2025, 7, 10), effective_date=date(2025, 7, 15), actor="officer")
    session.commit()


def _change_rows(doc) -> dict[str, tuple[str, str]]:
    """The letter's change table: role → (registered before, requested after)."""
    [table] = [t for t in doc.tables if t.rows[0].cells[0].text == "Nội dung"]
    return {r.cells[0].text: (r.cells[1].text, r.cells[2].text) for r in table.rows[1:]}


def _text(doc) -> str:
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_after_an_accept_the_letter_names_the_registered_body_before_and_the_successor_after(flagged):
    from ipreg.extensions import db

    with flagged.app_context():
        reg, flags = _record(db.session, "00017")
        flag = next(f for f in flags if f.rule == "MANAGER_BODY_ABOLISHED")
        before_accept = _change_rows(_letter(db.session, [(reg, [flag])]))
        _accept(db.session, flag)
        reg, flags = _record(db.session, "00017")
        assert reg.manager_id is not None and flag.status == "accepted"
        doc = _letter(db.session, [(reg, [f for f in flags if f.id == flag.id])])
        OUT.mkdir(parents=True, exist_ok=True)
        doc.save(OUT / "GI-00017-after-accept.docx")
    registered, requested = _change_rows(doc)["Tổ chức quản lý"]
    assert registered.startswith(DISTRICT) and "Huyện Lý Nhân, Tỉnh Hà Nam" in registered
    assert requested.startswith(PROVINCE) and PROVINCE not in registered and DISTRICT not in requested
    assert before_accept["Tổ chức quản lý"][0].startswith(DISTRICT)
    assert before_accept["Tổ chức quản lý"][1].startswith(PROVINCE)
    text = _text(doc)
    assert "Quyết định số 1234/QĐ-UBND ngày 10/7/2025, có hiệu lực từ ngày 15/7/2025" in text
    assert f"{PROVINCE.upper()}" in text  # the body that files, as it is after the decision


def test_the_page_is_a4_with_the_administrative_margins_and_font(flagged):
    from ipreg.extensions import db

    with flagged.app_context():
        reg, flags = _record(db.session, "00017")
        doc = _letter(db.session, [(reg, flags)])
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20
    normal = doc.styles["Normal"].font
    assert normal.name == "Times New Roman" and 13 <= normal.size.pt <= 14
    left, right = doc.tables[0].rows[0].cells
    assert left.paragraphs[0].text == PROVINCE.upper() and left.paragraphs[2].text.startswith("Số:")
    assert left.paragraphs[3].text.startswith("V/v đề nghị ghi nhận thay đổi tổ chức quản lý")
    assert right.paragraphs[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    motto = right.paragraphs[1].runs[0]
    assert motto.text == "Độc lập - Tự do - Hạnh phúc" and motto.underline and motto.bold
    assert "ngày" in right.paragraphs[3].text and "tháng" in right.paragraphs[3].text
    texts = [p.text for p in doc.paragraphs]
    assert "Kính gửi: Cục Sở hữu trí tuệ" in texts
    closing_left, closing_right = doc.tables[-1].rows[0].cells
    assert closing_left.paragraphs[0].text == "Nơi nhận:" and "(Ký, ghi rõ họ tên" in closing_right.text


@real_geodata  # the commune resolutions come from new/legal_basis.json
def test_the_legal_basis_is_written_out_in_full(flagged):
    from ipreg.extensions import db

    with flagged.app_context():
        reg, flags = _record(db.session, "00017")
        doc = _letter(db.session, [(reg, flags)])
    bases = [p.text for p in doc.paragraphs if p.text.startswith("Căn cứ ")]
    assert bases[0].startswith("Căn cứ Luật Sở hữu trí tuệ số 50/2005/QH11 ngày 29/11/2005 của Quốc hội")
    assert ("Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16/6/2025 của Quốc hội "
            "(cấp huyện kết thúc hoạt động từ ngày 01/7/2025);") in bases
    assert ("Căn cứ Nghị quyết số 202/2025/QH15 ngày 12/6/2025 của Quốc hội về việc sắp xếp đơn vị hành chính "
            "cấp tỉnh;") in bases
    assert any(b.startswith("Căn cứ Nghị quyết số 1674/NQ-UBTVQH15 ngày 16/6/2025 của Ủy ban Thường vụ Quốc hội về "
                            "việc sắp xếp các đơn vị hành chính cấp xã của tỉnh Ninh Bình năm 2025") for b in bases)
    assert not any("Số:" in b or "Ngày:" in b for b in bases)
    assert bases[-1].endswith(",") and all(b.endswith(";") for b in bases[:-1])


def test_accepted_area_reads_as_registered_before_and_in_new_units_after(flagged):
    from ipreg.extensions import db

    with flagged.app_context():
        reg, flags = _record(db.session, "00017")
        area = next(f for f in flags if f.rule == "AREA_REEXPRESSION")
        _accept(db.session, area, "5/QĐ-UBND")
        reg, flags = _record(db.session, "00017")
        rows = _change_rows(_letter(db.session, [(reg, [f for f in flags if f.id == area.id])]))
    registered, requested = rows["Khu vực địa lý"]
    assert registered.startswith("Huyện Lý Nhân, Tỉnh Hà Nam") and "trước ngày 01/7/2025" in registered
    assert "Xã Nhân Hà, Tỉnh Ninh Bình" in requested and "từ ngày 01/7/2025" in requested
    assert "Huyện" not in requested


def test_a_selection_is_one_file_with_a_letter_per_record_and_page_breaks(flagged):
    from ipreg.extensions import db

    with flagged.app_context():
        items = [_record(db.session, n) for n in ("00017", "00100", "00101")]
        doc = _letter(db.session, items)
        OUT.mkdir(parents=True, exist_ok=True)
        doc.save(OUT / "selection-3-records.docx")
    headers = [t for t in doc.tables if t.rows[0].cells[-1].paragraphs[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    breaks = doc.element.body.xpath('.//w:br[@w:type="page"]')
    assert len(headers) == 3 and len(breaks) == 2
    subjects = [t.rows[0].cells[0].paragraphs[3].text for t in headers]
    assert [s.split("«")[1].rstrip("»") for s in subjects] == ["Đại Hoàng", "Tú Lệ", "Mù Cang Chải"]


def test_a_later_change_does_not_rewrite_the_letter_of_an_earlier_decision(flagged):
    """The letter of an accepted flag reads the history at its decision: a later recordal (the manager moved
    on to the department) changes neither its "before" nor its "after"."""
    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.models import Party
    from ipreg.registry.parties import PartyBook
    from ipreg.registry.recordals import change_party

    with flagged.app_context():
        reg, flags = _record(db.session, "00017")
        flag = next(f for f in flags if f.rule == "MANAGER_BODY_ABOLISHED")
        _accept(db.session, flag)
        gaz = get_gazetteer(db.session)
        dost = db.session.get(Party, PartyBook(db.session).id_for(
            "Sở Khoa học và Công nghệ tỉnh Ninh Bình", "dost", gaz.get("37", "new").id))
        reg, _ = _record(db.session, "00017")
        change_party(db.session, gaz, reg, "manager", dost, date(2025, 9, 1), source="edit", actor="officer",
                     decision_no="77/QĐ-UBND")
        db.session.commit()
        reg, flags = _record(db.session, "00017")
        rows = _change_rows(_letter(db.session, [(reg, [f for f in flags if f.id == flag.id])]))
    registered, requested = rows["Tổ chức quản lý"]
    assert registered.startswith(DISTRICT) and requested.startswith(PROVINCE)


def test_dismissed_flags_ask_for_no_change(flagged):
    from ipreg.extensions import db
    from ipreg.reform.review import dismiss_flag

    with flagged.app_context():
        reg, flags = _record(db.session, "00017")
        for flag in flags:
            dismiss_flag(db.session, flag, "kept as registered", "officer")
        db.session.commit()
        doc = _letter(db.session, [(reg, flags)])
    assert "(không có thay đổi nào được đề nghị)" in [p.text for p in doc.paragraphs]
    assert not [t for t in doc.tables if t.rows[0].cells[0].text == "Nội dung"]
