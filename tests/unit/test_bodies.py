"""Bodies as parties write them (issue 12, class 6): district mass organisations, provincial organisations of
merged provinces, districts that became special zones, departments merged or renamed on 2025-03-01, and
successor names built from a function and a unit, never pasted. Names as the IP Office's announcements and
the provinces' sites write them; rules on the real gazetteer of the test session."""
import pytest

from ipreg.core.text import fold
from ipreg.reform.rules import PartyView, body_abolished, body_merged, body_renamed, party_findings, unit_split
from ipreg.registry.areas import Entry, summarise
from ipreg.registry.bodies import FUNCTIONS, in_sentence, parse


def party(gaz, name, kind, code, vintage="old"):
    return PartyView(1, name, kind, gaz.get(code, vintage))


def area(gaz, *codes):
    return summarise(gaz, tuple(Entry(gaz.get(c, "old")) for c in codes))


def only(findings):
    [finding] = findings
    return finding


def names(finding):
    return [c["party"]["name"] for c in finding.candidates]


# --- reading names ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "Sở Nông nghiệp và Phát triển nông thôn tỉnh Sơn La", "Sở Nông nghiệp và PTNT tỉnh Sơn La",
    "Sở NN&PTNT tỉnh Sơn La", "Sở NN và PTNT tỉnh Sơn La", "Sở NN-PTNT Sơn La", "So Nong nghiep va PTNT Son La",
    "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN TỈNH SƠN LA", "Sở Nông nghiệp & PTNT, tỉnh Sơn La"])
def test_spellings_of_the_agriculture_department(name):
    body = parse(name)
    assert (body.function.key, body.level, body.place) == ("agri", "province", "son la")
    assert body.function.renamed and body.function.continues_as == (FUNCTIONS["agri_env"],)


@pytest.mark.parametrize("name, function, level, place", [
    ("Hội Nông dân huyện Tây Giang", "farmers", "district", "tay giang"),
    ("Hội ND H. Tiên Phước, tỉnh Quảng Nam", "farmers", "district", "tien phuoc"),
    ("Hội Nông dân Việt Nam huyện Bắc Hà tỉnh Lào Cai", "farmers", "district", "bac ha"),
    ("Hội Liên hiệp Phụ nữ huyện Mộc Châu", "women", "district", "moc chau"),
    ("Hội LHPN thị xã Phú Thọ", "women", "district", "phu tho"),
    ("Huyện đoàn Bắc Hà", "youth", "district", "bac ha"),
    ("Đoàn TNCS Hồ Chí Minh huyện Văn Chấn", "youth", "district", "van chan"),
    ("Thành đoàn Buôn Ma Thuột", "youth", "city", "buon ma thuot"),
    ("Hội Cựu chiến binh quận Hoàn Kiếm", "veterans", "district", "hoan kiem"),
    ("Liên đoàn Lao động huyện Lục Ngạn", "labour_fed", "district", "luc ngan"),
    ("Ủy ban MTTQ Việt Nam huyện Cao Phong", "front", "district", "cao phong"),
    ("UBMTTQ huyện Cao Phong", "front", "district", "cao phong"),
    ("Hội Làm vườn TP Hội An", "gardeners", "city", "hoi an"),
    ("Hội Nông dân tỉnh Bắc Kạn", "farmers", "province", "bac kan"),
    ("Sở KH&CN tỉnh Bắc Kạn", "dost", "province", "bac kan"),
    ("UBND huyện Cát Hải", "pc", "district", "cat hai"),
    ("Ủy ban nhân dân đặc khu Côn Đảo", "pc", "commune", "con dao"),
    ("Chi cục Phát triển nông thôn tỉnh Bà Rịa – Vũng Tàu", "rural_dev", "province", "ba ria vung tau"),
    ("Chi cục Trồng trọt và BVTV tỉnh Hải Dương", "crops", "province", "hai duong"),
    ("Chi cục Quản lý chất lượng nông lâm sản và thủy sản Hưng Yên", "agri_quality", "province", "hung yen"),
    ("Sở TT&TT tỉnh Hà Giang", "infocomm", "province", "ha giang"),
    ("Sở Kế hoạch và Đầu tư tỉnh Sơn La", "planning", "province", "son la"),
    ("Sở GTVT tỉnh Sơn La", "transport", "province", "son la"),
    ("Sở LĐ-TB&XH tỉnh Sơn La", "labour", "province", "son la"),
    ("Ban Dân tộc tỉnh Sơn La", "ethnic", "province", "son la"),
])
def test_functions_levels_and_places_are_read(name, function, level, place):
    body = parse(name)
    assert (body.function.key, body.level, body.place) == (function, level, place)


