"""The reform rules: one function per rule, each returning findings about one record.

Codes, severities and meanings are an interface (flags are filtered and exported by them):
high = a transfer or recordal is needed; medium = a decision about the area or authority is needed;
low = wording or address only. Non-state bodies are never "abolished" by the reform: at most low.

A rule decides at once whether it applies; what it says (reasons, suggestion, candidates, evidence) is
built only when asked for (``Finding.payload``), because a run over a whole registry needs the decisions,
and only the flags on screen need their words.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Callable

from .areas import AreaSummary
from .gazetteer import Gazetteer, Link, Unit
from .parties import is_state
from .text import slug

RULES = {
    "HOLDER_BODY_ABOLISHED": "high", "MANAGER_BODY_ABOLISHED": "high",
    "HOLDER_BODY_MERGED": "high", "MANAGER_BODY_MERGED": "high",
    "HOLDER_UNIT_SPLIT": "high", "MANAGER_UNIT_SPLIT": "high",
    "AREA_CROSSES_PROVINCES": "medium", "AREA_PARTIAL_UNITS": "medium",
    "AREA_REEXPRESSION": "low", "ADDRESS_OUTDATED": "low",
}


@dataclass(frozen=True)
class PartyView:
    id: int
    name: str
    kind: str
    unit: Unit | None


@dataclass
class Finding:
    rule: str
    subject: str  # holder | manager | area
    build: Callable[[], dict] = field(repr=False, compare=False)

    @property
    def severity(self) -> str:
        return RULES[self.rule]

    @cached_property
    def payload(self) -> dict:
        """reason_vi, reason_en, suggested, candidates, evidence."""
        return self.build()

    reason_vi = property(lambda self: self.payload["reason_vi"])
    reason_en = property(lambda self: self.payload["reason_en"])
    suggested = property(lambda self: self.payload["suggested"])
    candidates = property(lambda self: self.payload["candidates"])
    evidence = property(lambda self: self.payload["evidence"])


def _payload(reason_vi: str, reason_en: str, suggested: dict | None = None, candidates: list | None = None,
             evidence: dict | None = None) -> dict:
    return {"reason_vi": reason_vi, "reason_en": reason_en, "suggested": suggested,
            "candidates": candidates or [], "evidence": evidence or {}}


# --- helpers ------------------------------------------------------------------------------------------

@lru_cache(maxsize=32768)
def unit_json(unit: Unit) -> dict:
    """Cached and shared between findings: never mutate the result."""
    return {"code": unit.code, "name": unit.name, "level": unit.level, "vintage": unit.vintage}


@lru_cache(maxsize=65536)
def _link_json(old: Unit, new: Unit, link: Link) -> dict:
    return {"old": unit_json(old), "new": unit_json(new), "kind": link.kind,
            "share": None if link.share is None else round(link.share, 4), "legal_basis": link.legal_basis,
            "effective_date": link.effective_date.isoformat()}


def link_json(gaz: Gazetteer, link: Link) -> dict:
    return _link_json(gaz.units[link.old_id], gaz.units[link.new_id], link)


MAX_LISTED = 12  # evidence lists are capped; the full succession is one click away on the unit page


def _in_sentence(unit: Unit) -> str:
    """'Tỉnh Vĩnh Long' → 'tỉnh Vĩnh Long' (as written after a body's function)."""
    return unit.type.lower() + unit.name[len(unit.type):] if unit.name.startswith(unit.type) else unit.name


def body_of(function: str, unit: Unit) -> dict:
    """The body of a function in a new unit: its People's Committee or its Department of S&T."""
    names = {"pc": "Ủy ban nhân dân", "dost": "Sở Khoa học và Công nghệ"}
    kinds = {("pc", "province"): "province_pc", ("pc", "commune"): "commune_pc", ("dost", "province"): "dost"}
    return {"party": {"name": f"{names[function]} {_in_sentence(unit)}", "kind": kinds[(function, unit.level)]},
            "unit": unit_json(unit)}


def renamed_body(party: PartyView, old: Unit, new: Unit) -> dict:
    """The corresponding body of the successor unit: the old unit's name replaced in the body's name."""
    name = party.name
    for written in (_in_sentence(old), old.name, old.short_name):
        if written in name:
            replacement = _in_sentence(new) if written == _in_sentence(old) else (
                new.name if written == old.name else new.short_name)
            name = name.replace(written, replacement)
            break
    else:
        name = f"{party.name} ({new.name})"
    return {"party": {"name": name, "kind": party.kind}, "unit": unit_json(new)}


@lru_cache(maxsize=4096)
def _province_successor(gaz: Gazetteer, unit: Unit) -> Unit:
    """The new province a unit of the old vintage lies in after the reform."""
    province = gaz.by_key[("old", unit.province_code)]
    return gaz.successors_of(province)[0][1]


def _same_name(a: Unit, b: Unit) -> bool:
    return slug(a.short_name) == slug(b.short_name)


ROLE_VI = {"holder": "Chủ sở hữu", "manager": "Tổ chức quản lý"}
ROLE_EN = {"holder": "The holder", "manager": "The manager"}


# --- rules on parties -----------------------------------------------------------------------------------

def body_abolished(gaz: Gazetteer, role: str, party: PartyView, area: AreaSummary | None) -> Finding | None:
    """A district People's Committee, or any state body of a district: the level no longer exists."""
    unit = party.unit
    if unit is None or unit.vintage != "old" or unit.level != "district" or not is_state(party.kind):
        return None

    def build() -> dict:
        province = _province_successor(gaz, unit)
        links = gaz.successors_of(unit)
        # The body of the same function: a district People's Committee → the province's People's Committee;
        # a district office or agency → the province's Department of Science and Technology.
        options = [body_of("pc", province), body_of("dost", province)]
        if party.kind != "district_pc":
            options.reverse()
        suggested, alternatives = options[0], options[1:]
        if area is not None and len(area.projection.new_units) == 1:
            commune = area.projection.new_units[0].unit
            alternatives = [suggested] + alternatives
            suggested = body_of("pc", commune)
        elif area is not None:
            alternatives += [dict(body_of("pc", c.unit), share=c.share, coverage=c.coverage)
                             for c in area.projection.new_units[:MAX_LISTED]]
        return _payload(
            f"{ROLE_VI[role]} «{party.name}» thuộc {unit.name}; cấp huyện kết thúc hoạt động từ 01/7/2025. "
            f"Đề xuất chuyển giao cho {suggested['party']['name']}.",
            f"{ROLE_EN[role]} «{party.name}» belongs to {unit.name}; the district level ended on 1 July 2025. "
            f"Suggested successor: {suggested['party']['name']}.",
            suggested, alternatives,
            {"party": {"name": party.name, "kind": party.kind, "unit": unit_json(unit)},
             "links": [link_json(gaz, l) for l, _ in links[:MAX_LISTED]], "links_total": len(links),
             "new_province": unit_json(province),
             "legal_basis": links[0][0].note if links and links[0][0].note else None})

    return Finding(f"{role.upper()}_BODY_ABOLISHED", role, build)


def body_merged(gaz: Gazetteer, role: str, party: PartyView, area: AreaSummary | None) -> Finding | None:
    """A state body's province or commune was merged whole into a unit with another name."""
    unit = party.unit
    if unit is None or unit.vintage != "old" or unit.level == "district" or not is_state(party.kind):
        return None
    links = gaz.successors.get(unit.id, ())
    if len(links) != 1:
        return None
    link = links[0]
    new = gaz.units[link.new_id]
    if _same_name(unit, new):
        return None  # the name continues: the body continues (see address_outdated)

    def build() -> dict:
        suggested = renamed_body(party, unit, new)
        return _payload(
            f"{unit.name} đã được sắp xếp vào {new.name} từ 01/7/2025. {ROLE_VI[role]} «{party.name}» "
            f"chuyển thành cơ quan tương ứng: {suggested['party']['name']}.",
            f"{unit.name} was merged into {new.name} on 1 July 2025. {ROLE_EN[role]} «{party.name}» is succeeded "
            f"by the corresponding body: {suggested['party']['name']}.",
            suggested, [], {"party": {"name": party.name, "kind": party.kind, "unit": unit_json(unit)},
                            "links": [link_json(gaz, link)]})

    return Finding(f"{role.upper()}_BODY_MERGED", role, build)


def unit_split(gaz: Gazetteer, role: str, party: PartyView, area: AreaSummary | None) -> Finding | None:
    """A state body's commune was split across several new communes: candidates only, no suggestion."""
    unit = party.unit
    if unit is None or unit.vintage != "old" or unit.level != "commune" or not is_state(party.kind):
        return None
    if len(gaz.successors.get(unit.id, ())) < 2:
        return None

    def build() -> dict:
        links = gaz.successors_of(unit)
        candidates = [dict(renamed_body(party, unit, new) if party.kind != "commune_pc" else body_of("pc", new),
                           share=None if link.share is None else round(link.share, 4)) for link, new in links]
        return _payload(
            f"{unit.name} được chia vào {len(links)} đơn vị mới; cần xác định cơ quan kế thừa «{party.name}».",
            f"{unit.name} was split across {len(links)} new units; the successor of «{party.name}» must be decided.",
            None, candidates, {"party": {"name": party.name, "kind": party.kind, "unit": unit_json(unit)},
                               "links": [link_json(gaz, l) for l, _ in links],
                               "shares_note": "shares unknown: no boundaries of old communes"
                               if all(l.share is None for l, _ in links) else None})

    return Finding(f"{role.upper()}_UNIT_SPLIT", role, build)


def address_outdated(gaz: Gazetteer, role: str, party: PartyView, area: AreaSummary | None) -> Finding | None:
    """The party's unit changed name or code, or lost its district (wording of the address only)."""
    unit = party.unit
    if unit is None or unit.vintage != "old":
        return None
    if unit.level == "province":
        new = gaz.units[gaz.successors[unit.id][0].new_id]
        if new.code == unit.code and _same_name(unit, new):
            return None  # same name, same code (Quảng Ninh, Tuyên Quang): nothing to reword

    def build() -> dict:
        links = gaz.successors_of(unit)
        if unit.level == "district":
            target = _province_successor(gaz, unit)
            news, links_shown = [target], []  # the address keeps the province; the district's links are moot
            why_vi, why_en = "cấp huyện không còn", "the district level no longer exists"
        elif unit.level == "commune":
            news, links_shown = [new for _, new in links], links
            why_vi, why_en = "địa chỉ không còn cấp huyện", "the address has no district any more"
            target = news[0] if len(news) == 1 else None
        else:
            target = links[0][1]
            news, links_shown = [target], links
            why_vi, why_en = f"nay là {target.name} (mã {target.code})", f"now {target.name} (code {target.code})"
        suggested = ({"party": {"name": party.name, "kind": party.kind}, "unit": unit_json(target)}
                     if target is not None else None)
        return _payload(
            f"Địa chỉ của {ROLE_VI[role].lower()} «{party.name}» ghi theo {unit.name}: {why_vi}.",
            f"The address of {ROLE_EN[role].lower()} «{party.name}» is written as {unit.name}: {why_en}.",
            suggested, [{"party": {"name": party.name, "kind": party.kind}, "unit": unit_json(n)}
                        for n in news[:MAX_LISTED]] if suggested is None else [],
            {"party": {"name": party.name, "kind": party.kind, "unit": unit_json(unit)},
             "links": [link_json(gaz, l) for l, _ in links_shown[:MAX_LISTED]]})

    return Finding("ADDRESS_OUTDATED", role, build)


PARTY_RULES = (body_abolished, body_merged, unit_split)


def party_findings(gaz: Gazetteer, role: str, party: PartyView | None, area: AreaSummary | None) -> list[Finding]:
    """The high rules first; the address rule only when no high rule applies to the same body."""
    if party is None:
        return []
    found = [f for rule in PARTY_RULES if (f := rule(gaz, role, party, area))]
    if not found:
        low = address_outdated(gaz, role, party, area)
        found = [low] if low else []
    return found


# --- rules on areas ------------------------------------------------------------------------------------

def area_crosses_provinces(gaz: Gazetteer, area: AreaSummary) -> Finding | None:
    provinces = area.new_provinces
    if len(provinces) < 2:
        return None

    def build() -> dict:
        names = [gaz.by_key[("new", c)].name for c in provinces]
        return _payload(
            f"Khu vực địa lý nằm trên {len(provinces)} tỉnh, thành phố mới ({', '.join(names)}); cần tổ chức quản "
            "lý được các tỉnh liên quan ủy quyền.",
            f"The area lies in {len(provinces)} new provinces ({', '.join(names)}); it needs a manager authorised by "
            "the provinces concerned.",
            None, [], {"new_provinces": [unit_json(gaz.by_key[("new", c)]) for c in provinces],
                       "old_provinces": list(area.old_provinces)})

    return Finding("AREA_CROSSES_PROVINCES", "area", build)


def area_partial_units(gaz: Gazetteer, area: AreaSummary) -> Finding | None:
    """An old unit of the area was split, so the area boundary now cuts through a new commune.

    A commune merged whole with communes outside the area also leaves a new commune covered in part, but no
    boundary moved: the re-expressed wording says "một phần" (AREA_REEXPRESSION), no decision is needed.
    """
    if area.unchanged_perimeter or not area.projection.new_units:
        return None

    def split_of(covered) -> list[Unit]:
        return [gaz.units[a] for a in covered.via if len(gaz.successors.get(a, ())) > 1]

    parts = [c for c in area.projection.new_units if c.coverage == "part" and split_of(c)]
    if not parts:
        return None

    def build() -> dict:
        units = []
        for covered in parts[:MAX_LISTED * 2]:
            units.append({"new": unit_json(covered.unit), "share": covered.share, "cause": "split",
                          "old_in_area": [unit_json(gaz.units[a]) for a in covered.via[:MAX_LISTED]],
                          "split_old_units": [u.code for u in split_of(covered)]})
        names = ", ".join(c.unit.name for c in parts[:6]) + ("…" if len(parts) > 6 else "")
        return _payload(
            f"Ranh giới khu vực địa lý cắt qua {len(parts)} đơn vị hành chính mới ({names}); cần quyết định về "
            "khu vực.",
            f"The area boundary now cuts through {len(parts)} new units ({names}); a decision about the area is "
            "needed.",
            None, [], {"units": units, "units_total": len(parts)})

    return Finding("AREA_PARTIAL_UNITS", "area", build)


def area_reexpression(gaz: Gazetteer, area: AreaSummary) -> Finding | None:
    if not area.written_in_old_units:
        return None

    def build() -> dict:
        return _payload(
            "Khu vực địa lý được ghi theo đơn vị hành chính không còn tồn tại; diễn đạt lại theo đơn vị mới: "
            f"{area.reexpressed}",
            f"The area is written in units that no longer exist; re-expressed in the new units: {area.reexpressed}",
            {"reexpressed": area.reexpressed}, [],
            {"unchanged_perimeter": area.unchanged_perimeter, "written": [e.unit.code for e in area.entries]})

    return Finding("AREA_REEXPRESSION", "area", build)


AREA_RULES = (area_crosses_provinces, area_partial_units, area_reexpression)


def area_findings(gaz: Gazetteer, area: AreaSummary | None) -> list[Finding]:
    if area is None:
        return []
    return [f for rule in AREA_RULES if (f := rule(gaz, area))]
