"""The two succession sources: the package's converter and the statistics office's table."""
from pathlib import Path

import pytest

from ipreg.core.errors import IpregError
from ipreg.gazetteer import crosswalk


@pytest.fixture(scope="module")
def package():
    return crosswalk.read_package()


def test_package_lists_every_unit_of_both_vintages(package):
    counts = {}
    for unit in package.units:
        counts[(unit.vintage, unit.level)] = counts.get((unit.vintage, unit.level), 0) + 1
    assert counts == {("old", "province"): 63, ("old", "district"): 696, ("old", "commune"): 10035,
                      ("new", "province"): 34, ("new", "commune"): 3321}


def test_every_old_commune_has_a_successor_and_splits_keep_every_part(package):
    old_communes = {u.code for u in package.units if u.vintage == "old" and u.level == "commune"}
    linked = {l.old_code for l in package.links if l.old_level == "commune"}
    assert linked == old_communes
    me_tri = sorted(l.new_code for l in package.links if l.old_code == "00631")
    assert me_tri == ["00175", "00592", "00637"]
    assert {l.kind for l in package.links if l.old_code == "00631"} == {"part"}
    split = {l.old_code for l in package.links if l.kind == "part"}
    assert len(split) == 471  # the package's own count of divided old communes


@pytest.mark.parametrize("note, kind", [
    ("Nhập toàn bộ", "whole"), ("Nhập một phần diện tích, toàn bộ dân số", "part"), ("Nhâp một phần diện tích", "part"),
    ("Giữ nguyên ", "unchanged"), ("Đổi tên", "renamed"), ("Đổi loại hình", "renamed"), ("", "whole"),
    ("Phần còn lại sau khi tách một phần vào xã Canh Vinh", "part"),
])
def test_nso_notes_map_to_link_kinds(note, kind):
    assert crosswalk.nso_kind(note) == kind


def test_nso_table_reads_codes_as_text(geodata_dir):
    table = crosswalk.read_nso_table(geodata_dir / "crosswalk" / "nso_conversion_2025-07-01.csv")
    assert all(len(l.old_code) in (3, 5) and l.old_code.isdigit() for l in table.links)
    assert any(l.old_code.startswith("000") for l in table.links)  # leading zeros kept
    island = [l for l in table.links if l.old_level == "district"]
    assert {l.old_code for l in island} >= {"318", "498"}  # Bạch Long Vĩ, Hoàng Sa


@pytest.mark.parametrize("content, message", [
    (b"", "not the statistics office conversion table"),
    ("a,b,c\n1,2,3\n".encode(), "not the statistics office conversion table"),
    ("Tỉnh, thành phố".encode("utf-16"), "not UTF-8"),
    ("x\n\"Tỉnh, thành phố\",Tên Xã mới,Mã Xã mới,Tên Xã cũ,Mã Xã cũ,Ghi chú,Quận/huyện,Tỉnh cũ\n"
     "Hà Nội (01),Phường Ba Đình,4,Phường Trúc Bạch,00004,Nhập toàn bộ,,\n".encode(), "is not 5 digits"),
])
def test_bad_conversion_tables_are_refused_with_the_reason(tmp_path: Path, content, message):
    path = tmp_path / "table.csv"
    path.write_bytes(content)
    with pytest.raises(IpregError, match=message):
        crosswalk.read_nso_table(path)


def test_compare_reports_each_kind_of_disagreement():
    a = [crosswalk.SourceLink("1", "commune", "A", "whole"), crosswalk.SourceLink("2", "commune", "B", "whole"),
         crosswalk.SourceLink("3", "commune", "C", "part"), crosswalk.SourceLink("3", "commune", "D", "part")]
    b = [crosswalk.SourceLink("1", "commune", "A", "whole"), crosswalk.SourceLink("2", "commune", "C", "whole"),
         crosswalk.SourceLink("3", "commune", "C", "part"), crosswalk.SourceLink("4", "commune", "E", "whole")]
    report = {r["old"]["code"]: r["problem"] for r in crosswalk.compare_links(a, b, {})}
    assert report == {"2": "different_successors", "3": "different_successors", "4": "only_in_table"}