@pytest.mark.parametrize("name", ["Hợp tác xã Chè Tân Cương", "Hội Sản xuất và Kinh doanh dầu tràm Huế",
                                  "Công ty TNHH Nước mắm Phú Quốc", "Hiệp hội Cà phê Buôn Ma Thuột", "X"])
def test_private_bodies_have_no_known_function(name):
    body = parse(name)
    assert body is None or body.function is None


def test_a_council_committee_is_not_the_ethnic_minorities_committee():
    assert parse("Ban Dân tộc HĐND tỉnh Sơn La").function is None


# --- district mass organisations ----------------------------------------------------------------------

@pytest.mark.parametrize("name, code, province", [
    ("Hội Nông dân huyện Tây Giang", "504", ("48", "Hội Nông dân thành phố Đà Nẵng")),  # Quảng Nam → Đà Nẵng
    ("Hội Nông dân huyện Tiên Phước", "514", ("48", "Hội Nông dân thành phố Đà Nẵng")),
    ("Hội Nông dân huyện Bắc Hà", "085", ("15", "Hội Nông dân tỉnh Lào Cai")),  # Lào Cai + Yên Bái, code 15
])
def test_district_farmers_union_is_abolished_with_the_provincial_union_suggested(gaz, name, code, province):
    finding = only(party_findings(gaz, "holder", party(gaz, name, "farmers_union", code), area(gaz, code)))
    assert finding.rule == "HOLDER_BODY_ABOLISHED" and finding.severity == "high"
    assert finding.suggested["party"] == {"name": province[1], "kind": "farmers_union"}
    assert finding.suggested["unit"]["code"] == province[0] and finding.suggested["unit"]["vintage"] == "new"
    # the district's area covers several new communes: each commune's union is offered as an alternative
    assert names(finding) and all(n.startswith("Hội Nông dân xã ") for n in names(finding))
    assert "cấp huyện" in finding.reason_vi and "district level" in finding.reason_en
    assert finding.evidence["party"]["function"] == "farmers"


def test_abolished_union_whose_area_is_one_new_commune_goes_to_that_communes_union(gaz):
    """Mận Bắc Hà: Thị trấn Bắc Hà, Bản Phố, Na Hối, Thải Giàng Phố all became Xã Bắc Hà."""
    union = party(gaz, "Hội Nông dân huyện Bắc Hà", "farmers_union", "085")
    finding = body_abolished(gaz, "holder", union, area(gaz, "02839", "02866", "02875", "02857"))
    assert finding.suggested["party"] == {"name": "Hội Nông dân xã Bắc Hà", "kind": "farmers_union"}
    assert finding.suggested["unit"]["code"] == "02839"
    assert names(finding) == ["Hội Nông dân tỉnh Lào Cai"]


@pytest.mark.parametrize("name, built", [
    ("Huyện đoàn Tây Giang", "Đoàn Thanh niên Cộng sản Hồ Chí Minh thành phố Đà Nẵng"),
    ("Hội LHPN huyện Tây Giang", "Hội Liên hiệp Phụ nữ thành phố Đà Nẵng"),
    ("Hội Cựu chiến binh huyện Tây Giang", "Hội Cựu chiến binh thành phố Đà Nẵng"),
    ("Ủy ban MTTQ Việt Nam huyện Tây Giang", "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Đà Nẵng"),
    ("Liên đoàn Lao động huyện Tây Giang", "Liên đoàn Lao động thành phố Đà Nẵng"),
    ("Hội Làm vườn huyện Tây Giang", "Hội Làm vườn thành phố Đà Nẵng"),
])
def test_every_district_mass_organisation_is_abolished(gaz, name, built):
    finding = body_abolished(gaz, "manager", party(gaz, name, "association", "504"), None)
    assert finding.rule == "MANAGER_BODY_ABOLISHED" and finding.suggested["party"]["name"] == built


def test_a_district_union_filed_under_its_province_is_read_from_its_name(gaz):
    union = party(gaz, "Hội Nông dân huyện Tây Giang", "farmers_union", "49")  # unit: Tỉnh Quảng Nam
    finding = only(party_findings(gaz, "holder", union, None))
    assert finding.rule == "HOLDER_BODY_ABOLISHED"
    assert finding.evidence["party"]["unit"]["code"] == "504"
    assert finding.suggested["party"]["name"] == "Hội Nông dân thành phố Đà Nẵng"


