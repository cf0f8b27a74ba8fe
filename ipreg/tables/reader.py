"""Read an uploaded or local CSV/XLSX file into rows of text, refusing anything unsafe or malformed.

The format is decided by the content, not the file name: an XLSX is a zip with a workbook inside, a CSV is
UTF-8 text without NUL bytes; a name that disagrees with the content is refused (a renamed binary), and a
text file in another encoding is refused with the steps that save it as CSV UTF-8. Rows are streamed
(``sheets``) and every limit is applied as the row that exceeds it arrives, so a hostile file costs no more
than the limits allow. Every cell is read as text (codes keep their leading zeros); control characters and
formulas are refused with their row and column (see ``domain.text_safety``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from ..core.errors import N_, IpregError
from ..core.text import fold, nfc
from ..core.text_safety import REFUSE, WARN, first_control, formula_risk
from .encodings import wide_encoding, wide_unicode
from .sheets import MAX_COLUMNS, Limits, csv_rows, xlsx_rows

_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


@dataclass
class CellNote:
    """A warning about one cell that was imported as it stands (for the import report)."""

    line: int
    column: str
    value: str
    msgid: str
    params: dict


@dataclass
class Table:
    """Rows keyed by canonical column name; ``line`` is the spreadsheet row number of each."""

    columns: list[str]
    rows: list[dict[str, str]]
    lines: list[int]
    unknown_columns: list[str] = field(default_factory=list)
    format: str = "csv"
    warnings: list[CellNote] = field(default_factory=list)


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
    encoding = wide_encoding(data[:4096])
    if encoding:
        raise wide_unicode(filename, encoding)
    if b"\x00" in data[:65536]:
        _refuse(N_("%(name)s is not a text file: it contains binary data."), name=filename)
    return "csv"


class NumberCell(str):
    """The text of a spreadsheet cell that held a number: any leading zeros of a code were lost on the way
    (``00631`` typed into a number cell is 631), so readers of codes must not take it at face value.

    Its text is digits only, so stripping or splitting it changes nothing: those keep the mark.
    """

    def strip(self, chars=None):  # noqa: ARG002 - digits have nothing to strip
        return self

    def split(self, sep=None, maxsplit=-1):  # noqa: ARG002 - digits have no separator
        return [self]


def _cell_text(value) -> str | None:
    """The text of a cell value; None for what is not a value (an array or data-table formula object)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
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
    if isinstance(value, (float, time, timedelta)):
        return str(value)
    return None


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
               max_rows: int, max_cell_chars: int, max_bytes: int | None = None,
               max_columns: int = MAX_COLUMNS) -> Table:
    """Parse ``data`` into a ``Table`` with canonical column names (``aliases``: folded header → column),
    stopping at the first row that exceeds a limit."""
    if max_bytes is not None and len(data) > max_bytes:
        _refuse(N_("The file is %(size)d bytes; the limit is %(limit)d."), size=len(data), limit=max_bytes)
    kind = sniff(data, filename)
    limits = Limits(max_rows, max_cell_chars, max_columns)
    source = xlsx_rows(data, limits) if kind == "xlsx" else csv_rows(data, limits)
    columns = table = None
    for line, values in source:
        if line > limits.last_row_read:
            _refuse(N_("The sheet goes on beyond row %(row)d (empty or formatted rows count too); the limit is "
                       "%(limit)d rows. Delete the rows below your data, save and upload it again."),
                    row=limits.last_row_read, limit=max_rows)
        texts = _row_texts(values, line, limits, ooxml=kind == "xlsx")
        if table is None:
            columns, table = _header(texts, aliases, required, max_cell_chars, kind)
        elif any(t.strip() for t in texts):
            if line > limits.last_line:
                _refuse(N_("The file has more than %(limit)d rows (row %(row)d holds a value); the limit is "
                           "%(limit)d rows. Split it into several files."), row=line, limit=max_rows)
            table.rows.append(_row(texts, columns, line, max_cell_chars, table.warnings))
            table.lines.append(line)
    if table is None:
        _refuse(N_("The file is empty."))
    if not table.rows:
        _refuse(N_("The file has column names but no rows."))
    return table


