"""Stream the rows of an uploaded CSV or XLSX file in bounded memory and time, whatever the file declares.

A 1.6 KB workbook can declare a sheet of A1:XFD1048576: openpyxl pads every row it yields to the declared
width (3 GB and minutes for one upload), so the declared dimension is dropped and rows come as long as their
own last cell. Before openpyxl sees the workbook, its parts are checked by streaming: the zip-bomb sizes, XML
entity declarations (XXE, billion laughs) and the number of rows and shared strings, so that even openpyxl's
own pass over a sheet at load time has a bound. A CSV is read line by line from the bytes, never decoded as a
whole, and a row longer than any row within the limits could be is refused before it is parsed.

Rows are yielded as ``(line, values)``; the caller (``tabular.read_table``) applies the row, column and cell
limits as each row arrives and stops at the first one exceeded.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Iterator

from ..core.errors import N_, IpregError
from .encodings import not_utf8

MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 200
MAX_COLUMNS = 200  # an officer's table has a few dozen columns; a sheet can have 16,384
BLANK_TAIL = 1_000  # empty or formatted rows tolerated after the last row allowed
TEXT_COLUMNS = 50  # distinct strings a workbook may hold per row allowed (shared strings are loaded whole)
_CHUNK = 1024 * 1024
_ENTITY = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# Start tags with or without a namespace prefix (<row …>, <x:row …>); not <rowBreaks>.
_ROW = re.compile(rb"<(?:\w{1,32}:)?row[\s/>]")
_STRING = re.compile(rb"<(?:\w{1,32}:)?si[\s/>]")


@dataclass(frozen=True)
class Limits:
    max_rows: int
    max_cell_chars: int
    max_columns: int = MAX_COLUMNS

    @property
    def last_line(self) -> int:
        """The last spreadsheet row that may hold a value (row 1 holds the column names)."""
        return self.max_rows + 1

    @property
    def last_row_read(self) -> int:
        return self.last_line + BLANK_TAIL

    @property
    def max_row_bytes(self) -> int:
        """The longest CSV row the limits allow: every column full of 4-byte characters, quoted."""
        return self.max_columns * (4 * self.max_cell_chars + 3)


def _refuse(msgid: str, **params):
    raise IpregError(msgid, **params)


# --- CSV -----------------------------------------------------------------------------------------------

def csv_rows(data: bytes, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    """The rows of a CSV (UTF-8, with or without BOM; delimiter sniffed among , ; and tab)."""
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        dialect = csv.Sniffer().sniff(data[start:start + 8192].decode("utf-8", errors="ignore"), delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(_lines(data, start, limits, dialect.quotechar or '"'), dialect)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        _refuse(N_("The CSV cannot be read: %(error)s"), error=str(exc))


def _lines(data: bytes, start: int, limits: Limits, quotechar: str) -> Iterator[str]:
    """Decoded physical lines; a row (its lines joined while a quoted cell is open) longer than the limits
    allow is refused before the csv module builds it."""
    stream = io.BytesIO(data)
    stream.seek(start)
    bound, quote = limits.max_row_bytes, quotechar.encode()
    offset, row_bytes, quoted, line = start, 0, False, 1
    while raw := stream.readline(bound + 1):
        row_bytes = (row_bytes if quoted else 0) + len(raw)
        if row_bytes > bound:
            _refuse(N_("Row %(row)d is longer than %(limit)d bytes, longer than any row within the limits "
                       "(%(columns)d columns of at most %(chars)d characters) can be."),
                    row=line, limit=bound, columns=limits.max_columns, chars=limits.max_cell_chars)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise not_utf8(data, offset + exc.start) from None
        offset += len(raw)
        quoted ^= raw.count(quote) % 2 == 1
        if not quoted:
            line += 1
        yield text


# --- XLSX ----------------------------------------------------------------------------------------------

def xlsx_rows(data: bytes, limits: Limits) -> Iterator[tuple[int, tuple]]:
    """The rows of the first worksheet, as cell values (formulas as their text), each as long as its own
    last cell and never as the declared dimension; rows missing from the file come as ``()``."""
    check_workbook(data, limits)
    import openpyxl  # noqa: PLC0415 - heavy, only for workbooks
    from openpyxl.xml import DEFUSEDXML  # noqa: PLC0415

    if not DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
        _refuse(N_("Workbooks cannot be read safely on this server (defusedxml is missing)."))
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl and defusedxml raise many classes for hostile or damaged files
        raise _unreadable(exc) from None
    try:
        if not book.worksheets:
            _refuse(N_("The workbook has no worksheet."))
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    except IpregError:
        raise
    except Exception as exc:  # noqa: BLE001 - as above, while the sheet is parsed row by row
        raise _unreadable(exc) from None
    finally:
        book.close()


def _unreadable(exc: BaseException) -> IpregError:
    """The refusal for an exception of openpyxl or defusedxml, worded for people (never a class name)."""
    while exc is not None:
        if type(exc).__module__.startswith("defusedxml"):
            return IpregError(_ENTITIES)
        exc = exc.__cause__ or exc.__context__
    return IpregError(N_("The workbook cannot be read: it is damaged or was not saved by a spreadsheet program. "
                         "Open it in Excel, save it again as a new .xlsx file and upload that file."))


_ENTITIES = N_("The workbook contains XML entity declarations, which ipreg refuses for safety (they can read "
               "files on the server or expand to gigabytes). Open it in Excel, save it again as a new .xlsx "
               "file and upload that file.")


def check_workbook(data: bytes, limits: Limits) -> None:
    """Refuse a zip that is not a workbook, a zip bomb, external links, XML entity declarations, and sheets
    or string tables larger than the limits allow: all by streaming the parts, before openpyxl reads them."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        _refuse(N_("The workbook is damaged (not a valid zip file)."))
    infos = archive.infolist()
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/workbook") for n in names):
        _refuse(N_("The zip file is not an Excel workbook."))
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
        _refuse(N_("The workbook expands to %(size)d MB (ratio %(ratio)d:1): refused as a possible zip bomb."),
                size=total // (1024 * 1024), ratio=int(total / packed))
    if any(n.startswith("xl/externalLinks/") for n in names):
        _refuse(N_("The workbook links to external files: remove the links and upload it again."))
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            _check_part(archive, info.filename, limits)


def _check_part(archive: zipfile.ZipFile, name: str, limits: Limits) -> None:
    """Stream one XML part: no entity declaration anywhere; in a sheet, rows within the rows read; in the
    string table, strings within what that many rows can need (openpyxl loads the table whole)."""
    if name.startswith("xl/worksheets/"):
        element, limit, msgid = _ROW, limits.last_row_read, N_(
            "A sheet of the workbook has more than %(limit)d rows (empty or formatted rows count too); the limit "
            "is %(rows)d rows. Delete the rows below your data, save and upload it again.")
    elif name == "xl/sharedStrings.xml":
        element, limit, msgid = _STRING, limits.last_line * TEXT_COLUMNS, N_(
            "The workbook holds more than %(limit)d different texts, more than %(rows)d rows can need. Copy your "
            "table alone into a new workbook, save and upload that file.")
    else:
        element, limit, msgid = None, 0, ""
    count, carry = 0, b""
    try:
        with archive.open(name) as part:
            while chunk := part.read(_CHUNK):
                # Cut after the last ">": no tag or declaration start is split between two windows.
                buffer = carry + chunk
                cut = buffer.rfind(b">") + 1 if len(buffer) < 3 * _CHUNK else len(buffer) - 64
                window, carry = buffer[:cut], buffer[cut:]
                count += _scan(window, element)
                if count > limit and element is not None:
                    _refuse(msgid, limit=limit, rows=limits.max_rows)
            _scan(carry, None)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise _unreadable(exc) from None


def _scan(window: bytes, element: re.Pattern | None) -> int:
    """Refuse entity declarations in ``window``; count the start tags of ``element`` in it."""
    if _ENTITY.search(window):
        _refuse(_ENTITIES)
    return sum(1 for _ in element.finditer(window)) if element is not None else 0