def test_district_level_cities_and_towns_end_too(gaz):
    hoi_an = next(u for u in gaz.units.values() if u.vintage == "old" and u.name == "Thành phố Hội An")
    finding = body_abolished(gaz, "holder", PartyView(1, "Hội Làm vườn TP Hội An", "association", hoi_an), None)
    assert finding.rule == "HOLDER_BODY_ABOLISHED"
    phu_tho = next(u for u in gaz.units.values() if u.vintage == "old" and u.name == "Thị xã Phú Thọ")
    assert body_abolished(gaz, "holder", PartyView(1, "Hội LHPN thị xã Phú Thọ", "association", phu_tho), None)


# --- provincial organisations of merged provinces -------------------------------------------------------

def test_provincial_union_of_a_merged_province_is_merged(gaz):
    bac_kan = party(gaz, "Hội Nông dân tỉnh Bắc Kạn", "farmers_union", "06")
    finding = only(party_findings(gaz, "holder", bac_kan, None))
    assert finding.rule == "HOLDER_BODY_MERGED" and finding.severity == "high"
    assert finding.suggested["party"] == {"name": "Hội Nông dân tỉnh Thái Nguyên", "kind": "farmers_union"}
    assert finding.suggested["unit"]["code"] == "19"
    yen_bai = party(gaz, "Hội Nông dân tỉnh Yên Bái", "farmers_union", "15")
    assert body_merged(gaz, "holder", yen_bai, None).suggested["party"]["name"] == "Hội Nông dân tỉnh Lào Cai"
    # the province that took Bắc Kạn in kept its name and code: its union continues
    thai_nguyen = party(gaz, "Hội Nông dân tỉnh Thái Nguyên", "farmers_union", "19")
    assert party_findings(gaz, "holder", thai_nguyen, None) == []


def test_dost_of_a_merged_province_written_short_and_filed_as_an_agency(gaz):
    finding = only(party_findings(gaz, "manager", party(gaz, "Sở KH&CN tỉnh Bắc Kạn", "state_agency", "06"), None))
    assert finding.rule == "MANAGER_BODY_MERGED"
    assert finding.suggested["party"] == {"name": "Sở Khoa học và Công nghệ tỉnh Thái Nguyên", "kind": "dost"}


# --- districts that became special zones ----------------------------------------------------------------

@pytest.mark.parametrize("name, code, zone, zone_code, province", [
    ("Ủy ban nhân dân huyện Cát Hải", "317", "Ủy ban nhân dân đặc khu Cát Hải", "11914",
     "Ủy ban nhân dân thành phố Hải Phòng"),
    ("UBND huyện Côn Đảo", "755", "Ủy ban nhân dân đặc khu Côn Đảo", "26732", "Ủy ban nhân dân thành phố Hồ Chí Minh"),
    ("UBND huyện Phú Quốc", "911", "Ủy ban nhân dân đặc khu Phú Quốc", "31078", "Ủy ban nhân dân tỉnh An Giang"),
    ("UBND huyện Vân Đồn", "203", "Ủy ban nhân dân đặc khu Vân Đồn", "06994", "Ủy ban nhân dân tỉnh Quảng Ninh"),
    ("UBND huyện Lý Sơn", "536", "Ủy ban nhân dân đặc khu Lý Sơn", "21548", "Ủy ban nhân dân tỉnh Quảng Ngãi"),
])
def test_district_become_special_zone_is_succeeded_by_the_zones_committee(gaz, name, code, zone, zone_code, province):
    committee = party(gaz, name, "district_pc", code)
    for summary in (None, area(gaz, code)):
        finding = body_abolished(gaz, "manager", committee, summary)
        assert finding.suggested["party"] == {"name": zone, "kind": "commune_pc"}
        assert finding.suggested["unit"]["code"] == zone_code
        assert province in names(finding)
        assert "Đặc khu" in finding.reason_vi


def test_phu_quoc_city_became_two_zones_its_namesake_first(gaz):
    finding = body_abolished(gaz, "manager", party(gaz, "UBND huyện Phú Quốc", "district_pc", "911"), None)
    assert names(finding)[0] == "Ủy ban nhân dân đặc khu Thổ Châu"
    assert [z["code"] for z in finding.evidence["special_zones"]] == ["31078", "31105"]


