"""A flag's reason in one sentence, for the queue: an officer scans hundreds of lines, so a list of communes
becomes its first names and "và N xã khác"; the flag page keeps the full reason.

The words come from the rules (``rules.py``): the sentence that names the party («…») says what the flag is
about; an area's re-expression is read back from its structured wording (``registry.areas.reexpress``:
provinces apart with " | ", units with "; ", each unit's detail in brackets).
"""
from __future__ import annotations

import re
from functools import lru_cache

SHOWN = 2  # names kept before "và N … khác"
LONG_LIST = 3  # a bracketed list longer than this is shortened
_OPEN, _CLOSE = "(«", ")»"
# the kind of unit a list counts, by the first word of its names: (Vietnamese, English plural)
NOUNS = (("Xã ", "xã", "communes"), ("Phường ", "phường", "wards"), ("Đặc khu ", "đặc khu", "special zones"),
         ("Tỉnh ", "tỉnh, thành phố", "provinces"), ("Thành phố ", "tỉnh, thành phố", "provinces"))
GENERIC = ("đơn vị", "units")


@lru_cache(maxsize=16)
def _tokens(separator: str) -> re.Pattern:
    return re.compile(f"[{re.escape(_OPEN + _CLOSE)}]|{re.escape(separator)}")


def _split_top(text: str, separator: str) -> list[str]:
    """``text`` cut at ``separator`` outside brackets and «quotes» (a unit's detail may hold the separator)."""
    parts, depth, start = [], 0, 0
    for match in _tokens(separator).finditer(text):
        token = match.group(0)
        if token in _OPEN:
            depth += 1
        elif token in _CLOSE:
            depth -= 1
        elif depth == 0:
            parts.append(text[start:match.start()])
            start = match.end()
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def sentences(text: str) -> list[str]:
    """The sentences of a reason: cut after a full stop followed by a capital, outside brackets and quotes
    (so "TP. Hồ Chí Minh" inside «…» and dates such as 01/7/2025 stay whole)."""
    marked = re.sub(r"\.\s+(?=\S)", lambda m: ".\u2029" if text[m.end()].isupper() or text[m.end()] == "«"
                    else m.group(0), text or "")
    pieces = [p.replace("\u2029", " ") for p in _split_top(marked, "\u2029")]
    return [p if p.endswith((".", "…")) else p + "." for p in pieces] if pieces else [""]


def _noun(names: list[str]) -> tuple[str, str]:
    """What the names are, said once: "xã" when all are communes, "đơn vị" when they mix kinds."""
    found = {next(((vi, en) for prefix, vi, en in NOUNS if n.startswith(prefix)), GENERIC) for n in names}
    return found.pop() if len(found) == 1 else GENERIC


def enumerate_names(names: list[str], total: int | None = None) -> dict[str, str]:
    """"A, B và C", or "A, B và N xã khác" when more than ``SHOWN`` + 1 (``total``: the count when the
    list given is capped)."""
    total = max(total or len(names), len(names))
    if total <= SHOWN + 1 and len(names) == total:
        if len(names) < 2:
            return {"vi": "".join(names), "en": "".join(names)}
        head = ", ".join(names[:-1])
        return {"vi": f"{head} và {names[-1]}", "en": f"{head} and {names[-1]}"}
    rest = total - SHOWN
    vi, en = _noun(names[SHOWN:] or names)
    head = ", ".join(names[:SHOWN])
    return {"vi": f"{head} và {rest} {vi} khác", "en": f"{head} and {rest} other {en}"}


def _reexpression(reexpressed: str) -> dict[str, str]:
    provinces, units = [], []
    for part in _split_top(reexpressed, " | "):
        province, sep, items = part.partition(": ")
        if not sep:  # "Tỉnh Quảng Ninh (toàn bộ)": a province covered whole
            units.append(part)
            continue
        provinces.append(province)
        units += [item.split(" (", 1)[0] for item in _split_top(items, "; ")]
    listed = enumerate_names(units)
    where_vi = f" ({', '.join(provinces)})" if provinces else ""
    return {"vi": f"Khu vực ghi theo đơn vị cũ; diễn đạt lại theo đơn vị mới: {listed['vi']}{where_vi}.",
            "en": f"The area is written in former units; in the new units: {listed['en']}{where_vi}."}


def _partial(evidence: dict) -> dict[str, str]:
    names = [u["new"]["name"] for u in evidence.get("units") or []]
    listed = enumerate_names(names, evidence.get("units_total"))
    return {"vi": f"Ranh giới khu vực cắt qua {listed['vi']}; cần quyết định về khu vực.",
            "en": f"The area boundary cuts through {listed['en']}; a decision about the area is needed."}


def _shorten_lists(sentence: str, lang: str) -> str:
    """Every bracketed list of more than ``LONG_LIST`` names cut to its first ones and a count."""
    def cut(match: re.Match) -> str:
        names = _split_top(match.group(1), ", ")
        return f"({enumerate_names(names)[lang]})" if len(names) > LONG_LIST else match.group(0)

    return re.sub(r"\(([^()]*)\)", cut, sentence)


def _key_sentence(text: str, lang: str) -> str:
    """The sentence naming the party («…»), else the first; its long lists shortened."""
    found = sentences(text)
    chosen = next((s for s in found if "«" in s), found[0])
    return _shorten_lists(chosen, lang)


def short_reason(rule: str, words: dict) -> dict[str, str]:
    """The flag's reason in one sentence, in both languages ({"vi": …, "en": …})."""
    suggested = words.get("suggested") or {}
    if rule == "AREA_REEXPRESSION" and suggested.get("reexpressed"):
        return _reexpression(suggested["reexpressed"])
    if rule == "AREA_PARTIAL_UNITS" and (words.get("evidence") or {}).get("units"):
        return _partial(words["evidence"])
    return {"vi": _key_sentence(words.get("reason_vi") or "", "vi"),
            "en": _key_sentence(words.get("reason_en") or "", "en")}
