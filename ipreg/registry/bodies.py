"""Bodies as parties write them: which function a body has, at which level, of which unit.

"Hội ND huyện Tây Giang", "Hội Nông dân huyện Tây Giang, tỉnh Quảng Nam", "Huyện đoàn Tây Giang", "Sở NN&PTNT
tỉnh Sơn La", "So Nong nghiep va PTNT Son La" are read into (function, level, place) on folded text, so
that the rules know a district farmers' union from a cooperative, and a department renamed on 2025-03-01
from one that continues. A successor's name is built from the function's official name and the successor
unit's official name, never by writing a new unit's name into an old body's name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..core.text import fold, nfc, slug
from ..gazetteer.snapshot import Gazetteer, Unit

# Government Decree 45/2025 on the provinces' specialised agencies, and the provinces' council resolutions
# that merged and renamed their departments from 2025-03-01.
DEPARTMENTS_ACT = ("Nghị định số 45/2025/NĐ-CP ngày 28/02/2025 của Chính phủ quy định tổ chức các cơ quan chuyên "
                   "môn thuộc Ủy ban nhân dân tỉnh, thành phố trực thuộc trung ương (các sở sắp xếp từ 01/03/2025)")
DEPARTMENTS_DATE = "2025-03-01"


@dataclass(frozen=True)
class Function:
    """A body's function: its official name (written before its unit) and what became of it.

    Every function here is a public body that follows its unit through the reform: a state body, the
    Fatherland Front and the organisations in it, and the associations the State assigns tasks to (Hội Làm
    vườn, Liên minh Hợp tác xã); their district level ended with the district level.
    """

    key: str
    name: str
    kind: str  # party kind of a body of this function
    levels: tuple[str, ...]  # levels of unit that have such a body from 2025-07-01
    renamed_to: tuple[str, ...] = ()  # merged or renamed on 2025-03-01 into these (the main one first)
    parent: str | None = None  # a sub-department (chi cục, centre): the department it belongs to
    en: str = ""

    @property
    def continues_as(self) -> tuple[Function, ...]:
        """The functions that carry this one's work now: itself, or the departments it was merged into."""
        return tuple(FUNCTIONS[k] for k in self.renamed_to) or (self,)

    @property
    def renamed(self) -> bool:
        return bool(self.renamed_to or (self.parent and FUNCTIONS[self.parent].renamed_to))


