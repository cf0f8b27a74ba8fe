"""The reform rules: one function per rule, each returning findings about one record.

Codes and severities are in ``findings.RULES``. A body follows its unit through the reform when it is a
state body, or the Fatherland Front or an organisation of it (bodies.FUNCTIONS): its district level ended,
its merged province's body is the new province's. Other bodies (cooperatives, enterprises, product
associations) keep their name: at most their address is outdated (low).

A rule decides at once whether it applies; what it says (reasons, suggestion, candidates, evidence) is
built only when asked for (``Finding.payload``), because a run over a whole registry needs the decisions,
and only the flags on screen need their words. A successor's name is built from its function and its
unit's official name (bodies.build), never written into the old body's name.
"""
from __future__ import annotations

from functools import lru_cache

from ..core.reform import DISTRICT_ABOLITION
from ..core.text import slug
from ..gazetteer.snapshot import Gazetteer, Unit
from ..registry.areas import AreaSummary
from ..registry.bodies import (
    DEPARTMENTS_ACT,
    DEPARTMENTS_DATE,
    FUNCTIONS,
    Body,
    Function,
    body_unit,
    build,
    parse,
    successor_bodies,
)
from ..registry.parties import is_state
from .findings import MAX_LISTED, RULES, Finding, PartyView, link_json, unit_json
from .findings import payload as _payload

__all__ = ["RULES", "Finding", "PartyView", "party_findings", "area_findings", "unit_json", "link_json"]

PC, DOST = FUNCTIONS["pc"], FUNCTIONS["dost"]
# Kinds whose name never makes them a public body, whatever it reads like.
PRIVATE_KINDS = frozenset({"enterprise", "cooperative", "individual", "foreign"})
KIND_FUNCTION = {"province_pc": PC, "district_pc": PC, "commune_pc": PC, "dost": DOST}


def _b(function: Function, unit: Unit) -> dict:
    return build(function, unit, unit_json)


@lru_cache(maxsize=4096)
def _province_successor(gaz: Gazetteer, unit: Unit) -> Unit:
    """The new province a unit of the old vintage lies in after the reform."""
    province = gaz.by_key[("old", unit.province_code)]
    return gaz.successors_of(province)[0][1]


def _same_name(a: Unit, b: Unit) -> bool:
    return slug(a.short_name) == slug(b.short_name)


ROLE_VI = {"holder": "Chủ sở hữu", "manager": "Tổ chức quản lý"}
ROLE_EN = {"holder": "The holder", "manager": "The manager"}


def read_body(gaz: Gazetteer, party: PartyView) -> tuple[Body | None, Function | None, Unit | None, bool]:
    """(body as read, its function, its unit, public) of a party: public bodies follow their unit."""
    body = parse(party.name) if party.kind not in PRIVATE_KINDS else None
    function = body.function if body and body.function else KIND_FUNCTION.get(party.kind)
    state = is_state(party.kind)
    public = state or (body is not None and body.function is not None)
    return body, function, body_unit(gaz, party.unit, body, state), public


def _party_json(party: PartyView, unit: Unit, function: Function | None) -> dict:
    return {"name": party.name, "kind": party.kind, "unit": unit_json(unit),
            "function": function.key if function else None}


def _zones(gaz: Gazetteer, district: Unit) -> list[Unit]:
    """The special zones a district became whole (Huyện Cát Hải → Đặc khu Cát Hải), its namesake first."""
    links = gaz.successors_of(district)
    if not links or any(new.type != "Đặc khu" for _, new in links):
        return []
    return [new for link, new in sorted(links, key=lambda ln: (not _same_name(district, ln[1]), -(ln[0].share or 0)))]


# --- rules on parties -----------------------------------------------------------------------------------

