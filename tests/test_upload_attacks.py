"""Hostile uploads, each built here: refused with a message for people, nothing written, memory bounded.

The sheet-size bomb is the issue's: a workbook of about 1.6 KB whose sheet declares A1:XFD1048576. Files are
written by hand with zipfile so that nothing (openpyxl's writer included) tidies them up.
"""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
import unicodedata
import zipfile

import pytest
from sqlalchemy import func, select

from ipreg.core.errors import IpregError
from ipreg.tables.columns import REASSIGN_COLUMNS, RECORD_ALIASES, RECORD_COLUMNS, RECORD_REQUIRED
from ipreg.tables.reader import read_table

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.'
        'org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets>'
        '</workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
}
LIMITS = {"max_rows": 20_000, "max_cell_chars": 2_000}


def column_letter(index: int) -> str:
    name = ""
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def cell(ref: str, value: str) -> str:
    if value.startswith("<f>"):
        return f'<c r="{ref}">{value}</c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'


def sheet_xml(rows: dict[int, dict[int, str]], dimension: str | None = None, prolog: str = "") -> str:
    """A worksheet with ``rows`` {row: {column: text}} written as they are (sparse, in order)."""
    body = "".join(f'<row r="{r}">' + "".join(cell(f"{column_letter(c)}{r}", v) for c, v in sorted(cells.items()))
                   + "</row>" for r, cells in sorted(rows.items()))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN}">{dim}<sheetData>{body}'
            '</sheetData></worksheet>')


def workbook(sheet: str, **extra: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in {**PARTS, "xl/worksheets/sheet1.xml": sheet, **extra}.items():
            z.writestr(name, text)
    return out.getvalue()


HEADER = {i: c for i, c in enumerate(RECORD_COLUMNS, start=1)}
ROW = {1: "GI", 2: "00999", 3: "Thử nghiệm", 4: "Chè", 5: "2020-01-02", 6: "registered", 7: "Nhà nước Việt Nam",
       8: "state", 13: "Tỉnh Phú Thọ", 14: "2025-06-30"}
CSV_HEADER = ",".join(RECORD_COLUMNS) + "\n"
CSV_ROW = "GI,00999,Thử nghiệm,Chè,2020-01-02,registered,Nhà nước Việt Nam,state,,,,,Tỉnh Phú Thọ,2025-06-30,{notes}\n"


def bomb(rows: dict | None = None) -> bytes:
    """The issue's file: column names (and ``rows``) in a sheet that declares all 16,384 × 1,048,576 cells."""
    return workbook(sheet_xml({1: HEADER, **(rows or {})}, dimension="A1:XFD1048576"))


def corner_bomb() -> bytes:
    """The same declaration, with a value in its far corner."""
    return workbook(sheet_xml({1: HEADER, 2: ROW, 1_048_576: {16_384: "x"}}, dimension="A1:XFD1048576"))


def with_row(cells: dict[int, str]) -> bytes:
    return workbook(sheet_xml({1: HEADER, 2: {**ROW, **cells}}))


def many_rows(count: int) -> bytes:
    rows = "".join(f'<row r="{r}"/>' for r in range(3, count + 3))
    return workbook(sheet_xml({1: HEADER, 2: ROW}).replace("</sheetData>", rows + "</sheetData>"))


def entity_sheet(declarations: str, reference: str) -> bytes:
    return workbook(sheet_xml({1: HEADER, 2: {**ROW, 3: reference}}, prolog=f"<!DOCTYPE worksheet [{declarations}]>"))


LAUGHS = '<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1) if i > 1 else "&lol;") * 10}">' for i in range(1, 10))
TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Vietnamese as Windows saves it: base letters from the code page, tone marks as combining bytes."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in TONES))
            out.append(base.encode("cp1258") + "".join(p for p in parts if p in TONES).encode("cp1258"))
    return b"".join(out)


def csv_with(notes: str, **kwargs) -> bytes:
    return (CSV_HEADER + CSV_ROW.format(notes=notes)).encode("utf-8", **kwargs)