_P, _PC = ("province",), ("province", "commune")
_MASS = "association"
FUNCTIONS: dict[str, Function] = {f.key: f for f in (
    Function("pc", "Ủy ban nhân dân", "pc", _PC, en="People's Committee"),
    Function("dost", "Sở Khoa học và Công nghệ", "dost", _P, en="Department of Science and Technology"),
    Function("agri_env", "Sở Nông nghiệp và Môi trường", "state_agency", _P,
             en="Department of Agriculture and Environment"),
    Function("finance", "Sở Tài chính", "state_agency", _P, en="Department of Finance"),
    Function("construction", "Sở Xây dựng", "state_agency", _P, en="Department of Construction"),
    Function("home_affairs", "Sở Nội vụ", "state_agency", _P, en="Department of Home Affairs"),
    Function("ethnic_religion", "Sở Dân tộc và Tôn giáo", "state_agency", _P,
             en="Department of Ethnic Minorities and Religion"),
    Function("health", "Sở Y tế", "state_agency", _P, en="Department of Health"),
    Function("education", "Sở Giáo dục và Đào tạo", "state_agency", _P, en="Department of Education and Training"),
    Function("trade", "Sở Công Thương", "state_agency", _P, en="Department of Industry and Trade"),
    Function("justice", "Sở Tư pháp", "state_agency", _P, en="Department of Justice"),
    Function("culture", "Sở Văn hóa, Thể thao và Du lịch", "state_agency", _P,
             en="Department of Culture, Sports and Tourism"),
    # departments merged or renamed on 2025-03-01
    Function("agri", "Sở Nông nghiệp và Phát triển nông thôn", "state_agency", _P, renamed_to=("agri_env",),
             en="Department of Agriculture and Rural Development"),
    Function("natres", "Sở Tài nguyên và Môi trường", "state_agency", _P, renamed_to=("agri_env",),
             en="Department of Natural Resources and Environment"),
    Function("infocomm", "Sở Thông tin và Truyền thông", "state_agency", _P, renamed_to=("dost",),
             en="Department of Information and Communications"),
    Function("planning", "Sở Kế hoạch và Đầu tư", "state_agency", _P, renamed_to=("finance",),
             en="Department of Planning and Investment"),
    Function("transport", "Sở Giao thông vận tải", "state_agency", _P, renamed_to=("construction",),
             en="Department of Transport"),
    Function("labour", "Sở Lao động - Thương binh và Xã hội", "state_agency", _P,
             renamed_to=("home_affairs", "health", "education"),
             en="Department of Labour, Invalids and Social Affairs"),
    Function("ethnic", "Ban Dân tộc", "state_agency", _P, renamed_to=("ethnic_religion", "home_affairs"),
             en="Ethnic Minorities Committee"),
    # sub-departments of the departments above
    Function("rural_dev", "Chi cục Phát triển nông thôn", "state_agency", _P, parent="agri"),
    Function("crops", "Chi cục Trồng trọt và Bảo vệ thực vật", "state_agency", _P, parent="agri"),
    Function("plant_protection", "Chi cục Bảo vệ thực vật", "state_agency", _P, parent="agri"),
    Function("livestock", "Chi cục Chăn nuôi và Thú y", "state_agency", _P, parent="agri"),
    Function("veterinary", "Chi cục Thú y", "state_agency", _P, parent="agri"),
    Function("forestry", "Chi cục Kiểm lâm", "state_agency", _P, parent="agri"),
    Function("fisheries", "Chi cục Thủy sản", "state_agency", _P, parent="agri"),
    Function("irrigation", "Chi cục Thủy lợi", "state_agency", _P, parent="agri"),
    Function("agri_quality", "Chi cục Quản lý chất lượng nông lâm sản và thủy sản", "state_agency", _P,
             parent="agri"),
    Function("extension", "Trung tâm Khuyến nông", "state_agency", _P, parent="agri"),
    Function("environment", "Chi cục Bảo vệ môi trường", "state_agency", _P, parent="natres"),
    Function("land", "Chi cục Quản lý đất đai", "state_agency", _P, parent="natres"),
    Function("sea", "Chi cục Biển và Hải đảo", "state_agency", _P, parent="natres"),
    Function("standards", "Chi cục Tiêu chuẩn Đo lường Chất lượng", "state_agency", _P, parent="dost"),
    # the Fatherland Front and the organisations in it (no district level from 2025-07-01)
    Function("front", "Ủy ban Mặt trận Tổ quốc Việt Nam", _MASS, _PC, en="Fatherland Front Committee"),
    Function("farmers", "Hội Nông dân", "farmers_union", _PC, en="Farmers' Union"),
    Function("women", "Hội Liên hiệp Phụ nữ", _MASS, _PC, en="Women's Union"),
    Function("youth", "Đoàn Thanh niên Cộng sản Hồ Chí Minh", _MASS, _PC, en="Ho Chi Minh Communist Youth Union"),
    Function("veterans", "Hội Cựu chiến binh", _MASS, _PC, en="Veterans' Association"),
    Function("labour_fed", "Liên đoàn Lao động", _MASS, _P, en="Labour Federation"),
    Function("gardeners", "Hội Làm vườn", _MASS, _P, en="Gardeners' Association"),
    Function("coop_alliance", "Liên minh Hợp tác xã", _MASS, _P, en="Cooperative Alliance"),
)}