def body_abolished(gaz: Gazetteer, role: str, party: PartyView, area: AreaSummary | None) -> Finding | None:
    """A public body of a district (its People's Committee, an office, its farmers' or women's union, its
    youth union…): the level no longer exists."""
    body, function, unit, public = read_body(gaz, party)
    if unit is None or unit.vintage != "old" or unit.level != "district" or not public:
        return None
    # The record's area speaks of the body's own district only (and the flag engine keys it on that).
    area = area if party.unit is unit else None

    def build() -> dict:
        province = _province_successor(gaz, unit)
        links = gaz.successors_of(unit)
        zones = _zones(gaz, unit)
        # The body of the same function: a People's Committee → the province's People's Committee; an office
        # or agency → the province's DOST; an organisation → the same organisation of the province. Where
        # the area lies in one new commune, or the district became a special zone, the body of that unit.
        if function is None or function is PC:
            options = [_b(PC, province), _b(DOST, province)]
            if function is None and party.kind != "district_pc":
                options.reverse()
            local = PC
        else:
            options = successor_bodies(function, province, unit_json) or [_b(PC, province)]
            local = function if "commune" in function.levels else None
        single = area is not None and len(area.projection.new_units) == 1
        places = ([area.projection.new_units[0].unit] if single else []) + zones
        places = list(dict.fromkeys(places))
        if local is not None and places:
            suggested, alternatives = _b(local, places[0]), [_b(local, z) for z in places[1:]] + options
        else:
            suggested, alternatives = options[0], options[1:]
        if area is not None and not single and local is not None and not zones:
            alternatives += [dict(_b(local, c.unit), share=c.share, coverage=c.coverage)
                             for c in area.projection.new_units[:MAX_LISTED]]
        zone_names = ", ".join(z.name for z in zones)
        zone_vi, zone_en = (f" ({unit.name} nay là {zone_names})", f" ({unit.name} is now {zone_names})") if zones \
            else ("", "")
        return _payload(
            f"{ROLE_VI[role]} «{party.name}» thuộc {unit.name}; cấp huyện kết thúc hoạt động từ 01/7/2025"
            f"{zone_vi}. Đề xuất chuyển giao cho {suggested['party']['name']}.",
            f"{ROLE_EN[role]} «{party.name}» belongs to {unit.name}; the district level ended on 1 July 2025"
            f"{zone_en}. Suggested successor: {suggested['party']['name']}.",
            suggested, alternatives,
            {"party": _party_json(party, unit, function),
             "links": [link_json(gaz, l) for l, _ in links[:MAX_LISTED]], "links_total": len(links),
             "new_province": unit_json(province), "special_zones": [unit_json(z) for z in zones],
             "legal_basis": DISTRICT_ABOLITION})

    return Finding(f"{role.upper()}_BODY_ABOLISHED", role, build)


def _bodies_in(function: Function | None, new: Unit) -> list[dict]:
    """The bodies of a new unit that continue a function (none known: none)."""
    return successor_bodies(function, new, unit_json) if function is not None else []


def _renaming(function: Function | None) -> tuple[str, str]:
    """' Sở … được sắp xếp thành … từ 01/03/2025.' in both languages, when the department (or its parent) was."""
    if function is None or not function.renamed:
        return "", ""
    old = FUNCTIONS[function.parent] if function.parent else function
    main, *parts = old.continues_as
    part_vi = f" (một phần chức năng chuyển cho {', '.join(f.name for f in parts)})" if parts else ""
    part_en = f" (part of its work went to the {' and the '.join(f.en for f in parts)})" if parts else ""
    return (f" {old.name} được sắp xếp thành {main.name}{part_vi} từ 01/03/2025.",
            f" The {old.en} was reorganised into the {main.en}{part_en} on 1 March 2025.")


def body_merged(gaz: Gazetteer, role: str, party: PartyView, area: AreaSummary | None) -> Finding | None:
    """A public body's province or commune was merged whole into a unit with another name."""
    body, function, unit, public = read_body(gaz, party)
    if unit is None or unit.vintage != "old" or unit.level == "district" or not public:
        return None
    links = gaz.successors.get(unit.id, ())
    if len(links) != 1:
        return None
    link = links[0]
    new = gaz.units[link.new_id]
    if _same_name(unit, new):
        return None  # the name continues: the body continues (see address_outdated, body_renamed)

    def build() -> dict:
        found = _bodies_in(function, new)
        if found:
            suggested, candidates = found[0], found[1:]
            then_vi = f"chuyển thành cơ quan, tổ chức tương ứng: {suggested['party']['name']}."
            then_en = f"is succeeded by the corresponding body: {suggested['party']['name']}."
        else:  # a body of unknown function: the officer names its successor
            suggested = None
            candidates = [_b(PC, new)] + ([_b(DOST, new)] if new.level == "province" else [])
            then_vi = f"cần xác định cơ quan kế thừa trong {new.name}."
            then_en = f"needs its successor in {new.name} to be named."
        renamed_vi, renamed_en = _renaming(function)
        return _payload(
            f"{unit.name} đã được sắp xếp vào {new.name} từ 01/7/2025.{renamed_vi} {ROLE_VI[role]} "
            f"«{party.name}» {then_vi}",
            f"{unit.name} was merged into {new.name} on 1 July 2025.{renamed_en} {ROLE_EN[role]} «{party.name}» "
            f"{then_en}",
            suggested, candidates,
            {"party": _party_json(party, unit, function), "links": [link_json(gaz, link)],
             "departments": DEPARTMENTS_ACT if renamed_vi else None})

    return Finding(f"{role.upper()}_BODY_MERGED", role, build)