REFUSED = {
    "sheet-size bomb, value in the corner": ("b.xlsx", corner_bomb, "goes on beyond row 21001"),
    "tall sparse sheet": ("t.xlsx", lambda: workbook(sheet_xml({1: HEADER, 2: ROW, 1_048_576: {1: "GI"}})),
                          "goes on beyond row 21001"),
    "a value past the row limit": ("t.xlsx", lambda: workbook(sheet_xml({1: HEADER, 2: ROW, 20_002: ROW})),
                                   "more than 20000 rows (row 20002 holds a value)"),
    "a million empty rows": ("t.xlsx", lambda: many_rows(1_000_000), "more than 21001 rows"),
    "wide sheet": ("w.xlsx", lambda: workbook(sheet_xml({1: {**HEADER, 5_000: "x"}, 2: ROW})),
                   "value in column GJH; the limit is 200 columns"),
    "wide csv row": ("w.csv", lambda: (CSV_HEADER + "," * 2_000_000 + "\n").encode(), "is longer than"),
    "long cell": ("l.csv", lambda: csv_with("x" * 2001), "has 2001 characters; the limit is 2000"),
    "control character in a csv": ("c.csv", lambda: csv_with("ghi\x01chú"),
                                   "Row 2, column notes holds an invisible control character (U+0001) at character 4"),
    "backspace in a sheet": ("c.xlsx", lambda: with_row({3: "Thử_x0008_nghiệm"}),
                             "Row 2, column name holds an invisible control character (U+0008)"),
    "NUL after the first 64 KB": ("n.csv", lambda: (CSV_HEADER + CSV_ROW.format(notes="x") * 700
                                                     + CSV_ROW.format(notes="a\x00b")).encode(),
                                  "Row 702, column notes holds an invisible control character (U+0000)"),
    "C1 control character": ("c.csv", lambda: csv_with("ghi\x9bchú"), "(U+009B)"),
    "control character in a header": ("h.csv", lambda: ("ki\x08nd" + CSV_HEADER[4:] + CSV_ROW.format(notes="")
                                                        ).encode(), "Row 1, column A holds"),
    "csv formula": ("f.csv", lambda: csv_with("=HYPERLINK(\"http://x\")"), "column notes starts with “=”"),
    "csv formula after a tab": ("f.csv", lambda: csv_with('"\t=1+1"'), "starts with “=”"),
    "csv DDE payload": ("f.csv", lambda: csv_with("-2+3+cmd|' /C calc'!A0"), "starts with “-” glued to text"),
    "csv plus formula": ("f.csv", lambda: csv_with("+A1"), "starts with “+” glued to text"),
    "csv at formula": ("f.csv", lambda: csv_with("@SUM(A1)"), "starts with “@”"),
    "xlsx text cell with =": ("f.xlsx", lambda: with_row({15: "=1+1"}), "column notes starts with “=”"),
    "xlsx formula cell": ("f.xlsx", lambda: with_row({15: "<f>1+1</f>"}), "starts with “=”"),
    "utf-16 csv (Excel's Unicode Text)": ("u.csv", lambda: csv_with("x").decode().replace(",", "\t").encode("utf-16"),
                                          "saved as UTF-16 text (Excel's “Unicode Text”)"),
    "utf-16 without BOM": ("u.csv", lambda: csv_with("x").decode().encode("utf-16-le"), "saved as UTF-16 text"),
    "utf-32 csv": ("u.csv", lambda: csv_with("x").decode().encode("utf-32"), "saved as UTF-32 text"),
    "Windows-1258 csv": ("w.csv", lambda: cp1258(CSV_HEADER + CSV_ROW.format(notes="Đặc sản vùng cao")),
                         "looks like Windows-1258"),
    "TCVN3 csv": ("t.csv", lambda: CSV_HEADER.encode() + b"GI,1,N\xad\xedc m\xber Ph\xf3 Qu\xe8c,Ch\xbd,,,,,,,,,,,"
                  b"\xae\xa6c s\xb6n v\xef ng\xb5y\n", "TCVN3"),
    "external entity": ("x.xlsx", lambda: entity_sheet('<!ENTITY xxe SYSTEM "file:///etc/passwd">', "&xxe;"),
                        "XML entity declarations, which ipreg refuses for safety"),
    "billion laughs": ("x.xlsx", lambda: entity_sheet(LAUGHS, "&lol9;"), "XML entity declarations"),
    "entity in the workbook part": ("x.xlsx", lambda: workbook(sheet_xml({1: HEADER, 2: ROW}), **{
        "xl/workbook.xml": PARTS["xl/workbook.xml"].replace("?>", '?><!DOCTYPE w [<!ENTITY a "b">]>', 1)}),
        "XML entity declarations"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_hostile_files_are_refused_by_the_reader_with_a_message(case):
    name, build, message = REFUSED[case]
    started = time.perf_counter()
    with pytest.raises(IpregError) as refused:
        read_table(build(), name, RECORD_ALIASES, RECORD_REQUIRED, **LIMITS)
    assert message in refused.value.message, refused.value.message
    assert "Error" not in refused.value.message  # never a class name (ValueError, EntitiesForbidden)
    assert time.perf_counter() - started < 5, case


def test_the_issue_bomb_is_read_as_what_it_holds_not_as_what_it_declares():
    data = bomb()
    assert len(data) < 2_000
    with pytest.raises(IpregError, match="column names but no rows"):
        read_table(data, "b.xlsx", RECORD_ALIASES, RECORD_REQUIRED, **LIMITS)
    table = read_table(bomb({2: ROW}), "b.xlsx", RECORD_ALIASES, RECORD_REQUIRED, **LIMITS)
    assert table.lines == [2] and table.rows[0]["name"] == "Thử nghiệm"


def test_trailing_empty_cells_and_rows_are_ignored():
    data = workbook(sheet_xml({1: HEADER, 2: {**ROW, 16_384: ""}, 3: {}, 20_500: {}}))
    assert read_table(data, "e.xlsx", RECORD_ALIASES, RECORD_REQUIRED, **LIMITS).lines == [2]


@pytest.mark.parametrize("text, kept, warned", [
    ("+84 912 345 678", "+84 912 345 678", False),
    ("-", "-", False),
    ("- xóm 1; - xóm 2", "- xóm 1; - xóm 2", True),
    ("+ thôn Đông", "+ thôn Đông", True),
    ("Giá 5-10 nghìn đồng", "Giá 5-10 nghìn đồng", False),
])
def test_what_officers_write_is_kept(text, kept, warned):
    for name, data in (("k.csv", csv_with(f'"{text}"')), ("k.xlsx", with_row({15: text}))):
        table = read_table(data, name, RECORD_ALIASES, RECORD_REQUIRED, **LIMITS)
        assert table.rows[0]["notes"] == kept
        assert [(w.line, w.column) for w in table.warnings] == ([(2, "notes")] if warned else [])


def test_excel_escapes_are_read_as_the_characters_they_stand_for():
    """_x000D_ is how Excel writes a carriage return in a cell; a CSV's text is taken literally."""
    table = read_table(with_row({15: "Dòng 1_x000D_\nDòng 2"}), "k.xlsx", RECORD_ALIASES, RECORD_REQUIRED, **LIMITS)
    assert table.rows[0]["notes"] == "Dòng 1 Dòng 2"
    table = read_table(csv_with("a_x000D_b"), "k.csv", RECORD_ALIASES, RECORD_REQUIRED, **LIMITS)
    assert table.rows[0]["notes"] == "a_x000D_b"


# --- the commands: exit 2, nothing written, in bounded time and memory -----------------------------------

def counts(app):
    from ipreg.extensions import db
    from ipreg.models import Batch, Registration

    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Registration, Batch))


