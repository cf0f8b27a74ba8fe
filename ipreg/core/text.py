"""Vietnamese text: NFC normalisation, folding for comparison, canonical tone placement.

Official lists write the same name with the tone mark on either vowel (Hoà/Hòa, Thuỷ/Thủy) and with i or y
(Quí/Quý, Kì/Kỳ); NFD input from some keyboards differs byte-wise from NFC. Every comparison goes through
``fold`` (no tone marks, đ→d, case-folded, i/y canonical) or ``slug`` (``fold`` without spaces).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_COMBINING = re.compile(r"[\u0300-\u036f]")
_NON_WORD = re.compile(r"[^0-9a-z ]+")
_SPACES = re.compile(r"\s+")
# Syllables where i and y are interchangeable spellings of one sound (Quí/Quý, Kì/Kỳ, Lí/Lý, Mĩ/Mỹ).
_IY_SYLLABLE = re.compile(r"\b(qu|k|l|m|t|s)i\b")
# Leading zeros in numbered wards ("Phường 01" is "Phường 1").
_LEADING_ZEROS = re.compile(r"\b0+(\d)")

def nfc(value: str | None) -> str:
    """NFC-normalise and trim; ``None`` becomes the empty string."""
    if value is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


@lru_cache(maxsize=262_144)
def fold(value: str | None) -> str:
    """Fold for matching: 'Xã Khâu Tinh' → 'xa khau tinh', 'Đắk Lắk' → 'dak lak', 'Quí' → 'quy'."""
    text = unicodedata.normalize("NFD", nfc(value))
    text = _COMBINING.sub("", text).replace("đ", "d").replace("Đ", "D").casefold()
    text = text.replace("'", "").replace("’", "").replace("-", " ")
    text = _NON_WORD.sub(" ", text)
    text = _IY_SYLLABLE.sub(r"\1y", text)
    text = _LEADING_ZEROS.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


def slug(value: str | None) -> str:
    """``fold`` without spaces, so 'Cư M'gar', 'Cu Mgar' and 'CuM gar' compare equal."""
    return fold(value).replace(" ", "")


# Tone placement: "oà"/"òa", "oé"/"óe", "uỳ"/"ùy" spell the same syllable when nothing follows the pair
# (and "qu" is a consonant: "Quý" keeps its mark).
_NEW_TO_OLD = {}
for first, second_marks, first_marks in (
    ("o", "àáảãạ", "òóỏõọ"),  # oa
    ("o", "èéẻẽẹ", "òóỏõọ"),  # oe
    ("u", "ỳýỷỹỵ", "ùúủũụ"),  # uy
):
    base_second = {"à": "a", "è": "e", "ỳ": "y"}[second_marks[0]]
    for tone_index, mark in enumerate(second_marks):
        _NEW_TO_OLD[first + mark] = first_marks[tone_index] + base_second
_TONE_PAIR = re.compile(r"(?<![qQ])(" + "|".join(sorted(_NEW_TO_OLD, key=len, reverse=True)) + r")(?![a-zđàáảãạâầấẩẫậăằắẳẵặèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ])", re.IGNORECASE)


def canonical_tones(value: str | None) -> str:
    """NFC text with the tone mark on the first vowel of open oa/oe/uy ('Hoà' → 'Hòa', 'Thuỷ' → 'Thủy')."""

    def swap(match: re.Match) -> str:
        pair = match.group(0)
        out = _NEW_TO_OLD[pair.lower()]
        return out[0].upper() + out[1:] if pair[0].isupper() else out

    return _TONE_PAIR.sub(swap, nfc(value))
