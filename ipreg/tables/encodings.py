"""Name the encoding of a text file that is not UTF-8, so that the refusal says how to fix it.

Officers' CSV files come from Excel's "Unicode Text" (UTF-16 with a BOM, tab-separated), from "CSV" on a
Vietnamese Windows (Windows-1258, tone marks as combining bytes) or from old documents typed with TCVN3
(".Vn" fonts) or VNI fonts. ipreg reads CSV UTF-8 only (one encoding, no guessing that could store wrong
names), so each of these is refused with the steps that produce CSV UTF-8. The guesses are cheap, on the
first 64 KB, and only ever choose the wording of a refusal.
"""
from __future__ import annotations

import codecs
import unicodedata

from ..core.errors import N_, IpregError

_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
         (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
# The letters that carry a modifier in Vietnamese: â ê ô (circumflex), ă (breve), ơ ư (horn).
_MODIFIERS = {"a": {"\u0302", "\u0306"}, "e": {"\u0302"}, "o": {"\u0302", "\u031b"}, "u": {"\u031b"},
              "i": set(), "y": set()}
SAMPLE = 65536


def wide_encoding(head: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' when the bytes are such text (by BOM, or by the NUL of every other byte of
    UTF-16 without BOM), else None."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    sample = head[:4096]
    half = len(sample) // 2
    if half >= 4:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if max(even, odd) >= 0.4 * half and min(even, odd) <= 0.05 * half:
            return "UTF-16"
    return None


def _vietnamese_letter(char: str) -> bool:
    """A letter of Vietnamese beyond ASCII: đ, or a vowel with at most its modifier and one tone mark."""
    if char in "đĐ":
        return True
    base, *marks = unicodedata.normalize("NFD", char)
    modifiers = _MODIFIERS.get(base.lower())
    if modifiers is None or not marks:
        return False
    tones = [m for m in marks if m in _TONES]
    others = [m for m in marks if m not in _TONES]
    return len(tones) <= 1 and len(others) <= 1 and set(others) <= modifiers


def legacy_vietnamese(data: bytes) -> str | None:
    """'Windows-1258', 'TCVN3 or VNI' or None for bytes that are not UTF-8.

    Windows-1258 read as Windows-1258 and composed gives Vietnamese letters (ơ, ư, ệ …) for nearly every
    byte above 127; TCVN3 and VNI read so give symbols and foreign letters (µ, ¸, ä, ñ …) instead, at the
    density of Vietnamese tone marks (one syllable in two or more).
    """
    text = unicodedata.normalize("NFC", data[:SAMPLE].decode("cp1258", errors="replace"))
    high = [c for c in text if ord(c) > 127]
    if not high:
        return None
    if sum(_vietnamese_letter(c) for c in high) >= 0.8 * len(high):
        return "Windows-1258"
    if len(high) >= 0.05 * max(sum(c.isalpha() for c in text), 1):
        return "TCVN3 or VNI"
    return None


def not_utf8(data: bytes, position: int) -> IpregError:
    """The refusal of a CSV that is not UTF-8 at byte ``position``, naming what it looks like."""
    legacy = legacy_vietnamese(data)
    if legacy == "Windows-1258":
        return IpregError(N_("The file is not UTF-8 text: it looks like Windows-1258 (Vietnamese Windows) text. "
                             "Save it as CSV UTF-8: in Excel choose File › Save As (or Save a Copy), pick "
                             "“CSV UTF-8 (Comma delimited) (*.csv)” and upload that file."))
    if legacy:
        return IpregError(N_("The file is not UTF-8 text: it looks like text typed with an old Vietnamese font "
                             "encoding (TCVN3 “.Vn” fonts or VNI). Convert it to Unicode first (UniKey: Công cụ "
                             "chuyển mã, from TCVN3 or VNI to Unicode), then in Excel choose File › Save As, pick "
                             "“CSV UTF-8 (Comma delimited) (*.csv)” and upload that file."))
    return IpregError(N_("The file is not UTF-8 text (byte %(byte)d). Save it as CSV UTF-8: in Excel choose File › "
                         "Save As (or Save a Copy), pick “CSV UTF-8 (Comma delimited) (*.csv)” and upload that "
                         "file."), byte=position)


def wide_unicode(filename: str, encoding: str) -> IpregError:
    """The refusal of a UTF-16 or UTF-32 file (Excel's "Unicode Text")."""
    return IpregError(N_("%(name)s is saved as %(encoding)s text (Excel's “Unicode Text”), which ipreg does not "
                         "read. Save it as CSV UTF-8: in Excel choose File › Save As (or Save a Copy), pick "
                         "“CSV UTF-8 (Comma delimited) (*.csv)” and upload that file."),
                      name=filename, encoding=encoding)
