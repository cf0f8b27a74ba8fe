"""Read an uploaded or local CSV/XLSX file into rows of text, refusing anything unsafe or malformed.

The format is decided by the content, not the file name: an XLSX is a zip with a workbook inside, a CSV is
UTF-8 text without NUL bytes; a name that disagrees with the content is refused (a renamed binary). Zip
bombs are refused before extraction by the declared sizes and compression ratio; XML is parsed by openpyxl
with defusedxml installed, which refuses external entities and entity expansion. Every cell is read as
text (codes keep their leading zeros) and formulas are refused rather than evaluated.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from ..domain.errors import IpregError, N_
from ..domain.text import fold, nfc

MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 200
FORMULA_START = ("=", "+", "-", "@")


@dataclass
class Table:
    """Rows keyed by canonical column name; ``line`` is the spreadsheet row number of each."""

    columns: list[str]
    rows: list[dict[str, str]]
    lines: list[int]
    unknown_columns: list[str] = field(default_factory=list)
    format: str = "csv"


def _refuse(msgid: str, **params):
    raise IpregError(msgid, **params)


def sniff(data: bytes, filename: str) -> str:
    """'xlsx' or 'csv' from the content; refuse what is neither, or a name that disagrees."""
    name = (filename or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    if not data or not data.strip():
        _refuse(N_("The file is empty."))
    if extension not in ("csv", "xlsx", "txt"):
        _refuse(N_("Only .csv and .xlsx files are accepted (got %(name)s)."), name=filename or "?")
    if data[:4] == b"PK\x03\x04":
        if extension != "xlsx":
            _refuse(N_("%(name)s is named .%(ext)s but is a binary (zip) file."), name=filename, ext=extension)
        return "xlsx"
    if extension == "xlsx":
        _refuse(N_("%(name)s is named .xlsx but is not an Excel workbook."), name=filename)
    if b"\x00" in data[:65536]:
        _refuse(N_("%(name)s is not a text file: it contains binary data."), name=filename)
    return "csv"


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        _refuse(N_("The file is not UTF-8 text (byte %(byte)d). Save it as “CSV UTF-8” and upload it again."),
                byte=exc.start)


def _csv_rows(data: bytes) -> list[list[str]]:
    text = _decode(data)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [row for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        _refuse(N_("The CSV cannot be read: %(error)s"), error=str(exc))


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        _refuse(N_("The workbook is damaged (not a valid zip file)."))
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/workbook") for n in names):
        _refuse(N_("The zip file is not an Excel workbook."))
    total = sum(i.file_size for i in archive.infolist())
    packed = sum(i.compress_size for i in archive.infolist()) or 1
    if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
        _refuse(N_("The workbook expands to %(size)d MB (ratio %(ratio)d:1): refused as a possible zip bomb."),
                size=total // (1024 * 1024), ratio=int(total / packed))
    for info in archive.infolist():
        if info.filename.startswith("xl/externalLinks/"):
            _refuse(N_("The workbook links to external files: remove the links and upload it again."))


def _xlsx_rows(data: bytes) -> list[list[str]]:
    _check_zip(data)
    import openpyxl  # noqa: PLC0415 - heavy, only for workbooks
    from openpyxl.xml import DEFUSEDXML  # noqa: PLC0415

    if not DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
        _refuse(N_("Workbooks cannot be read safely on this server (defusedxml is missing)."))
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl and defusedxml raise many classes for hostile or damaged files
        _refuse(N_("The workbook cannot be read safely: %(error)s"), error=type(exc).__name__)
    sheet = book.worksheets[0]
    rows = []
    for r, row in enumerate(sheet.iter_rows(), start=1):
        values = []
        for c, cell in enumerate(row, start=1):
            if getattr(cell, "data_type", None) == "f":
                _refuse(N_("Row %(row)d, column %(col)d holds a formula; enter values only."), row=r, col=c)
            values.append(_cell_text(cell.value))
        rows.append(values)
    book.close()
    return rows


class NumberCell(str):
    """The text of a spreadsheet cell that held a number: any leading zeros of a code were lost on the way
    (``00631`` typed into a number cell is 631), so readers of codes must not take it at face value.

    Its text is digits only, so stripping or splitting it changes nothing: those keep the mark.
    """

    def strip(self, chars=None):  # noqa: ARG002 - digits have nothing to strip
        return self

    def split(self, sep=None, maxsplit=-1):  # noqa: ARG002 - digits have no separator
        return [self]


def _cell_text(value) -> str:
    from datetime import date, datetime  # noqa: PLC0415

    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return NumberCell(int(value))
    if isinstance(value, int):
        return NumberCell(value)
    return str(value)


def _column_of(title: str, aliases: dict[str, str]) -> str | None:
    """The canonical column of a header: its own name or alias, or one half of a bilingual header
    ('new_party (Chủ thể mới)', 'Số đăng ký / reg_no') as the templates write them."""
    found = aliases.get(fold(title))
    if found is None:
        for part in re.split(r"[(/|)]", title):
            found = aliases.get(fold(part))
            if found:
                break
    return found


def read_table(data: bytes, filename: str, aliases: dict[str, str], required: list[str], *,
               max_rows: int, max_cell_chars: int, max_bytes: int | None = None) -> Table:
    """Parse ``data`` into a ``Table`` with canonical column names (``aliases``: folded header → column)."""
    if max_bytes is not None and len(data) > max_bytes:
        _refuse(N_("The file is %(size)d bytes; the limit is %(limit)d."), size=len(data), limit=max_bytes)
    kind = sniff(data, filename)
    raw = _xlsx_rows(data) if kind == "xlsx" else _csv_rows(data)
    while raw and not any(c.strip() for c in raw[-1]):
        raw.pop()
    if not raw:
        _refuse(N_("The file is empty."))
    header = [nfc(h) for h in raw[0]]
    columns, unknown, seen = [], [], {}
    for index, title in enumerate(header):
        canonical = _column_of(title, aliases)
        if canonical is None:
            if title:
                unknown.append(title)
            columns.append(None)
            continue
        if canonical in seen:
            _refuse(N_("The column %(column)s appears twice (headers %(first)s and %(second)s)."),
                    column=canonical, first=header[seen[canonical]], second=title)
        seen[canonical] = index
        columns.append(canonical)
    missing = [c for c in required if c not in seen]
    if missing:
        _refuse(N_("Missing columns: %(columns)s. The first row must hold the column names."),
                columns=", ".join(missing))
    body = raw[1:]
    if len(body) > max_rows:
        _refuse(N_("The file has %(rows)d rows; the limit is %(limit)d."), rows=len(body), limit=max_rows)
    rows, lines = [], []
    for line, values in enumerate(body, start=2):
        if not any(v.strip() for v in values):
            continue
        row = {}
        for column, value in zip(columns, values):
            if column is None:
                continue
            if len(value) > max_cell_chars:
                _refuse(N_("Row %(row)d, column %(column)s has %(chars)d characters; the limit is %(limit)d."),
                        row=line, column=column, chars=len(value), limit=max_cell_chars)
            if kind == "csv" and value.lstrip().startswith("="):
                _refuse(N_("Row %(row)d, column %(column)s holds a formula; enter values only."),
                        row=line, column=column)
            row[column] = value if isinstance(value, NumberCell) else nfc(value)
        rows.append(row)
        lines.append(line)
    if not rows:
        _refuse(N_("The file has column names but no rows."))
    return Table([c for c in columns if c], rows, lines, unknown, kind)


def neutralise(value) -> object:
    """Prefix text that a spreadsheet would run as a formula (= + - @) so that exports are inert."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
