"""The legal acts a draft request cites, written out as a Vietnamese official letter cites them.

The gazetteer keeps the acts the way its sources give them: a new commune's resolution as the government
register writes it ("Số: 1674/NQ-UBTVQH15; Ngày: 16/06/2025"), the reform's province resolution, the end of
the district level and the reorganisation of the departments as the sentences of ``core.reform`` and
``registry.bodies``. A letter to the IP Office cannot cite a fragment: each act is written here with its
kind, number, date, issuer and subject ("Nghị quyết số 1674/NQ-UBTVQH15 ngày 16/6/2025 của Ủy ban Thường vụ
Quốc hội về việc sắp xếp các đơn vị hành chính cấp xã của tỉnh Ninh Bình năm 2025"). The commune resolutions
are one per new province (34, all of 16 June 2025), so the subject is read from the province of the unit
the act established.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..core.reform import DISTRICT_ABOLITION, PROVINCE_RESOLUTION
from ..gazetteer.snapshot import Gazetteer, Unit
from ..registry.bodies import DEPARTMENTS_ACT


@dataclass(frozen=True)
class Act:
    """One legal act; ``order`` sorts a list of acts as a letter cites them (laws, then resolutions of the
    National Assembly, of its Standing Committee, then decrees)."""

    order: int
    kind: str
    number: str
    signed: date
    issuer: str
    subject: str
    title: str = ""  # a law's name ("Luật Tổ chức chính quyền địa phương")

    @property
    def sentence(self) -> str:
        day = cited_date(self.signed)
        if self.kind == "Luật":
            return f"{self.title} số {self.number} ngày {day} của {self.issuer}{self.subject}"
        return f"{self.kind} số {self.number} ngày {day} của {self.issuer} {self.subject}"


def cited_date(day: date) -> str:
    """16/6/2025, 28/02/2025: a day below 10 and the months 1 and 2 take a leading zero (Nghị định
    30/2020/NĐ-CP, Phụ lục I), so that a date cannot be altered by writing a digit before it."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}" if day.month < 3 else \
        f"{day.day:02d}/{day.month}/{day.year}"


IP_LAW = Act(0, "Luật", "50/2005/QH11", date(2005, 11, 29), "Quốc hội",
             ", được sửa đổi, bổ sung bởi Luật số 36/2009/QH12, Luật số 42/2019/QH14 và Luật số 07/2022/QH15",
             title="Luật Sở hữu trí tuệ")
LOCAL_GOVERNMENT_LAW = Act(1, "Luật", "72/2025/QH15", date(2025, 6, 16), "Quốc hội",
                           " (cấp huyện kết thúc hoạt động từ ngày 01/7/2025)",
                           title="Luật Tổ chức chính quyền địa phương")
PROVINCE_ACT = Act(2, "Nghị quyết", "202/2025/QH15", date(2025, 6, 12), "Quốc hội",
                   "về việc sắp xếp đơn vị hành chính cấp tỉnh")
DEPARTMENTS = Act(4, "Nghị định", "45/2025/NĐ-CP", date(2025, 2, 28), "Chính phủ",
                  "quy định tổ chức các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh, thành phố trực thuộc trung "
                  "ương và Ủy ban nhân dân huyện, quận, thị xã, thành phố thuộc tỉnh, thành phố thuộc thành phố "
                  "trực thuộc trung ương")
# The sentences the rules put in a flag's evidence, and the acts they stand for.
BY_SENTENCE = {PROVINCE_RESOLUTION: PROVINCE_ACT, DISTRICT_ABOLITION: LOCAL_GOVERNMENT_LAW,
               DEPARTMENTS_ACT: DEPARTMENTS}
_REGISTER = re.compile(r"Số:\s*(?P<number>[^;]+?)\s*;\s*Ngày:\s*(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})")


def commune_resolution(gaz: Gazetteer, unit: Unit) -> Act | None:
    """The Standing Committee's resolution that established a new commune, with its province as subject;
    None when the register gives none, or an act of another kind (never a guess)."""
    match = _REGISTER.fullmatch((unit.legal_basis or "").strip())
    if match is None or "/NQ-UBTVQH" not in match["number"]:
        return None
    province = gaz.province_of(unit)
    return Act(3, "Nghị quyết", match["number"], date(int(match["year"]), int(match["month"]), int(match["day"])),
               "Ủy ban Thường vụ Quốc hội",
               f"về việc sắp xếp các đơn vị hành chính cấp xã của {_lower_type(province)} năm 2025")


def written_out(text: str | None) -> str:
    """An act as the sources write it, for a page: the register's "Số: 1674/NQ-UBTVQH15; Ngày: 16/06/2025"
    becomes "Nghị quyết số 1674/NQ-UBTVQH15 ngày 16/6/2025 của Ủy ban Thường vụ Quốc hội"; other text as it is."""
    match = _REGISTER.fullmatch((text or "").strip())
    if match is None:
        return text or ""
    kind, issuer = ("Nghị quyết", " của Ủy ban Thường vụ Quốc hội") if "/NQ-UBTVQH" in match["number"] else \
        ("Văn bản", "")
    signed = date(int(match["year"]), int(match["month"]), int(match["day"]))
    return f"{kind} số {match['number']} ngày {cited_date(signed)}{issuer}"


def _lower_type(province: Unit) -> str:
    """'Tỉnh Ninh Bình' → 'tỉnh Ninh Bình', as a province is named inside a sentence."""
    return province.name[:1].lower() + province.name[1:]


def province_merged(gaz: Gazetteer, new_province: Unit) -> bool:
    """Whether the 2025 province resolution made this province (from two or more, or under a new name)."""
    before = [old for _, old in gaz.predecessors_of(new_province) if old.level == "province"]
    return len(before) > 1 or any(old.name != new_province.name for old in before)


def acts_of_units(gaz: Gazetteer, units: list[Unit]) -> set[Act]:
    """The acts that turned these units (of either vintage) into the units of 2025-07-01."""
    acts: set[Act] = set()
    for unit in units:
        if unit.vintage == "old":
            if unit.level == "district":
                acts.add(LOCAL_GOVERNMENT_LAW)
            new_provinces = {gaz.province_of(new) for _, new in gaz.successors_of(gaz.province_of(unit))}
            new_units = [new for _, new in gaz.successors_of(unit)] if unit.level != "province" else []
        else:
            new_provinces, new_units = {gaz.province_of(unit)}, [unit]
        acts.update(PROVINCE_ACT for p in new_provinces if province_merged(gaz, p))
        for new in new_units:
            act = commune_resolution(gaz, new) if new.level == "commune" else None
            if act is not None:
                acts.add(act)
    return acts


def acts_of_evidence(evidence: dict) -> set[Act]:
    """The acts a flag's evidence names in the words of ``core.reform`` and ``registry.bodies``."""
    named = [evidence.get("legal_basis")] + [link.get("legal_basis") for link in evidence.get("links") or []]
    return {BY_SENTENCE[n] for n in named if n in BY_SENTENCE}


def in_citation_order(acts: set[Act]) -> list[Act]:
    return sorted(acts, key=lambda a: (a.order, a.signed, a.number))
