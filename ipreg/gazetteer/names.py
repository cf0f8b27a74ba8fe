"""Resolve unit names as officers write them to units of one vintage, or say which candidates are close.

Accepts 'Xã Sinh Long, Huyện Na Hang, Tỉnh Tuyên Quang', 'xa sinh long, na hang, tuyen quang', 'TT Chũ',
'TP Buôn Ma Thuột', with or without type words, tone marks or either tone placement. The first component is
the unit; the others must be its ancestors. An exact, unique match is returned as ``match``; anything else
gives ranked ``candidates`` and a message, never a silent guess.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from ..core.errors import N_, Message, vintage_word
from ..core.text import canonical_tones, fold, nfc

# Folded type words → (canonical type, levels it can name). Longest first when matching.
TYPE_WORDS = {
    "thi tran": ("Thị trấn", ("commune",)),
    "thi xa": ("Thị xã", ("district",)),
    "thanh pho": ("Thành phố", ("district", "province")),
    "dac khu": ("Đặc khu", ("commune",)),
    "phuong": ("Phường", ("commune",)),
    "xa": ("Xã", ("commune",)),
    "huyen": ("Huyện", ("district",)),
    "quan": ("Quận", ("district",)),
    "tinh": ("Tỉnh", ("province",)),
    # abbreviations as written in addresses
    "tt": ("Thị trấn", ("commune",)),
    "tx": ("Thị xã", ("district",)),
    "tp": ("Thành phố", ("district", "province")),
    "dk": ("Đặc khu", ("commune",)),
    "p": ("Phường", ("commune",)),
    "x": ("Xã", ("commune",)),
    "h": ("Huyện", ("district",)),
    "q": ("Quận", ("district",)),
    "t": ("Tỉnh", ("province",)),
}
_LEVELS_OF_TYPE = {canonical: levels for canonical, levels in TYPE_WORDS.values()}
_TYPE_ORDER = sorted(TYPE_WORDS, key=lambda w: (-len(w.split()), -len(w)))
_SPLIT = re.compile(r"[,;]")  # not " - ": "Tỉnh Bà Rịa - Vũng Tàu" is one name


@dataclass(frozen=True)
class Part:
    type: str | None
    slug: str
    text: str
    name_text: str = ""  # the name as written, tone marks kept, without its type word


@dataclass
class Candidate:
    unit: object
    score: float
    path: str
    why: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {**self.unit.ref(), "path": self.path, "score": round(self.score, 3), "why": self.why}


@dataclass
class Resolution:
    query: str
    match: object | None
    candidates: list[Candidate]
    message: str

    def as_dict(self) -> dict:
        return {"query": self.query, "match": self.match.ref() | {"path": self.candidates[0].path}
                if self.match else None,
                "candidates": [c.as_dict() for c in self.candidates], "message": self.message}


# Type words as written with tone marks, so that 'Phương Tiến' (a name) is not read as 'Phường Tiến'.
_TONED_TYPES = {nfc_word: folded for folded, nfc_word in (
    ("thi tran", "thị trấn"), ("thi xa", "thị xã"), ("thanh pho", "thành phố"), ("dac khu", "đặc khu"),
    ("phuong", "phường"), ("xa", "xã"), ("huyen", "huyện"), ("quan", "quận"), ("tinh", "tỉnh"))}
_TYPE_INSIDE = re.compile(r"\s(?=(?:thi tran|thi xa|thanh pho|dac khu|phuong|huyen|quan|tinh|tp|tx|tt)\s)")


def _has_marks(text: str) -> bool:
    return fold(text).replace(" ", "") != re.sub(r"[^0-9a-z]", "", text.casefold())


def parse_part(text: str) -> Part:
    """'TP. Buôn Ma Thuột' → Part('Thành phố', 'buonmathuot'); 'Phương Tiến' keeps its name."""
    folded = fold(text)
    lowered = nfc(text).casefold()
    toned = _has_marks(text)
    for word in _TYPE_ORDER:
        if not (folded.startswith(word + " ") and len(folded) > len(word) + 1):
            continue
        if toned and " " in word or toned and word in {"phuong", "xa", "huyen", "quan", "tinh"}:
            written = next((w for w, f in _TONED_TYPES.items() if f == word), None)
            if written and not lowered.startswith(written + " "):
                continue  # same letters, other tones: part of the name ('Phương Tiến', 'Xà Hồ')
        name_text = " ".join(re.split(r"[\s.]+", text.strip())[len(word.split()):])
        return Part(TYPE_WORDS[word][0], folded[len(word) + 1:].replace(" ", ""), text.strip(), name_text)
    return Part(None, folded.replace(" ", ""), text.strip(), text.strip())


def parse(text: str) -> list[Part]:
    """Split on commas (or, when there are none, before each inner type word: 'xa a huyen b tinh c')."""
    pieces = [p for p in _SPLIT.split(text or "") if fold(p)]
    if len(pieces) == 1 and not _has_marks(pieces[0]):
        inner = _TYPE_INSIDE.split(fold(pieces[0]))
        if len(inner) > 1:
            pieces = inner
    return [parse_part(p) for p in pieces]


class NameIndex:
    """Short-name slugs of every unit, per vintage, for exact lookup and fuzzy candidates."""

    def __init__(self, gazetteer):
        self.gaz = gazetteer
        self.by_slug: dict[tuple[str, str], list] = defaultdict(list)
        self.choices: dict[str, list[str]] = defaultdict(list)
        self.choice_units: dict[str, list] = defaultdict(list)
        for unit in gazetteer.units.values():
            key = fold(unit.short_name).replace(" ", "")
            self.by_slug[(unit.vintage, key)].append(unit)
            self.choices[unit.vintage].append(key)
            self.choice_units[unit.vintage].append(unit)
        self._slugs = {u.id: fold(u.short_name).replace(" ", "") for u in gazetteer.units.values()}
        self._paths: dict[str, list[tuple[object, str]]] = {}

    def _ancestors(self, unit) -> list:
        out, current = [], self.gaz.parent(unit)
        while current is not None:
            out.append(current)
            current = self.gaz.parent(current)
        return out

    def _judge(self, unit, head: Part, rest: list[Part]) -> tuple[float, list[str]]:
        """Score a candidate: 1.0 when name, type and every given ancestor agree."""
        score, why = 1.0, []
        if head.type and head.type != unit.type:
            # Same level (a town became a ward, a district a town) costs less than another level.
            score -= 0.1 if unit.level in _LEVELS_OF_TYPE[head.type] else 0.25
            why.append(Message(N_("type is %(actual)s, not %(given)s"), actual=unit.type, given=head.type))
        ancestors = self._ancestors(unit)
        for part in rest:
            hit = [a for a in ancestors if self._slugs[a.id] == part.slug and (not part.type or part.type == a.type)]
            if hit:
                continue
            near = [a for a in ancestors if self._slugs[a.id] == part.slug]
            if near:
                score -= 0.05
                why.append(Message(N_("%(part)s: type differs"), part=part.text))
            elif any(a.level == "province" for a in ancestors) and _names_province(part, ancestors, self._slugs):
                continue
            else:
                level = "province" if part.type in ("Tỉnh",) else "district"
                score -= 0.3 if level == "province" or not any(a.level == "district" for a in ancestors) else 0.1
                why.append(Message(N_("not in %(part)s"), part=part.text))
        return score, why

    def resolve(self, text: str, vintage: str, levels: tuple[str, ...] | None = None, limit: int = 5) -> Resolution:
        query = (text or "").strip()
        parts = parse(query)
        if not parts:
            return Resolution(query, None, [], Message(N_("Empty unit name")))
        head, rest = parts[0], parts[1:]
        code = head.text if head.type is None else ""
        if code.isdigit():
            unit = self.gaz.by_key.get((vintage, code))
            if unit and (not levels or unit.level in levels):
                return Resolution(query, unit, [Candidate(unit, 1.0, self.gaz.path(unit))],
                                  Message(N_("Matched by code")))
            return Resolution(query, None, [], Message(N_("No %(vintage)s unit has code %(code)s"),
                                                      vintage=vintage_word(vintage), code=code))
        pool = [u for u in self.by_slug.get((vintage, head.slug), ()) if not levels or u.level in levels]
        if head.type:
            allowed = _LEVELS_OF_TYPE[head.type]
            pool = [u for u in pool if u.level in allowed] or pool
        judged = sorted(((u, *self._judge(u, head, rest)) for u in pool), key=lambda t: (-t[1], t[0].code))
        exact = [t for t in judged if t[1] >= 1.0]
        if len(exact) > 1 and _has_marks(query):
            # Names that fold alike (Minh Quán / Minh Quân, Ia Bang / Ia Băng) are told apart by their marks
            # when the writer uses marks at all.
            toned = canonical_tones(head.name_text).casefold()
            exact = [t for t in exact if canonical_tones(t[0].short_name).casefold() == toned] or exact
        if len(exact) == 1:
            unit = exact[0][0]
            return Resolution(query, unit, [Candidate(unit, 1.0, self.gaz.path(unit))], Message(N_("Matched")))
        if len(exact) > 1:
            cands = [Candidate(u, s, self.gaz.path(u), w) for u, s, w in exact[:limit]]
            return Resolution(query, None, cands,
                              Message(N_("Ambiguous: %(count)d units are named %(name)r; add the district or province"),
                                      count=len(exact), name=head.text))
        cands = [Candidate(u, s, self.gaz.path(u), w) for u, s, w in judged]
        if len(cands) < limit:
            cands += self._fuzzy(head, rest, vintage, levels, {c.unit.id for c in cands}, limit)
        cands.sort(key=lambda c: (-c.score, c.unit.code))
        cands = cands[:limit]
        if not cands:
            return Resolution(query, None, [], Message(N_("No %(vintage)s unit is named like %(name)r"),
                                                       vintage=vintage_word(vintage), name=head.text))
        return Resolution(query, None, cands,
                          Message(N_("No exact match for %(query)r; closest candidates listed"), query=query))

    def search(self, text: str, vintage: str, limit: int = 20) -> Resolution:
        """Search box: a code, a resolvable name, or words that all occur in a unit's full path."""
        result = self.resolve(text, vintage, limit=limit)
        if result.match:
            return result
        words = fold(text).split()
        if not words:
            return result
        paths = self._folded_paths(vintage)
        hits = [u for u, path in paths if all(w in path for w in words)]
        hits.sort(key=lambda u: ({"province": 0, "district": 1, "commune": 2}[u.level], u.code))
        seen = {c.unit.id for c in result.candidates}
        found = [Candidate(u, 1.0, self.gaz.path(u)) for u in hits if u.id not in seen][:limit]
        if found:
            return Resolution(result.query, found[0].unit if len(found) == 1 else None,
                              found + result.candidates[: max(0, limit - len(found))], "")
        return result

    def _folded_paths(self, vintage: str) -> list[tuple[object, str]]:
        if vintage not in self._paths:
            self._paths[vintage] = [(u, fold(self.gaz.path(u))) for u in self.choice_units[vintage]]
        return self._paths[vintage]

    def _fuzzy(self, head: Part, rest: list[Part], vintage: str, levels, seen: set[int], limit: int) -> list[Candidate]:
        units = self.choice_units[vintage]
        found = process.extract(head.slug, self.choices[vintage], scorer=fuzz.ratio, limit=limit * 8,
                                score_cutoff=75)
        out = []
        for _, similarity, index in found:
            unit = units[index]
            if unit.id in seen or (levels and unit.level not in levels):
                continue
            seen.add(unit.id)
            score, why = self._judge(unit, head, rest)
            why.insert(0, Message(N_("name similar (%(percent)s%%)"), percent=f"{similarity:.0f}"))
            out.append(Candidate(unit, score * similarity / 100 * 0.9, self.gaz.path(unit), why))
        return out


def _names_province(part: Part, ancestors: list, slugs: dict) -> bool:
    """A province written as its short name ('Tuyên Quang') matches the province ancestor."""
    return any(a.level == "province" and slugs[a.id] == part.slug for a in ancestors)


# Places below a commune, as areas name them: "xóm 1–17, xã Bình Minh", "thôn Đông, thôn Tây, xã X".
_SUB_COMMUNE = re.compile(r"^(thon|xom|ban|ap|buon|lang|khom|phum|soc|to dan pho|khu pho|to|khu|doi|mot phan)\b")


def split_sub_commune(text: str) -> tuple[str | None, str]:
    """('xóm 1–17', 'xã Bình Minh, huyện …') when hamlets are written before a commune with its type word;
    else (None, text). The commune is the unit; the hamlets are kept as written."""
    pieces = [p.strip() for p in _SPLIT.split(text or "")]
    for n in range(1, len(pieces)):
        if not all(_SUB_COMMUNE.match(fold(p)) for p in pieces[:n]):
            break
        head = parse_part(pieces[n])
        if head.type and "commune" in _LEVELS_OF_TYPE[head.type]:
            return ", ".join(pieces[:n]), ", ".join(pieces[n:])
    return None, text