def test_every_district_become_special_zones_and_no_other(gaz):
    """Checked on the gazetteer, not on a list: a district whose successors are all special zones."""
    zoned = 0
    for unit in gaz.units.values():
        if unit.vintage != "old" or unit.level != "district":
            continue
        news = [new for _, new in gaz.successors_of(unit)]
        finding = body_abolished(gaz, "manager", PartyView(1, "Ủy ban nhân dân", "district_pc", unit), None)
        suggested = gaz.by_key[("new", finding.suggested["unit"]["code"])]
        if news and all(n.type == "Đặc khu" for n in news):
            zoned += 1
            assert suggested in news and finding.suggested["party"]["kind"] == "commune_pc"
        else:
            assert suggested.level == "province"
    assert zoned >= 11  # Vân Đồn, Cô Tô, Cát Hải, Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Trường Sa, Phú Quý…


def test_district_union_of_a_special_zone_goes_to_the_zones_union(gaz):
    finding = body_abolished(gaz, "holder", party(gaz, "Hội Nông dân huyện Cát Hải", "farmers_union", "317"), None)
    assert finding.suggested["party"]["name"] == "Hội Nông dân đặc khu Cát Hải"
    assert "Hội Nông dân thành phố Hải Phòng" in names(finding)


# --- departments merged or renamed on 2025-03-01 --------------------------------------------------------

@pytest.mark.parametrize("name", ["Sở Nông nghiệp và PTNT tỉnh Sơn La", "Sở NN&PTNT tỉnh Sơn La",
                                  "Sở NN và PTNT tỉnh Sơn La", "So Nong nghiep va Phat trien nong thon Son La",
                                  "Sở Tài nguyên và Môi trường tỉnh Sơn La"])
def test_agriculture_department_is_renamed(gaz, name):
    finding = only(party_findings(gaz, "manager", party(gaz, name, "state_agency", "14"), None))
    assert finding.rule == "MANAGER_BODY_RENAMED" and finding.severity == "low"
    assert finding.suggested["party"] == {"name": "Sở Nông nghiệp và Môi trường tỉnh Sơn La", "kind": "state_agency"}
    assert finding.suggested["unit"] == {"code": "14", "name": "Tỉnh Sơn La", "level": "province", "vintage": "new"}
    assert "01/03/2025" in finding.reason_vi and "1 March 2025" in finding.reason_en
    assert "45/2025/NĐ-CP" in finding.evidence["legal_basis"]


def test_renamed_department_of_a_province_merged_under_its_own_name(gaz):
    """Lào Cai took in Yên Bái and the code 15: one low flag naming the new province's department."""
    finding = only(party_findings(gaz, "manager", party(gaz, "Sở NN&PTNT tỉnh Lào Cai", "state_agency", "10"), None))
    assert finding.rule == "MANAGER_BODY_RENAMED"
    assert finding.suggested["party"]["name"] == "Sở Nông nghiệp và Môi trường tỉnh Lào Cai"
    assert finding.suggested["unit"]["code"] == "15"


def test_renamed_department_of_a_province_merged_under_another_name(gaz):
    """Bình Thuận merged into Lâm Đồng: a transfer (high), to the new province's new department."""
    department = party(gaz, "Sở Nông nghiệp và PTNT tỉnh Bình Thuận", "state_agency", "60")
    finding = only(party_findings(gaz, "manager", department, None))
    assert finding.rule == "MANAGER_BODY_MERGED"
    assert finding.suggested["party"]["name"] == "Sở Nông nghiệp và Môi trường tỉnh Lâm Đồng"
    assert "01/03/2025" in finding.reason_vi
    renamed = body_renamed(gaz, "manager", department, None)  # what it says when asked on its own
    assert renamed.suggested["party"]["name"] == "Sở Nông nghiệp và Môi trường tỉnh Lâm Đồng"


def test_a_record_already_on_the_new_province_still_gets_the_new_name(gaz):
    department = party(gaz, "Sở NN&PTNT tỉnh Sơn La", "state_agency", "14", vintage="new")
    assert only(party_findings(gaz, "manager", department, None)).rule == "MANAGER_BODY_RENAMED"


