"""Text that is only text: control characters and formula-like cells, on the way in and on every way out.

OWASP's CSV-injection guidance puts the defence at the output: a cell that begins with ``=``, ``+``, ``-``,
``@``, tab or carriage return is prefixed with a single quote, so that a spreadsheet shows it as text instead
of running it. ipreg's data leave as CSV and XLSX but also as GeoJSON, GeoPackage, API JSON and DOCX, which
end up in spreadsheets too (QGIS attribute tables exported to Excel, Power Query on the API); so ``outbound``
is the one function every way out applies, and a value reads the same in every format.

The import check is not that defence (stored data are neutralised on the way out anyway): it keeps the
registry honest. What only a formula can be is refused; what an officer writes is kept (see
``formula_risk``). Control characters (C0 and C1 except tab, newline and carriage return) are refused on
import, and replaced on the way out, because XML (XLSX, DOCX) cannot hold them and PostgreSQL refuses NUL:
data stored before this check must not turn an export into a server error.
"""
from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# C0 except tab/newline/CR, DEL and C1: what the import refuses.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What XML 1.0 cannot hold besides: noncharacters U+FFFE/U+FFFF and lone surrogates (possible in stored
# data that did not come through a UTF-8 decoder).
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"
# A signed number or telephone number: "+84 912 345 678", "-2,5", "+84 (0)24 3822 1234".
_SIGNED_NUMBER = re.compile(r"[+-][\d\s.,()/-]*\d[\d\s.,()/-]*")
# Signs on their own ("-", "- -"): the placeholder officers write in an empty cell.
_SIGNS_ONLY = re.compile(r"[+\-\s]+")
# A list item: a sign, then a space, then the text ("- xóm 1", "+ thôn Đông").
_LIST_ITEM = re.compile(r"[+-]\s+\S")

REFUSE = "refuse"
WARN = "warn"


def first_control(text: str) -> int | None:
    """The position of the first control character in ``text``, or None."""
    match = CONTROL.search(text)
    return match.start() if match else None


def formula_risk(text: str) -> str | None:
    """``REFUSE``, ``WARN`` or None for a cell's text (leading whitespace ignored, as spreadsheets do).

    Refused: ``=`` and ``@`` (no Vietnamese text begins with them; ``@SUM`` is a Lotus formula) and a sign
    glued to anything but a number (``-2+3+cmd|' /C calc'!A0``, ``+A1``, ``-HYPERLINK(…)``). Kept without a
    word: a signed or telephone number (``+84 912 345 678``) and a lone dash for "none". Kept with a warning:
    a list item, a sign then a space then text (``- xóm 1``), which officers copy from Word lists: refusing it
    would make them retype lists for no safety gained, since exports neutralise it; the warning tells them the
    exported cell starts with an apostrophe.
    """
    stripped = text.lstrip()
    if not stripped or not stripped.startswith(FORMULA_START):
        return None
    if stripped[0] in "=@":
        return REFUSE
    if _SIGNED_NUMBER.fullmatch(stripped) or _SIGNS_ONLY.fullmatch(stripped):
        return None
    if _LIST_ITEM.match(stripped):
        return WARN
    return REFUSE


def outbound(value):
    """A value made safe to leave ipreg: unwritable characters replaced (U+FFFD) and formula-like text
    prefixed with ``'``; anything that is not text is returned as it is."""
    if not isinstance(value, str):
        return value
    value = _UNWRITABLE.sub(REPLACEMENT, value)
    return "'" + value if value.startswith(FORMULA_START) else value


def outbound_tree(value):
    """``outbound`` applied to every text value of nested dicts and lists (JSON documents); keys are ipreg's
    own names and are left alone."""
    if isinstance(value, dict):
        return {key: outbound_tree(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [outbound_tree(item) for item in value]
    return outbound(value)
