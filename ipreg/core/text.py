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


# Vietnamese alphabetical order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y; the tone marks
# (none, huyền, hỏi, ngã, sắc, nặng — the dictionaries' order) only break ties between otherwise equal words.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: n for n, letter in enumerate(_ALPHABET)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
_KEEP = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: parts of the letters ă â ê ô ơ ư


def vi_sort_key(value: str | None) -> tuple:
    """A key that sorts Vietnamese text as a Vietnamese reader expects: "Bà Đen" before "Buôn Ma Thuột",
    "Đoan Hùng" after "Dương Kinh", a < ă < â, tone marks secondary; case ignored; spaces and punctuation before
    digits, digits before letters (as PostgreSQL's ICU collation ``vi`` orders them)."""
    letters, tones = [], []
    for char in unicodedata.normalize("NFD", canonical_tones(value).lower()):
        if char in _TONES:
            if tones:
                tones[-1] = _TONES[char]
            continue
        if char in _KEEP and letters and letters[-1][0] == 2:
            composed = unicodedata.normalize("NFC", _ALPHABET[letters[-1][1]] + char)
            if composed in _LETTER_RANK:
                letters[-1] = (2, _LETTER_RANK[composed])
            continue
        if char in _LETTER_RANK:
            letters.append((2, _LETTER_RANK[char]))
        elif char.isdigit():
            letters.append((1, ord(char)))
        elif char.isspace():
            letters.append((0, 0))
        else:  # punctuation before digits and letters, as ICU's Vietnamese order has it
            letters.append((0, 1))
        tones.append(0)
    return tuple(letters), tuple(tones)


def vi_sort_string(value: str | None) -> str:
    """``vi_sort_key`` as a string of digits, stored beside a name so that the database sorts by it in any
    collation (digits compare alike in all of them): two digits a character (space 02, punctuation 03, digits
    1d, letters 20 + their place in the alphabet, others 99), 01 to end the letters, then a digit a tone."""
    letters, tones = vi_sort_key(value)
    codes = {(0, 0): "02", (0, 1): "03"}
    primary = "".join(codes.get(item) or (f"1{chr(item[1])}" if item[0] == 1 else
                                          f"{20 + item[1]:02d}" if item[0] == 2 else "99") for item in letters)
    return primary + "01" + "".join(str(tone) for tone in tones)