@pytest.mark.parametrize("name, suggested, kind, others", [
    ("Sở Thông tin và Truyền thông tỉnh Sơn La", "Sở Khoa học và Công nghệ tỉnh Sơn La", "dost", []),
    ("Sở KH&ĐT tỉnh Sơn La", "Sở Tài chính tỉnh Sơn La", "state_agency", []),
    ("Sở GTVT tỉnh Sơn La", "Sở Xây dựng tỉnh Sơn La", "state_agency", []),
    ("Sở LĐ-TB&XH tỉnh Sơn La", "Sở Nội vụ tỉnh Sơn La", "state_agency",
     ["Sở Y tế tỉnh Sơn La", "Sở Giáo dục và Đào tạo tỉnh Sơn La"]),
    ("Ban Dân tộc tỉnh Sơn La", "Sở Dân tộc và Tôn giáo tỉnh Sơn La", "state_agency", ["Sở Nội vụ tỉnh Sơn La"]),
])
def test_other_departments_of_2025_03_01(gaz, name, suggested, kind, others):
    finding = body_renamed(gaz, "holder", party(gaz, name, "state_agency", "14"), None)
    assert finding.suggested["party"] == {"name": suggested, "kind": kind} and names(finding) == others


def test_only_the_departments_of_2025_03_01_are_renamed(gaz):
    flagged = {name: [f.rule for f in party_findings(gaz, "manager", party(gaz, name, "state_agency", "14"), None)]
               for name in ("Sở Khoa học và Công nghệ tỉnh Sơn La", "Sở Công Thương tỉnh Sơn La",
                            "Sở Y tế tỉnh Sơn La", "Chi cục Tiêu chuẩn Đo lường Chất lượng tỉnh Sơn La",
                            "Sở Tài nguyên và Môi trường tỉnh Sơn La", "Chi cục Kiểm lâm tỉnh Sơn La")}
    assert flagged == {"Sở Khoa học và Công nghệ tỉnh Sơn La": [], "Sở Công Thương tỉnh Sơn La": [],
                       "Sở Y tế tỉnh Sơn La": [], "Chi cục Tiêu chuẩn Đo lường Chất lượng tỉnh Sơn La": [],
                       "Sở Tài nguyên và Môi trường tỉnh Sơn La": ["MANAGER_BODY_RENAMED"],
                       "Chi cục Kiểm lâm tỉnh Sơn La": ["MANAGER_BODY_RENAMED"]}


def test_sub_department_now_belongs_to_the_new_department(gaz):
    crops = party(gaz, "Chi cục Trồng trọt và BVTV tỉnh Quảng Ninh", "state_agency", "22")
    finding = only(party_findings(gaz, "manager", crops, None))
    assert finding.rule == "MANAGER_BODY_RENAMED"
    assert finding.suggested["party"]["name"] == "Sở Nông nghiệp và Môi trường tỉnh Quảng Ninh"
    assert names(finding) == ["Chi cục Trồng trọt và Bảo vệ thực vật tỉnh Quảng Ninh"]


def test_a_department_filed_at_its_seat_is_not_a_district_body(gaz):
    """The address of a provincial department is often its seat, a provincial city: still the province's."""
    seat = next(u for u in gaz.units.values() if u.vintage == "old" and u.name == "Thành phố Sơn La")
    department = PartyView(1, "Sở NN&PTNT tỉnh Sơn La", "state_agency", seat)
    assert body_abolished(gaz, "manager", department, None) is None
    assert only(party_findings(gaz, "manager", department, None)).rule == "MANAGER_BODY_RENAMED"


# --- successor names are built, never pasted -----------------------------------------------------------

def test_the_sub_department_of_ba_ria_vung_tau_names_bodies_that_exist(gaz):
    """Was: «Chi cục Phát triển nông thôn tỉnh Bà Rịa – Vũng Tàu (Thành phố Hồ Chí Minh)»."""
    chi_cuc = party(gaz, "Chi cục Phát triển nông thôn tỉnh Bà Rịa – Vũng Tàu", "state_agency", "77")
    finding = only(party_findings(gaz, "manager", chi_cuc, None))
    assert finding.rule == "MANAGER_BODY_MERGED"
    assert finding.suggested["party"]["name"] == "Sở Nông nghiệp và Môi trường thành phố Hồ Chí Minh"
    assert names(finding) == ["Chi cục Phát triển nông thôn thành phố Hồ Chí Minh"]
    assert all("(" not in n and "Vũng Tàu" not in n for n in names(finding) + [finding.suggested["party"]["name"]])


