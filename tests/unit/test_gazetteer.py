"""Queries on the loaded gazetteer, asserted on the real units and succession."""
import pytest
from conftest import real_geodata

from ipreg.core.errors import IpregError, NotFound


def successor_codes(gaz, code, vintage="old"):
    return sorted(u.code for _, u in gaz.successors_of(gaz.get(code, vintage)))


def test_counts_of_both_vintages(gaz):
    counts = {}
    for unit in gaz.units.values():
        counts[(unit.vintage, unit.level)] = counts.get((unit.vintage, unit.level), 0) + 1
    assert counts == {("old", "province"): 63, ("old", "district"): 696, ("old", "commune"): 10035,
                      ("new", "province"): 34, ("new", "commune"): 3321}


@pytest.mark.parametrize("old, new", [("30", ["31"]), ("34", ["33"]), ("24", ["24"]), ("27", ["24"]),
                                      ("91", ["91"]), ("89", ["91"]), ("22", ["22"])])
def test_province_mergers(gaz, old, new):
    assert successor_codes(gaz, old) == new


def test_quang_ninh_is_unchanged_and_hai_duong_merged(gaz):
    kinds = {u.code: l.kind for l, u in gaz.successors_of(gaz.get("22", "old"))}
    assert kinds == {"22": "unchanged"}
    assert [l.kind for l, _ in gaz.successors_of(gaz.get("30", "old"))] == ["whole"]
    merged_into_bac_ninh = sorted(u.code for _, u in gaz.predecessors_of(gaz.get("24", "new")))
    assert merged_into_bac_ninh == ["24", "27"]


def test_phu_quoc_communes_become_two_special_zones(gaz):
    district = gaz.get("911", "old")
    successors = {u.code: u.name for _, u in gaz.successors_of(district)}
    assert successors == {"31078": "Đặc khu Phú Quốc", "31105": "Đặc khu Thổ Châu"}
    for atom in gaz.atoms(district):
        assert {u.code for _, u in gaz.successors_of(gaz.units[atom])} <= {"31078", "31105"}


def test_me_tri_is_split_into_three_wards_as_part_links(gaz):
    links = gaz.successors_of(gaz.get("00631", "old"))
    assert sorted((u.code, l.kind) for l, u in links) == [("00175", "part"), ("00592", "part"), ("00637", "part")]
    assert all(l.share is None for l, _ in links)  # no old commune polygons: no invented share


def test_a_code_alone_is_not_an_identity(gaz):
    assert gaz.get("00004", "old").name == "Phường Trúc Bạch"
    assert gaz.get("00004", "new").name == "Phường Ba Đình"
    with pytest.raises(IpregError, match="names two units"):
        gaz.get("00004")
    from datetime import date

    assert gaz.at("00004", date(2025, 6, 30)).name == "Phường Trúc Bạch"
    assert gaz.at("00004", date(2025, 7, 1)).name == "Phường Ba Đình"


def test_unknown_code_is_not_found(gaz):
    with pytest.raises(NotFound):
        gaz.get("99999", "old")


def test_projection_of_a_split_commune_is_part_and_of_its_whole_district_is_whole(gaz):
    me_tri = gaz.project([gaz.get("00631", "old")])
    assert {c.unit.code: c.coverage for c in me_tri.new_units} == {"00175": "part", "00592": "part",
                                                                     "00637": "part"}
    assert me_tri.new_provinces == ["01"]
    phu_quoc = gaz.project([gaz.get("911", "old")])
    assert {c.unit.code: c.coverage for c in phu_quoc.new_units} == {"31078": "whole", "31105": "whole"}


def test_projection_of_all_old_communes_reaches_every_new_commune_but_island_zones(gaz):
    communes = [u for u in gaz.units.values() if u.vintage == "old" and u.level == "commune"]
    projection = gaz.project(communes)
    assert len(projection.new_provinces) == 34
    assert all(c.coverage == "whole" for c in projection.new_units)
    islands = {u.code for u in gaz.units.values() if u.vintage == "new" and u.type == "Đặc khu"} - {
        c.unit.code for c in projection.new_units}
    assert len(islands) == 5  # Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo: districts without communes


def test_inverse_projection_marks_split_old_communes_as_part(gaz):
    inverse = dict((u.code, c) for u, c in gaz.invert([gaz.get("00175", "new")]))
    assert inverse["00631"] == "part"


@real_geodata
def test_district_shares_come_from_geometry_and_sum_to_one(gaz):
    links = gaz.successors_of(gaz.get("911", "old"))
    shares = {u.code: l.share for l, u in links}
    assert shares["31078"] > 0.9 and sum(shares.values()) == pytest.approx(1.0)


@real_geodata
def test_the_statistics_office_table_decides_where_it_speaks(gaz):
    """Xã Hòa Lộc 28924 went whole into Xã Tân Thành Bình ("Nhập toàn bộ" in the table); the package adds a
    part link to Xã Hòa Hiệp that would make the area look split. The table's link is the one used; the
    package's stays in the database as evidence (gazetteer check lists the difference)."""
    hoa_loc = gaz.get("28924", "old")
    assert [(u.code, link.kind, link.source) for link, u in gaz.successors_of(hoa_loc)] == [("28921", "whole", "nso")]
    cobi = gaz.get("00553", "old")  # Xã Cổ Bi: the table adds a fourth ward to the package's three
    assert len(gaz.successors_of(cobi)) == 4 and {l.source for l, _ in gaz.successors_of(cobi)} == {"nso"}