def _letter(index: int) -> str:
    """The spreadsheet name of a 0-based column index (0 → A, 26 → AA)."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _row_texts(values, line: int, limits: Limits, ooxml: bool) -> list[str]:
    """The texts of a row's cells, refusing a value beyond the column limit (trailing empty cells, which
    spreadsheets write for formatting, are ignored) and cells that are not values.

    In a workbook (``ooxml``) Excel writes the characters XML cannot hold as ``_xHHHH_`` (a control
    character as ``_x0008_``, a carriage return as ``_x000D_``); openpyxl leaves them so, and they are
    decoded here so that what the officer typed is what is checked and stored."""
    values = list(values)
    if len(values) > limits.max_columns:
        beyond = values[limits.max_columns:]
        if beyond.count(None) + beyond.count("") != len(beyond):
            index = limits.max_columns + next(i for i, v in enumerate(beyond) if v not in (None, ""))
            _refuse(N_("Row %(row)d has a value in column %(column)s; the limit is %(limit)d columns. Delete the "
                       "columns to the right of your data, save and upload it again."),
                    row=line, column=_letter(index), limit=limits.max_columns)
        values = values[:limits.max_columns]
    texts = []
    for index, value in enumerate(values):
        text = _cell_text(value)
        if ooxml and text and "_x" in text and not isinstance(text, NumberCell):
            text = _OOXML_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)
        if text is None:
            _refuse(N_("Row %(row)d, column %(column)s holds a formula; enter values only."), row=line,
                    column=_letter(index))
        texts.append(text)
    return texts


def _check_text(value: str, line: int, column: str, max_cell_chars: int) -> None:
    if len(value) > max_cell_chars:
        _refuse(N_("Row %(row)d, column %(column)s has %(chars)d characters; the limit is %(limit)d."),
                row=line, column=column, chars=len(value), limit=max_cell_chars)
    position = first_control(value)
    if position is not None:
        _refuse(N_("Row %(row)d, column %(column)s holds an invisible control character (%(code)s) at character "
                   "%(position)d, which would break exports. Delete it (retype the cell) and upload the file "
                   "again."), row=line, column=column, code=f"U+{ord(value[position]):04X}", position=position + 1)


def _header(texts: list[str], aliases: dict[str, str], required: list[str], max_cell_chars: int, kind: str
            ) -> tuple[list[str | None], Table]:
    """The canonical column of each header cell (None for columns not used), and the empty table."""
    for index, title in enumerate(texts):
        _check_text(title, 1, _letter(index), max_cell_chars)
    header = [nfc(h) for h in texts]
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
    return columns, Table([c for c in columns if c], [], [], unknown, kind)


def _row(texts: list[str], columns: list[str | None], line: int, max_cell_chars: int,
         warnings: list[CellNote]) -> dict[str, str]:
    """One data row by canonical column; cells of columns not used are not checked (they are not kept)."""
    row = {}
    for column, value in zip(columns, texts):
        if column is None:
            continue
        if isinstance(value, NumberCell):
            row[column] = value
            continue
        _check_text(value, line, column, max_cell_chars)
        risk = formula_risk(value)
        sign = value.lstrip()[:1]
        if risk == REFUSE and sign in "=@":
            _refuse(N_("Row %(row)d, column %(column)s starts with “%(char)s”, which a spreadsheet runs as a "
                       "formula; ipreg takes values only. If it is text, remove the leading “%(char)s”; if it is a "
                       "formula, paste its result as a value (Paste Special › Values)."),
                    row=line, column=column, char=sign)
        if risk == REFUSE:
            _refuse(N_("Row %(row)d, column %(column)s starts with “%(char)s” glued to text, which a spreadsheet "
                       "runs as a formula; ipreg takes values only. For a list item write a space after it "
                       "(“- xóm 1”), otherwise remove it."), row=line, column=column, char=sign)
        row[column] = nfc(value)
        if risk == WARN:
            warnings.append(CellNote(line, column, row[column], N_(
                "%(value)s starts with “%(char)s”: kept as text (exports show it with a leading apostrophe, so "
                "that no spreadsheet runs it as a formula)"), {"value": row[column], "char": sign}))
    return row