def test_a_body_of_unknown_function_gets_no_invented_name(gaz):
    centre = party(gaz, "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ tỉnh Bắc Kạn", "state_agency", "06")
    finding = body_merged(gaz, "manager", centre, None)
    assert finding.rule == "MANAGER_BODY_MERGED" and finding.suggested is None
    assert names(finding) == ["Ủy ban nhân dân tỉnh Thái Nguyên", "Sở Khoa học và Công nghệ tỉnh Thái Nguyên"]


WRITTEN = ["Ủy ban nhân dân {}", "Sở Khoa học và Công nghệ {}", "Sở NN&PTNT {}", "Hội Nông dân {}",
           "Chi cục Phát triển nông thôn {}", "Sở TT&TT {}", "Trung tâm Khuyến nông {}"]


def test_every_suggestion_is_a_function_and_a_new_units_official_name(gaz):
    """Over every old province and district: each name offered is «function + the new unit as written»."""
    official = tuple(f.name for f in FUNCTIONS.values())
    seen = 0
    for unit in gaz.units.values():
        if unit.vintage != "old" or unit.level not in ("province", "district"):
            continue
        for pattern in WRITTEN:
            written = pattern.format(in_sentence(unit))
            kind = "district_pc" if unit.level == "district" and pattern.startswith("Ủy") else "state_agency"
            for finding in party_findings(gaz, "manager", PartyView(1, written, kind, unit), None):
                if finding.rule == "ADDRESS_OUTDATED":
                    continue  # the same body, its address only: its name is kept as written
                for offered in ([finding.suggested] if finding.suggested else []) + finding.candidates:
                    if "party" not in offered:
                        continue
                    new = gaz.by_key[("new", offered["unit"]["code"])]
                    name = offered["party"]["name"]
                    assert name.startswith(official) and name.endswith(" " + in_sentence(new)), (written, name)
                    assert fold(name[: -len(in_sentence(new)) - 1]) in {fold(o) for o in official}, (written, name)
                    seen += 1
    assert seen > 1000


def test_split_commune_candidates_of_a_commune_union_are_built(gaz):
    union = party(gaz, "Hội Nông dân phường Mễ Trì", "farmers_union", "00631")
    finding = unit_split(gaz, "holder", union, None)
    assert finding.rule == "HOLDER_UNIT_SPLIT" and finding.suggested is None
    assert all(n.startswith("Hội Nông dân phường ") or n.startswith("Hội Nông dân xã ") for n in names(finding))
    assert len(finding.candidates) == 3


@pytest.mark.parametrize("name, kind", [("Sở KH&CN tỉnh Bắc Kạn", "dost"),
                                        ("Sở Khoa học & Công nghệ tỉnh Bắc Kạn", "dost"),
                                        ("Huyện đoàn Bắc Hà", "association"),
                                        ("Ủy ban MTTQ Việt Nam huyện Cao Phong", "association"),
                                        ("Liên đoàn Lao động huyện Lục Ngạn", "association")])
def test_the_kind_of_a_body_left_empty_in_a_file_is_taken_from_its_function(name, kind):
    from ipreg.registry.parties import infer_kind

    assert infer_kind(name) == kind


@pytest.mark.parametrize("name, kind, successor", [
    ("Sở Văn hóa, Thể thao và Du lịch Bắc Kạn", "state_agency", "Sở Văn hóa, Thể thao và Du lịch tỉnh Thái Nguyên"),
    ("Sở VHTTDL tỉnh Bắc Kạn", "state_agency", "Sở Văn hóa, Thể thao và Du lịch tỉnh Thái Nguyên"),
    ("Sở Công Thương Bắc Kạn", "state_agency", "Sở Công Thương tỉnh Thái Nguyên"),
    ("UBND tỉnh Bắc Kạn", "province_pc", "Ủy ban nhân dân tỉnh Thái Nguyên"),
    ("Liên minh HTX tỉnh Bắc Kạn", "association", "Liên minh Hợp tác xã tỉnh Thái Nguyên"),
    ("Sở TT&TT tỉnh Bắc Kạn", "state_agency", "Sở Khoa học và Công nghệ tỉnh Thái Nguyên"),
])
def test_provincial_bodies_of_a_merged_province_keep_their_function(gaz, name, kind, successor):
    """Named as written («UBND», no «tỉnh»), the successor is named officially (was: the old name pasted)."""
    finding = only(party_findings(gaz, "manager", party(gaz, name, kind, "06"), None))
    assert finding.rule == "MANAGER_BODY_MERGED" and finding.suggested["party"]["name"] == successor