_VN = r"(?: viet nam| vn)?"
# (function, pattern on the folded name, written level or None): the first that matches at the start wins.
_PATTERNS: list[tuple[str, str, str | None]] = [
    ("pc", r"(?:uy ban nhan dan|u ban nhan dan|ubnd)", None),
    ("front", r"(?:uy ban |ub ?)?(?:mat tran to quoc|mttq)" + _VN, None),
    ("dost", r"so (?:khoa hoc (?:va )?cong nghe|kh (?:va )?cn|khcn)", None),
    ("agri_env", r"so (?:nong nghiep|nn) (?:va )?(?:moi truong|mt)", None),
    ("agri", r"so (?:nong nghiep|nn) ?(?:va )?(?:phat trien nong thon|ptnt)", None),
    ("natres", r"so (?:tai nguyen (?:va )?moi truong|tn (?:va )?mt|tnmt)", None),
    ("infocomm", r"so (?:thong tin (?:va )?truyen thong|tt (?:va )?tt|tttt)", None),
    ("planning", r"so (?:ke hoach (?:va )?dau tu|kh (?:va )?dt|khdt)", None),
    ("transport", r"so (?:giao thong van tai|gtvt)", None),
    ("labour", r"so (?:lao dong thuong binh (?:va )?xa hoi|ld ?tb ?(?:va )?xh)", None),
    ("ethnic_religion", r"so dan toc (?:va )?ton giao", None),
    ("ethnic", r"ban dan toc(?! (?:hoi dong|hdnd))", None),
    ("finance", r"so tai chinh", None),
    ("construction", r"so xay dung", None),
    ("home_affairs", r"so noi vu", None),
    ("health", r"so y te", None),
    ("education", r"so (?:giao duc (?:va )?dao tao|gd ?(?:va )?dt)", None),
    ("trade", r"so cong thuong", None),
    ("justice", r"so tu phap", None),
    ("culture", r"so (?:van hoa the thao (?:va )?du lich|vhttdl|vh tt (?:va )?dl)", None),
    ("rural_dev", r"chi cuc (?:phat trien nong thon|ptnt)", None),
    ("crops", r"chi cuc (?:trong trot (?:va )?(?:bao ve thuc vat|bvtv)|tt (?:va )?bvtv)", None),
    ("plant_protection", r"chi cuc (?:bao ve thuc vat|bvtv)", None),
    ("livestock", r"chi cuc chan nuoi (?:va )?thu y", None),
    ("veterinary", r"chi cuc thu y", None),
    ("forestry", r"chi cuc kiem lam", None),
    ("fisheries", r"chi cuc thuy san", None),
    ("irrigation", r"chi cuc thuy loi", None),
    ("agri_quality", r"chi cuc (?:quan ly chat luong|qlcl) (?:nong lam san (?:va )?thuy san|nong lam thuy san"
                     r"|nls (?:va )?ts|nlts)", None),
    ("extension", r"trung tam khuyen nong", None),
    ("environment", r"chi cuc bao ve moi truong", None),
    ("land", r"chi cuc quan ly dat dai", None),
    ("sea", r"chi cuc bien (?:va )?hai dao", None),
    ("standards", r"chi cuc (?:tieu chuan do luong chat luong|tdc|tc dl cl)", None),
    ("farmers", r"hoi (?:nong dan|nd)" + _VN, None),
    ("women", r"hoi (?:lien hiep phu nu|lhpn|phu nu)" + _VN, None),
    ("youth", r"(?:doan (?:thanh nien cong san|tncs|thanh nien|tn)(?: ho chi minh| hcm)?)", None),
    ("youth", r"huyen doan", "district"), ("youth", r"quan doan", "district"), ("youth", r"thi doan", "district"),
    ("youth", r"tinh doan", "province"), ("youth", r"thanh doan", "city"),
    ("veterans", r"hoi (?:cuu chien binh|ccb)" + _VN, None),
    ("labour_fed", r"(?:lien doan lao dong|ldld)", None),
    ("gardeners", r"hoi lam vuon" + _VN, None),
    ("coop_alliance", r"lien minh (?:hop tac xa|htx)", None),
]
_FUNCTION_RE = [(key, re.compile(rf"^(?:{pattern})(?= |$)"), level) for key, pattern, level in _PATTERNS]

# Folded type words of units → the level they name ("city": a province-level or a district-level city).
TYPE_LEVEL = {"thi tran": "commune", "thi xa": "district", "thanh pho": "city", "dac khu": "commune",
              "phuong": "commune", "xa": "commune", "huyen": "district", "quan": "district", "tinh": "province",
              "tp": "city", "tx": "district", "tt": "commune", "dk": "commune", "h": "district", "q": "district"}
LEVELS = {"province": ("province",), "district": ("district",), "commune": ("commune",),
          "city": ("province", "district")}
_TYPES = "|".join(sorted(TYPE_LEVEL, key=len, reverse=True))
_PARENT_TYPES = "tinh|thanh pho|tp|huyen|quan|thi xa|tx"
_PLACE_RE = re.compile(rf"^(?:(?P<type>{_TYPES})(?: |$))?(?P<place>.*?)(?: (?:{_PARENT_TYPES}) (?P<parent>.+))?$")
# A body of unknown function (a state office): its words up to the first type word of a unit.
_GENERIC_RE = re.compile(rf"^(?P<label>.+?) (?P<type>{_TYPES}) (?P<rest>.+)$")


@dataclass(frozen=True)
class Body:
    """A body as read from its name: function (None when unknown), level written, place (folded)."""

    function: Function | None
    level: str | None  # province | district | commune | city (either of the first two) | None
    place: str  # folded name of the unit, without its type word ('tay giang'); '' when not written
    parents: tuple[str, ...] = ()  # folded names of the parents written after it ('quang nam')

    @property
    def levels(self) -> tuple[str, ...]:
        return LEVELS.get(self.level, ()) if self.level else ()


