"""Each reform rule on real units (the gazetteer of the test session)."""
import pytest

from ipreg.reform.rules import (
    PartyView,
    address_outdated,
    area_crosses_provinces,
    area_partial_units,
    area_reexpression,
    body_abolished,
    body_merged,
    party_findings,
    unit_split,
)
from ipreg.registry.areas import Entry, summarise


def party(gaz, name, kind, code=None, vintage="old", pid=1):
    return PartyView(pid, name, kind, gaz.get(code, vintage) if code else None)


def area(gaz, *codes, vintage="old"):
    return summarise(gaz, tuple(Entry(gaz.get(c, vintage)) for c in codes))


def test_district_committee_is_abolished_with_the_provincial_body_suggested(gaz):
    ly_nhan = party(gaz, "Ủy ban nhân dân huyện Lý Nhân", "district_pc", "353")
    finding = body_abolished(gaz, "manager", ly_nhan, area(gaz, "353"))
    assert finding.rule == "MANAGER_BODY_ABOLISHED" and finding.severity == "high"
    # the body of the same function: the People's Committee of the new province (Hà Nam merged into Ninh Bình)
    assert finding.suggested["party"]["kind"] == "province_pc" and finding.suggested["unit"]["code"] == "37"
    assert finding.candidates[0]["party"] == {"name": "Sở Khoa học và Công nghệ tỉnh Ninh Bình", "kind": "dost"}
    assert finding.evidence["links"] and "cấp huyện" in finding.reason_vi
    holder = body_abolished(gaz, "holder", ly_nhan, area(gaz, "353"))
    assert holder.rule == "HOLDER_BODY_ABOLISHED" and holder.suggested["party"]["kind"] == "province_pc"
    office = party(gaz, "Phòng Kinh tế huyện Lý Nhân", "state_agency", "353")
    assert body_abolished(gaz, "manager", office, area(gaz, "353")).suggested["party"]["kind"] == "dost"


def test_abolished_body_whose_area_is_one_new_commune_goes_to_that_commune(gaz):
    one = next(u for u in gaz.units.values() if u.vintage == "old" and u.level == "commune"
               and len(gaz.successors_of(u)) == 1 and gaz.parent(u) is not None)
    district = gaz.parent(one)
    finding = body_abolished(gaz, "holder", PartyView(1, "UBND huyện", "district_pc", district),
                             summarise(gaz, (Entry(one),)))
    new = gaz.successors_of(one)[0][1]
    assert finding.suggested["unit"]["code"] == new.code and finding.suggested["party"]["kind"] == "commune_pc"


def test_private_bodies_are_never_abolished(gaz):
    """Cooperatives, enterprises and product associations keep their name: their address only is outdated.

    (Until issue 12 this test held a district farmers' union to the same: wrong, the district level of the
    Front's organisations ended with the district level; see test_bodies.py.)"""
    for name, kind in (("Hợp tác xã Nông nghiệp Bắc Hà", "cooperative"),
                       ("Hội Sản xuất và Kinh doanh Mận Bắc Hà", "association"),
                       ("Hội Nông dân huyện Bắc Hà", "enterprise")):  # a kind that is never a public body
        holder = party(gaz, name, kind, "085")
        assert body_abolished(gaz, "holder", holder, None) is None
        [finding] = party_findings(gaz, "holder", holder, None)
        assert finding.rule == "ADDRESS_OUTDATED" and finding.severity == "low"


def test_province_merged_under_another_name(gaz):
    ben_tre = party(gaz, "Sở Khoa học và Công nghệ tỉnh Bến Tre", "dost", "83")
    finding = body_merged(gaz, "manager", ben_tre, None)
    assert finding.rule == "MANAGER_BODY_MERGED" and finding.severity == "high"
    assert finding.suggested["party"]["name"] == "Sở Khoa học và Công nghệ tỉnh Vĩnh Long"
    assert finding.suggested["unit"]["code"] == "86"