@pytest.mark.parametrize("case", ["sheet-size bomb, value in the corner", "wide sheet", "backspace in a sheet",
                                  "csv DDE payload", "utf-16 csv (Excel's Unicode Text)", "billion laughs"])
def test_both_commands_refuse_and_write_nothing(app, tmp_path, case):
    name, build, message = REFUSED[case]
    path = tmp_path / name
    path.write_bytes(build())
    before = counts(app)
    runner = app.test_cli_runner()
    for args in (["records", "import", str(path)], ["reassign", str(path)]):
        result = runner.invoke(args=args)
        assert result.exit_code == 2, (args, result.output)
        assert counts(app) == before
    assert message in runner.invoke(args=["records", "import", str(path), "--json"]).output


# The command run as installed, reporting its own peak resident memory (VmHWM) as it exits: the rusage a
# parent gets from wait4 starts from the parent's own peak (pytest's) at fork, so it cannot be used here.
MEASURED = """
import atexit, re, sys
def peak():
    status = open("/proc/self/status").read()
    sys.stderr.write("VmHWM %s\\n" % re.search(r"VmHWM:\\s+(\\d+)", status).group(1))
atexit.register(peak)
from ipreg.cli import main
sys.argv = ["ipreg", *sys.argv[1:]]
main()
"""