@lru_cache(maxsize=16384)
def parse(name: str | None) -> Body | None:
    """The body a party's name writes: function and unit; None when no known function and no unit is written.

    A known function is recognised by its official name, its usual abbreviations and spellings, folded
    (no tone marks, '&'/'-'/'và' alike); a body of unknown function is read for its unit only.
    """
    parts = [p for p in (fold(x) for x in re.split(r"[,;(]", nfc(name))) if p]
    if not parts:
        return None
    flat = " ".join(parts)  # a function's name may hold a comma ("Sở Văn hóa, Thể thao và Du lịch")
    for key, pattern, level in _FUNCTION_RE:
        match = pattern.match(flat)
        if match:
            function = FUNCTIONS[key]
            rest, later = _after(parts, match.end())
            if not rest and later:  # "Sở NN&PTNT, tỉnh Sơn La": the unit after the comma
                rest, later = later[0], later[1:]
            break
    else:
        generic = _GENERIC_RE.match(parts[0])
        if generic is None or generic.group("label").endswith("hop tac"):  # "Hợp tác xã …" is not "… xã …"
            return None
        function, level, later = None, None, parts[1:]
        rest = f"{generic.group('type')} {generic.group('rest')}"
    place = _PLACE_RE.match(rest)
    written = place.group("type")
    if written:
        level = TYPE_LEVEL[written] if level is None else level
    elif function is not None and function.levels == _P and level is None:
        level = "province"  # a department is of a province, named or not ("Sở KH&CN Bắc Kạn")
    parents = ([place.group("parent")] if place.group("parent") else []) + later
    return Body(function, level, (place.group("place") or "").strip(), tuple(_strip_type(p) for p in parents))


def _after(parts: list[str], end: int) -> tuple[str, list[str]]:
    """What follows position ``end`` of the parts joined by spaces: the rest of its part, the later parts."""
    start = 0
    for i, part in enumerate(parts):
        if end <= start + len(part):
            return part[end - start:].strip(), parts[i + 1:]
        start += len(part) + 1
    return "", []


def _strip_type(folded: str) -> str:
    match = _PLACE_RE.match(folded)
    return (match.group("place") or "").strip() if match and match.group("type") else folded


def in_sentence(unit: Unit) -> str:
    """'Tỉnh Vĩnh Long' → 'tỉnh Vĩnh Long' (as written after a body's function)."""
    return unit.type.lower() + unit.name[len(unit.type):] if unit.name.startswith(unit.type) else unit.name


def body_kind(function: Function, unit: Unit) -> str:
    if function.kind == "pc":
        return "province_pc" if unit.level == "province" else "commune_pc"
    return function.kind


def build(function: Function, unit: Unit, unit_json) -> dict:
    """The body of ``function`` in a unit of 2025-07-01: its official name, its kind, its unit."""
    return {"party": {"name": f"{function.name} {in_sentence(unit)}", "kind": body_kind(function, unit)},
            "unit": unit_json(unit)}


def successor_bodies(function: Function, unit: Unit, unit_json) -> list[dict]:
    """The bodies of a unit of 2025-07-01 that continue ``function``, the likeliest first.

    A department merged or renamed on 2025-03-01 continues as the new department(s). A sub-department
    (chi cục) belongs to its department as it stands now, which is offered first: it exists for certain and
    decides on its sub-departments; the sub-department of the same function in that unit comes next.
    """
    if function.parent is not None:
        heads = FUNCTIONS[function.parent].continues_as
        return [build(f, unit, unit_json) for f in heads] + [build(function, unit, unit_json)]
    return [build(f, unit, unit_json) for f in function.continues_as if unit.level in f.levels]


def _agrees(unit: Unit, place: str) -> bool:
    return not place or slug(unit.short_name) == place.replace(" ", "")


def body_unit(gaz: Gazetteer, unit: Unit | None, body: Body | None, state: bool) -> Unit | None:
    """The unit a body belongs to: the party's unit, or the unit its name writes above or below it.

    "Sở NN&PTNT tỉnh Sơn La" filed with the address "Thành phố Sơn La" belongs to the province; "Hội Nông dân
    huyện Tây Giang" filed under "Tỉnh Quảng Nam" belongs to the district. When the name and the unit
    disagree and nothing reconciles them, a state body keeps the unit it was filed with, another body none.
    """
    if unit is None:
        return None
    levels = body.levels if body else ()
    if not levels:
        return unit
    if unit.level in levels and _agrees(unit, body.place):
        return unit
    ancestor = gaz.parent(unit)
    while ancestor is not None:
        if ancestor.level in levels and _agrees(ancestor, body.place):
            return ancestor
        ancestor = gaz.parent(ancestor)
    if body.place:
        below = [u for u in _descendants(gaz, unit) if u.level in levels and _agrees(u, body.place)]
        if len(below) == 1:
            return below[0]
    return unit if state or unit.level in levels else None


def _descendants(gaz: Gazetteer, unit: Unit):
    for child_id in gaz.children.get(unit.id, ()):
        child = gaz.units[child_id]
        yield child
        yield from _descendants(gaz, child)