def unit_split(gaz: Gazetteer, role: str, party: PartyView, area: AreaSummary | None) -> Finding | None:
    """A public body's commune was split across several new communes: candidates only, no suggestion."""
    body, function, unit, public = read_body(gaz, party)
    if unit is None or unit.vintage != "old" or unit.level != "commune" or not public:
        return None
    if len(gaz.successors.get(unit.id, ())) < 2:
        return None

    def build() -> dict:
        links = gaz.successors_of(unit)
        candidates = [dict((_bodies_in(function, new) or [_b(PC, new)])[0],
                           share=None if link.share is None else round(link.share, 4)) for link, new in links]
        return _payload(
            f"{unit.name} được chia vào {len(links)} đơn vị mới; cần xác định cơ quan kế thừa «{party.name}».",
            f"{unit.name} was split across {len(links)} new units; the successor of «{party.name}» must be decided.",
            None, candidates, {"party": _party_json(party, unit, function),
                               "links": [link_json(gaz, l) for l, _ in links],
                               "shares_note": "shares unknown: no boundaries of old communes"
                               if all(l.share is None for l, _ in links) else None})

    return Finding(f"{role.upper()}_UNIT_SPLIT", role, build)


def body_renamed(gaz: Gazetteer, role: str, party: PartyView, area: AreaSummary | None) -> Finding | None:
    """A provincial department merged or renamed on 2025-03-01 (or a sub-department of one): its function
    continues under a new name, in the record's province as it stands from 2025-07-01."""
    body, function, unit, public = read_body(gaz, party)
    if unit is None or function is None or not function.renamed or unit.level != "province" or not public:
        return None
    new = unit if unit.vintage == "new" else _province_successor(gaz, unit)

    def build() -> dict:
        found = successor_bodies(function, new, unit_json)
        suggested, candidates = found[0], found[1:]
        renamed_vi, renamed_en = _renaming(function)
        moved_vi = f" {unit.name} nay thuộc {new.name}." if not _same_name(unit, new) else ""
        moved_en = f" {unit.name} is now part of {new.name}." if not _same_name(unit, new) else ""
        name = suggested["party"]["name"]
        if function.parent:  # a sub-department: now under the new department, which may keep it or not
            now_vi = (f"nay trực thuộc {name}. Đề xuất ghi nhận {name}, hoặc {candidates[-1]['party']['name']} "
                      "nếu đơn vị này vẫn được giao nhiệm vụ.")
            now_en = (f"now belongs to {name}. Suggested: {name}, or {candidates[-1]['party']['name']} if that "
                      "unit keeps the task.")
        else:
            now_vi, now_en = f"nay là {name}.", f"is now {name}."
        return _payload(
            f"{renamed_vi.strip()}{moved_vi} {ROLE_VI[role]} «{party.name}» {now_vi}",
            f"{renamed_en.strip()}{moved_en} {ROLE_EN[role]} «{party.name}» {now_en}",
            suggested, candidates,
            {"party": _party_json(party, unit, function), "legal_basis": DEPARTMENTS_ACT,
             "effective_date": DEPARTMENTS_DATE, "new_province": unit_json(new),
             "functions": {"old": function.name, "new": [f["party"]["name"] for f in found]}})

    return Finding(f"{role.upper()}_BODY_RENAMED", role, build)


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
    """The high rules first; a body's new name, else its address, only when no high rule applies to it."""
    if party is None:
        return []
    found = [f for rule in PARTY_RULES if (f := rule(gaz, role, party, area))]
    if not found:
        low = body_renamed(gaz, role, party, area) or address_outdated(gaz, role, party, area)
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