def test_name_continues_means_the_body_continues(gaz):
    tuyen_quang = party(gaz, "Sở Khoa học và Công nghệ tỉnh Tuyên Quang", "dost", "08")
    assert body_merged(gaz, "manager", tuyen_quang, None) is None
    assert party_findings(gaz, "manager", tuyen_quang, None) == []
    quang_ninh = party(gaz, "Sở Khoa học và Công nghệ tỉnh Quảng Ninh", "dost", "22")
    assert party_findings(gaz, "manager", quang_ninh, None) == []
    lao_cai = party(gaz, "Sở Khoa học và Công nghệ tỉnh Lào Cai", "dost", "10")
    [low] = party_findings(gaz, "manager", lao_cai, None)  # same name, new code 15: address wording only
    assert low.rule == "ADDRESS_OUTDATED" and low.suggested["unit"]["code"] == "15"


def test_split_commune_gives_candidates_and_no_suggestion(gaz):
    me_tri = party(gaz, "Ủy ban nhân dân phường Mễ Trì", "commune_pc", "00631")
    finding = unit_split(gaz, "holder", me_tri, None)
    assert finding.rule == "HOLDER_UNIT_SPLIT" and finding.suggested is None
    assert sorted(c["unit"]["code"] for c in finding.candidates) == ["00175", "00592", "00637"]
    assert all("share" in c for c in finding.candidates)


def test_area_crossing_new_provinces(gaz):
    finding = area_crosses_provinces(gaz, area(gaz, "22", "20"))  # Quảng Ninh and Lạng Sơn
    assert finding.rule == "AREA_CROSSES_PROVINCES" and finding.severity == "medium"
    assert {p["code"] for p in finding.evidence["new_provinces"]} == {"20", "22"}
    assert area_crosses_provinces(gaz, area(gaz, "30", "31")) is None  # Hải Dương + Hải Phòng: one province now


def test_area_partial_units_names_the_split(gaz):
    finding = area_partial_units(gaz, area(gaz, "00631"))
    assert finding.rule == "AREA_PARTIAL_UNITS" and finding.severity == "medium"
    assert {u["cause"] for u in finding.evidence["units"]} == {"split"}
    assert area_partial_units(gaz, area(gaz, "911")) is None  # Phú Quốc: whole special zones


def test_a_commune_merged_whole_with_others_moves_no_boundary(gaz):
    """Merged whole into a new commune with communes outside the area: covered in part, worded so, not flagged
    as a partial unit (no old unit was split)."""
    merged = next(u for u in gaz.units.values() if u.vintage == "old" and u.level == "commune"
                  and len(gaz.successors_of(u)) == 1 and len(gaz.predecessors_of(gaz.successors_of(u)[0][1])) > 1
                  and all(len(gaz.successors_of(p)) == 1 for _, p in gaz.predecessors_of(gaz.successors_of(u)[0][1])))
    summary = area(gaz, merged.code)
    assert [c.coverage for c in summary.projection.new_units] == ["part"]
    assert area_partial_units(gaz, summary) is None
    assert "một phần" in area_reexpression(gaz, summary).suggested["reexpressed"]


def test_area_reexpression_carries_the_wording(gaz):
    finding = area_reexpression(gaz, area(gaz, "22"))
    assert finding.rule == "AREA_REEXPRESSION" and finding.severity == "low"
    assert finding.suggested["reexpressed"] == "Tỉnh Quảng Ninh (toàn bộ)"
    assert area_reexpression(gaz, area(gaz, "00004", vintage="new")) is None


def test_address_of_a_commune_body_lost_its_district(gaz):
    coop = party(gaz, "Hợp tác xã Chè", "cooperative", "02263")
    finding = address_outdated(gaz, "holder", coop, None)
    assert finding.rule == "ADDRESS_OUTDATED" and finding.suggested["unit"]["vintage"] == "new"


@pytest.mark.parametrize("kind", ["association", "cooperative", "enterprise", "individual", "farmers_union"])
def test_non_state_holders_get_at_most_low(gaz, kind):
    for code in ("353", "83", "00631"):
        findings = party_findings(gaz, "holder", party(gaz, "X", kind, code), None)
        assert all(f.severity == "low" for f in findings)
