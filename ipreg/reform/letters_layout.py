"""The page of a Vietnamese official letter (công văn) in python-docx, as Nghị định 30/2020/NĐ-CP lays it out.

A4 portrait; margins top and bottom 20 mm, left 30 mm, right 15 mm (the decree allows 20-25, 20-25, 30-35 and
15-20); Times New Roman, text 14 pt. Above: a two-column table without borders, the issuing body and
"Số: …/…" with the subject ("V/v …") on the left, the national name and motto (the motto underlined) and the
place and date on the right. Below: "Nơi nhận:" on the left and the signature block on the right. Only the
layout lives here; what the letter says is in ``letters``.
"""
from __future__ import annotations

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
TEXT_PT = 14
PAGE = {"width": Cm(21), "height": Cm(29.7), "top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PLACE_AND_DATE = "………, ngày …… tháng …… năm 20……"
NUMBER = "Số: ……/……"
BLANK_BODY = "TÊN CƠ QUAN, TỔ CHỨC"


def new_document():
    """An empty A4 document whose text is Times New Roman 14 pt (Vietnamese glyphs included)."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(TEXT_PT)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(0)
    set_a4(doc.sections[0])
    return doc


def set_a4(section) -> None:
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE["width"], PAGE["height"]
    section.top_margin, section.bottom_margin = PAGE["top"], PAGE["bottom"]
    section.left_margin, section.right_margin = PAGE["left"], PAGE["right"]


def line(container, text: str = "", *, bold=False, italic=False, underline=False, size: int = TEXT_PT,
         align=WD_ALIGN_PARAGRAPH.CENTER):
    """A paragraph of one run in a document or a table cell (a new cell's first paragraph is reused)."""
    paragraphs = getattr(container, "paragraphs", [])
    reuse = hasattr(container, "_tc") and len(paragraphs) == 1 and not paragraphs[0].text
    paragraph = paragraphs[0] if reuse else container.add_paragraph()
    paragraph.alignment = align
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline, run.font.size = bold, italic, underline, Pt(size)
    return paragraph


def _widths(table, widths_cm: list[float]) -> None:
    """Fixed column widths, on the grid and on every cell: Word reads the cells, LibreOffice the grid."""
    table.autofit = False
    for column, width in zip(table.columns, widths_cm):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _two_columns(doc, left_cm: float, right_cm: float):
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, [left_cm, right_cm])
    return table.rows[0].cells


def header(doc, body_name: str, subject: str) -> None:
    """Issuing body, number and subject | national name, motto, place and date."""
    left, right = _two_columns(doc, 6.0, 10.5)
    line(left, body_name.upper(), bold=True, size=13)
    line(left, "———", size=10)
    line(left, NUMBER, size=13)
    line(left, subject, size=12)
    line(right, NATION, bold=True, size=12)
    line(right, MOTTO, bold=True, underline=True, size=14)
    line(right, "", size=8)
    line(right, PLACE_AND_DATE, italic=True, size=14)


def addressee(doc, to: str) -> None:
    line(doc, "", size=8)
    line(doc, f"Kính gửi: {to}")
    line(doc, "", size=8)


def text(doc, words: str, *, indent: bool = True, bold: bool = False):
    """A paragraph of the body: justified, first line indented, 6 pt after (Nghị định 30/2020, Phụ lục I)."""
    paragraph = line(doc, words, bold=bold, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph.paragraph_format.first_line_indent = Cm(1.27) if indent else None
    paragraph.paragraph_format.space_after = Pt(6)
    return paragraph


def grid(doc, heading: list[str], rows: list[list[str]], widths_cm: list[float]):
    """A bordered table (the default template's "Table Grid"), heading in bold."""
    table = doc.add_table(rows=1, cols=len(heading))
    table.style = doc.styles["Table Grid"]
    for row_cells in ([heading] + rows):
        cells = table.rows[0].cells if row_cells is heading else table.add_row().cells
        for cell, value in zip(cells, row_cells):
            line(cell, value, bold=row_cells is heading, size=13, align=WD_ALIGN_PARAGRAPH.LEFT)
    _widths(table, widths_cm)
    return table


def closing(doc, copies: list[str], signer: str) -> None:
    """"Nơi nhận:" and its list on the left; who signs, and how, on the right."""
    line(doc, "", size=8)
    left, right = _two_columns(doc, 6.5, 10.0)
    line(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    for item in copies:
        line(left, item, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    line(right, signer.upper(), bold=True)
    line(right, "(Ký, ghi rõ họ tên, chức vụ và đóng dấu)", italic=True)
    for _ in range(3):  # room for the signature and the seal
        line(right, "")
    line(right, "……………………………", bold=True)