def run_measured(args: list[str], env: dict) -> tuple[int, float, float, str]:
    """Exit code, seconds and peak resident memory (MB) of ``ipreg args`` in a fresh process, and its output."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", MEASURED, *args], capture_output=True, text=True, env=env,
                          timeout=120)
    peak = int(re.search(r"VmHWM (\d+)", done.stderr).group(1)) / 1024
    return done.returncode, time.perf_counter() - started, peak, done.stdout + done.stderr


@pytest.mark.parametrize("build", [bomb, corner_bomb])
def test_the_bomb_costs_seconds_and_megabytes_not_minutes_and_gigabytes(app, tmp_path, geodata_dir, build):
    """The issue's must-show, with the installed ``ipreg`` command in a fresh process."""
    path = tmp_path / "BOMB.xlsx"
    path.write_bytes(build())
    env = {**os.environ, "IPREG_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "IPREG_SECRET_KEY": "x",
           "IPREG_INSTANCE_PATH": str(tmp_path / "instance"), "IPREG_GEODATA": str(geodata_dir),
           "IPREG_CACHE_DIR": app.config["IPREG_CACHE_DIR"]}
    (tmp_path / "instance").mkdir(exist_ok=True)
    for args in (["reassign", str(path), "--dry-run"], ["records", "import", str(path), "--dry-run"]):
        code, seconds, megabytes, output = run_measured(args, env)
        assert code == 2, output
        assert megabytes < 200, (args, megabytes)
        assert seconds < 30, (args, seconds)  # about 6 s here, nearly all of it the command's start


# --- the web: a quick 400, and every way out safe for data stored before these checks ---------------------

def test_the_web_upload_of_the_bomb_answers_400_quickly(loaded):
    from conftest import client_as, csrf_token

    admin = client_as(loaded, "boss", "admin")
    before = counts(loaded)
    header = {i: c for i, c in enumerate(REASSIGN_COLUMNS, start=1)}
    for rows in ({1: header}, {1: header, 1_048_576: {16_384: "x"}}):
        data = workbook(sheet_xml(rows, dimension="A1:XFD1048576"))
        token = csrf_token(admin, "/admin/batches")
        started = time.perf_counter()
        response = admin.post("/admin/batches?lang=en", content_type="multipart/form-data",
                              data={"csrf_token": token, "file": (io.BytesIO(data), "BOMB.xlsx")})
        assert response.status_code == 400 and time.perf_counter() - started < 5
    assert "goes on beyond row 21001" in response.get_data(as_text=True)
    assert counts(loaded) == before


def test_stored_control_characters_and_formulas_leave_safely_everywhere(loaded):
    """A record stored before the import refused them: every export is a 200, with U+FFFD for the control
    characters and a leading apostrophe on formula-like text, the same in every format."""
    import json as jsonlib

    from conftest import client_as
    from docx import Document
    from openpyxl import load_workbook

    from ipreg.extensions import db
    from ipreg.models import Registration

    with loaded.app_context():
        reg = db.session.query(Registration).filter_by(reg_no="00017").one()
        # PostgreSQL cannot store NUL at all (a text column refuses it); SQLite keeps what an old import let in
        nul = "\x01" if db.engine.dialect.name == "postgresql" else "\x00"
        reg.name, reg.product = f"Đại\x08Hoàng{nul}", "=cmd|' /C calc'!A0"
        internal_id = reg.internal_id
        db.session.commit()
    officer = client_as(loaded, "officer", "ip_officer")
    admin = client_as(loaded, "boss", "admin")

    def ok(client, url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.get_data()

    book = load_workbook(io.BytesIO(ok(officer, "/records/export.xlsx?q=dai+hoang")))
    values = [c.value for row in book.active.iter_rows(min_row=2) for c in row]
    assert "Đại\ufffdHoàng\ufffd" in values and "'=cmd|' /C calc'!A0" in values
    load_workbook(io.BytesIO(ok(officer, "/records/registry.xlsx")))
    assert "'=cmd|" in ok(officer, "/records/registry.csv").decode("utf-8-sig")
    features = jsonlib.loads(ok(officer, "/records/registry.geojson"))["features"]
    mine = [f["properties"] for f in features if f["properties"]["reg_no"] == "00017"]
    assert mine[0]["product"] == "'=cmd|' /C calc'!A0" and mine[0]["name"] == "Đại\ufffdHoàng\ufffd"
    assert ok(officer, "/records/registry.gpkg")[:16] == b"SQLite format 3\x00"
    record = officer.get("/api/v1/records/GI/00017").get_json()
    assert record["product"] == "'=cmd|' /C calc'!A0"
    items = officer.get("/api/v1/records?q=dai+hoang").get_json()["items"]
    assert items and items[0]["product"] == "'=cmd|' /C calc'!A0"
    letter = Document(io.BytesIO(ok(officer, f"/review/records/{internal_id}/draft.docx")))
    assert "Đại\ufffdHoàng\ufffd" in "\n".join(p.text for p in letter.paragraphs)
    load_workbook(io.BytesIO(ok(admin, "/admin/batches/template.xlsx?prefill=1")))
