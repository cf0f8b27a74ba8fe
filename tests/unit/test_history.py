"""The dated gazetteer since 2004 (issue 12): units read on the date of their list, under the parents written.

Real names from ../shared/geodata/history (unit_spans_2004-2025-06-30.tsv, removed_communes_to_2025-06-30.tsv):
communes gone before 2025-06-30 followed to their successor with a warning saying when they ceased, codes
that bore two different units, communes moved between districts, renamed districts and provinces, Hà Tây,
officers' spellings and tone marks, equal candidates, ``unresolved`` spans never given a successor,
projection of old districts, and the import report of a file mixing complete, incomplete and refused rows.

Read-only checks share one history snapshot and one app (a clone of the session's template database); the
import test writes to that clone, which nothing else here reads records from.
"""
from __future__ import annotations

import csv
import json
from datetime import date, timedelta

import pytest
from conftest import HAS_REAL_GEODATA, REAL_GEODATA, cloned_app, read_only_snapshot

HISTORY = REAL_GEODATA / "history"
SPANS_TSV = HISTORY / "unit_spans_2004-2025-06-30.tsv"
REMOVED_TSV = HISTORY / "removed_communes_to_2025-06-30.tsv"

pytestmark = pytest.mark.skipif(not (HAS_REAL_GEODATA and HISTORY.exists()),
                                reason="needs the real boundaries and ../shared/geodata/history")


# --- fixtures -------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def history(db_template):
    """The dated history of the session's template database (read-only, built once)."""
    from ipreg.gazetteer.history import get_history

    return read_only_snapshot(db_template, get_history)


@pytest.fixture(scope="module")
def happ(db_template, geodata_dir, tmp_path_factory):
    """One app for the module's CLI checks (one gazetteer and history build instead of one per test)."""
    yield from cloned_app(db_template, tmp_path_factory.mktemp("history-app"), geodata_dir)


@pytest.fixture(scope="module")
def cli(happ):
    runner = happ.test_cli_runner()

    def invoke(*args: str):
        result = runner.invoke(args=list(args))
        data = None
        starts = [i for i in (result.stdout.find("{"), result.stdout.find("[")) if i >= 0]
        if "--json" in args and starts:
            data = json.JSONDecoder().raw_decode(result.stdout[min(starts):])[0]
        return result.exit_code, data, result.output

    return invoke


@pytest.fixture(scope="session")
def removed_rows() -> list[dict]:
    with REMOVED_TSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def resolve(history, text: str, day: str | None = None, levels=None):
    from ipreg.gazetteer.dated_names import resolve_on

    return resolve_on(history, text, date.fromisoformat(day) if day else None, levels)


def warnings(result) -> str:
    return " | ".join(str(n) for n in result.notes)


def written(span) -> str:
    """A span as an officer writes it: name, district, province."""
    return ", ".join(p for p in (span.name, span.parent_name, span.province_name) if p)


def midpoint(span) -> date:
    return span.valid_from + (span.valid_to - span.valid_from) / 2


# --- communes that ceased before 2025-06-30 -----------------------------------------------------------

CEASED = [
    # written as in its own list, a day in its span, successor on 2025-06-30, the day it ceased
    ("Xã Nghĩa Hồ, Huyện Lục Ngạn, Tỉnh Bắc Giang", "2008-06-25", "07525", "2020-01-01"),
    ("Xã Bình Bộ, Huyện Phù Ninh, Tỉnh Phú Thọ", "2010-01-01", "08275", "2020-01-01"),
    ("Thị trấn Nghi Xuân, Huyện Nghi Xuân, Tỉnh Hà Tĩnh", "2012-03-01", "18373", "2020-01-01"),
    ("Xã Phượng Cách, Huyện Quốc Oai, Thành phố Hà Nội", "2015-01-01", "09904", "2025-01-01"),
    ("Phường Nguyễn Du, Thành phố Nam Định, Tỉnh Nam Định", "2016-07-01", "13666", "2024-09-01"),
    ("Xã Thụy Tân, Huyện Thái Thụy, Tỉnh Thái Bình", "2009-05-05", "12847", "2020-06-01"),
]


@pytest.mark.parametrize("text, day, successor, ceased", CEASED)
def test_ceased_commune_read_on_its_date_and_by_default(history, removed_rows, text, day, successor, ceased):
    """Followed to its 2025-06-30 successor (the one removed_communes lists, method alias), with a warning
    naming when it ceased; the same by default (no date: the 2025-06-30 list, where it is not)."""
    listed = {(r["old_name"], r["successor_code_2025-06-30"], r["removed_on"], r["method"]) for r in removed_rows}
    assert (text.split(",")[0], successor, ceased, "alias") in listed
    for when in (day, None):
        result = resolve(history, text, when)
        assert result.unit is not None, result.message
        assert result.unit.code == successor and result.unit.vintage == "old"
        assert result.span is not None and result.span.name == text.split(",")[0]
        assert result.span.valid_to < date(2025, 6, 30)
        assert f"ceased on {ceased}" in warnings(result)
        assert result.coverage == "part"  # merged into another commune: only a part of it


def test_every_alias_removal_leads_to_its_listed_successor_or_to_candidates(history, removed_rows):
    """All 941 ``alias`` removals, written as their last list had them, the day before they ceased: never a
    unit other than the listed successor (a shared name may leave candidates; that is not a guess)."""
    wrong, followed = [], 0
    for row in removed_rows:
        if row["method"] != "alias":
            continue
        day = date.fromisoformat(row["removed_on"]) - timedelta(days=1)
        result = resolve(history, f"{row['old_name']}, {row['old_district']}, {row['province']}", day.isoformat())
        if result.unit is None:
            assert result.candidates, row
            continue
        followed += 1
        if result.unit.code != row["successor_code_2025-06-30"]:
            wrong.append((row["old_code"], row["old_name"], row["successor_code_2025-06-30"], result.unit.code))
    assert not wrong
    assert followed >= 900


def test_cli_resolve_nghia_ho_names_when_it_ceased(cli):
    code, data, _ = cli("units", "resolve", "Xã Nghĩa Hồ, Huyện Lục Ngạn, Tỉnh Bắc Giang", "--json")
    assert code == 0
    assert data["match"]["code"] == "07525" and data["match"]["name"] == "Phường Chũ"
    assert data["as_written"]["code"] == "07585" and data["as_written"]["method"] == "alias"
    assert any("ceased on 2020-01-01" in w and "07525" in w for w in data["warnings"])
    code, data, _ = cli("units", "resolve", "Xã Bình Bộ, Huyện Phù Ninh, Tỉnh Phú Thọ", "--on", "01/01/2010",
                        "--json")
    assert code == 0 and data["on"] == "2010-01-01" and data["match"]["code"] == "08275"


def test_ceased_date_of_a_commune_that_moved_before_it_ceased(history):
    result = resolve(history, "Xã Cô Mười, Huyện Trà Lĩnh, Tỉnh Cao Bằng", "2015-01-01")
    assert result.unit is not None and result.unit.code == "01456"  # Xã Quang Hán
    assert "ceased on 2020-03-01" in warnings(result)


# --- units show --on: a span, its successors, codes that bore two units -------------------------------

def test_show_nghia_ho_on_2015(cli):
    code, data, _ = cli("units", "show", "07585", "--vintage", "old", "--on", "2015-01-01", "--json")
    assert code == 0
    assert data["name"] == "Xã Nghĩa Hồ" and data["parent"] == "Huyện Lục Ngạn" and data["level"] == "commune"
    assert (data["valid_from"], data["valid_to"]) == ("2004-08-31", "2019-12-31")
    assert data["successor_known"] and data["successor_2025_06_30"]["code"] == "07525"
    assert data["successor_2025_06_30"]["coverage"] == "part"
    assert [s["code"] for s in data["successors"]] == ["07525"] and data["successors"][0]["vintage"] == "new"
    assert [s["name"] for s in data["life"]["spans"]] == ["Xã Nghĩa Hồ"]
    removed = [e for e in data["life"]["events"] if e["event"] == "removed"]
    assert removed and removed[0]["day"] == "2020-01-01" and "813/NQ-UBTVQH14" in removed[0]["acts"]


@pytest.mark.parametrize("code, first, second", [
    # the code of Thị trấn Phong Thổ (Huyện Tam Đường, 2004) later bore Phường Quyết Tiến of Lai Châu
    ("03388", ("2004-09-01", "Thị trấn Phong Thổ", "Huyện Tam Đường"),
     ("2015-01-01", "Phường Quyết Tiến", "Thành phố Lai Châu")),
    # Hải Phòng: Lương Khánh Thiện until 2020, Cầu Đất from 2022
    ("11344", ("2010-01-01", "Phường Lương Khánh Thiện", "Quận Ngô Quyền"),
     ("2023-01-01", "Phường Cầu Đất", "Quận Ngô Quyền")),
    ("00292", ("2010-01-01", "Phường Quỳnh Lôi", "Quận Hai Bà Trưng"),
     ("2025-04-01", "Phường Bạch Mai", "Quận Hai Bà Trưng")),
])
def test_a_code_reused_reads_differently_on_two_dates(cli, code, first, second):
    seen = []
    for day, name, parent in (first, second):
        status, data, _ = cli("units", "show", code, "--on", day, "--json")
        assert status == 0
        assert (data["name"], data["parent"], data["on"]) == (name, parent, day)
        assert date.fromisoformat(data["valid_from"]) <= date.fromisoformat(day) <= date.fromisoformat(data["valid_to"])
        assert {name} <= {s["name"] for s in data["life"]["spans"]}
        seen.append(data["valid_from"])
    assert seen[0] != seen[1]


def test_show_a_code_on_a_date_it_did_not_exist(cli):
    code, _, output = cli("units", "show", "07585", "--on", "2025-03-01")
    assert code != 0 and "Traceback" not in output
    assert "07585" in output and "2019-12-31" in output  # says when the code was used


# --- moved, renamed, Hà Tây, Thừa Thiên Huế ---------------------------------------------------------------

def _van_ho_communes(history):
    return sorted({s.name for s in history.spans if s.level == "commune" and s.parent_name == "Huyện Vân Hồ"
                   and s.valid_from == date(2013, 6, 11)})


def test_communes_moved_from_moc_chau_to_van_ho_in_2013(history):
    names = _van_ho_communes(history)
    assert len(names) == 14 and "Xã Suối Bàng" in names and "Xã Lóng Luông" in names
    for name in names:
        before = resolve(history, f"{name}, Huyện Mộc Châu, Tỉnh Sơn La", "2010-01-01")
        assert before.unit is not None, before.message
        assert before.span.parent_name == "Huyện Mộc Châu"
        assert before.path.endswith("Huyện Vân Hồ, Tỉnh Sơn La") and before.unit.code == before.span.code
        assert "Huyện Mộc Châu" in warnings(before)  # as written, then, and where it is on 2025-06-30
        after = resolve(history, f"{name}, Huyện Vân Hồ, Tỉnh Sơn La", "2015-01-01")
        assert after.unit is not None and after.unit.code == before.unit.code
        assert not after.notes  # as it stood that day and on 2025-06-30
        late = resolve(history, f"{name}, Huyện Mộc Châu, Tỉnh Sơn La", "2016-01-01")  # the old district written
        assert late.unit is not None and late.unit.code == before.unit.code and late.notes


@pytest.mark.parametrize("text, day, code, old", [
    ("Huyện Đạ Tẻh, Tỉnh Lâm Đồng", "2015-01-01", "682", "Huyện Đạ Tẻh"),  # → Huyện Đạ Huoai (2025)
    ("Huyện Tĩnh Gia, Tỉnh Thanh Hóa", "2012-01-01", "407", "Huyện Tĩnh Gia"),  # → Thị xã Nghi Sơn
    ("Huyện Yên Hưng, Tỉnh Quảng Ninh", "2008-01-01", "206", "Huyện Yên Hưng"),  # → Thị xã Quảng Yên
    ("Huyện Quảng Uyên, Tỉnh Cao Bằng", "2015-01-01", "049", "Huyện Quảng Uyên"),  # → Huyện Quảng Hòa
])
def test_renamed_district(history, text, day, code, old):
    for when in (day, None):
        result = resolve(history, text, when)
        assert result.unit is not None and result.unit.code == code and result.unit.level == "district"
        assert result.unit.name != old and result.span.name == old
        assert old in warnings(result) and result.unit.name in warnings(result)


def test_commune_under_a_renamed_district(history):
    span = next(s for s in history.spans if s.level == "commune" and s.parent_name == "Huyện Tĩnh Gia"
                and s.method == "same_code" and s.on(date(2012, 1, 1)))
    result = resolve(history, f"{span.name}, Huyện Tĩnh Gia, Tỉnh Thanh Hóa", "2012-01-01")
    assert result.unit is not None and result.unit.code == span.code
    assert "Thị xã Nghi Sơn" in result.path


@pytest.mark.parametrize("text, day, code", [
    ("xã Phong Hòa, thị xã Phong Điền, tỉnh Thừa Thiên Huế", None, "19846"),
    ("xã Phong Hòa, thị xã Phong Điền, tỉnh Thừa Thiên Huế", "2025-03-01", "19846"),
    ("Xã Hương Phú, Huyện Phú Lộc, Tỉnh Thừa Thiên Huế", "2025-02-01", "20164"),
    ("Xã Hương Phú, Huyện Nam Đông, Tỉnh Thừa Thiên Huế", "2015-01-01", "20164"),
    ("Thị xã Hương Thủy, Tỉnh Thừa Thiên Huế", None, "479"),
    ("Tỉnh Thừa Thiên Huế", "2015-01-01", "46"),
    ("Tỉnh Thừa Thiên Huế", None, "46"),
])
def test_thua_thien_hue_still_names_the_province(history, text, day, code):
    result = resolve(history, text, day)
    assert result.unit is not None, (result.message, result.candidates[:3])
    assert result.unit.code == code
    assert result.path.endswith("Thành phố Huế")
    if day is None or day >= "2025-01-01":  # written with the name the province no longer bore
        assert result.notes


@pytest.mark.parametrize("text, code", [
    ("Xã Kim Đường, Huyện Ứng Hòa, Tỉnh Hà Tây", "10411"),
    ("Xã Vạn Thắng, Huyện Ba Vì, Tỉnh Hà Tây", "09634"),
    ("xã Vạn Thắng, huyện Ba Vì, tỉnh Hà Tây", "09634"),
    ("Xã Thọ Lộc, Huyện Phúc Thọ, Tỉnh Hà Tây", "09742"),  # renamed Tích Lộc since
    ("Phường Văn Mỗ, Thành phố Hà Đông, Tỉnh Hà Tây", "09541"),  # Phường Mộ Lao, Quận Hà Đông
    ("Huyện Ba Vì, Tỉnh Hà Tây", "271"),
])
def test_ha_tay_2007_resolves_to_its_ha_noi_unit(history, text, code):
    result = resolve(history, text, "2007-01-01")
    assert result.unit is not None, result.message
    assert result.unit.code == code and result.unit.province_code == "01"
    assert result.span.province_name == "Tỉnh Hà Tây"
    assert result.path.endswith("Thành phố Hà Nội") and result.notes


def test_ha_tay_province_itself(history):
    result = resolve(history, "Tỉnh Hà Tây", "2007-01-01")
    assert result.unit is not None and result.unit.code == "01" and result.coverage == "part"
    assert "ceased on 2008-08-01" in warnings(result)


# --- spellings and tone marks --------------------------------------------------------------------------

@pytest.mark.parametrize("text, day, code, variant", [
    ("huyện Krông Pắk, tỉnh Đắk Lắk", None, "654", "Krông Pắc"),
    ("huyện Krông Pắk, tỉnh Đắk Lắk", "2010-01-01", "654", "Krông Pắc"),
    ("Xã Mĩ Hòa, Huyện Tân Lạc, Tỉnh Hòa Bình", "2015-01-01", "05143", "Mỹ Hòa"),  # i/y, said
    ("Xã Ngọc Yêu, Huyện Tu Mơ Rông, Tỉnh Kon Tum", "2015-01-01", "23413", "Ngọk Yêu"),
])
def test_spelling_variants_match_with_a_warning(history, text, day, code, variant):
    result = resolve(history, text, day)
    assert result.unit is not None, result.message
    assert result.unit.code == code and variant in result.unit.name
    assert result.notes  # never silently


def test_krong_pak_on_the_cli(cli):
    code, data, _ = cli("units", "resolve", "huyện Krông Pắk, tỉnh Đắk Lắk", "--json")
    assert code == 0 and data["match"]["code"] == "654" and data["match"]["name"] == "Huyện Krông Pắc"
    assert any("spelling" in w and "Krông Pắc" in w for w in data["warnings"])


TONE_PAIRS = [
    # one province, names that fold alike, in different districts (as written, district, code)
    (("Xã Chiềng Hắc", "Huyện Mộc Châu", "04012"), ("Xã Chiềng Hặc", "Huyện Yên Châu", "04078"), "Tỉnh Sơn La"),
    (("Xã Mường Sai", "Huyện Sông Mã", "04213"), ("Xã Mường Sại", "Huyện Quỳnh Nhai", "03709"), "Tỉnh Sơn La"),
    (("Xã Nậm Chảy", "Huyện Mường Khương", "02770"), ("Xã Nậm Chầy", "Huyện Văn Bàn", "03076"), "Tỉnh Lào Cai"),
    # Hoằng Sơn is 15901 only from 2019-12-01 (before, 15898, whose successor the sources leave open)
    (("Xã Hoàng Sơn", "Huyện Nông Cống", "16288"), ("Xã Hoằng Sơn", "Huyện Hoằng Hóa", "15901"),
     "Tỉnh Thanh Hóa", "2021-01-01"),
    (("Xã Mi Hòa", "Huyện Kim Bôi", "05083"), ("Xã Mỹ Hòa", "Huyện Tân Lạc", "05143"), "Tỉnh Hòa Bình"),
]


@pytest.mark.parametrize("one, other, province, day", [(*pair, "2015-01-01")[:4] for pair in TONE_PAIRS])
def test_tone_marks_told_apart_under_the_written_district(history, one, other, province, day):
    from ipreg.core.text import fold

    for name, district, code in (one, other):
        for text in (f"{name}, {district}, {province}", fold(f"{name}, {district}, {province}"),
                     f"{name}, {province}"):
            result = resolve(history, text, day)
            assert result.unit is not None, (text, result.message)
            assert result.unit.code == code, text


def test_tone_marks_disagreeing_with_the_district_are_not_silent(history):
    result = resolve(history, "Xã Chiềng Hắc, Huyện Yên Châu, Tỉnh Sơn La", "2015-01-01")
    assert result.unit is None or result.notes


# --- equal candidates ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, day, codes", [
    ("Xã Tân Minh, Thành phố Hà Nội", "2015-01-01", {"00406", "10240"}),  # Sóc Sơn, Thường Tín
    ("Xã Phú Cường, Hà Nội", "2015-01-01", {"00442", "09625"}),  # Sóc Sơn, Ba Vì
    ("Xã Tân Minh, Thành phố Hà Nội", None, {"00406", "10240"}),
])
def test_equal_candidates_stay_candidates(history, text, day, codes):
    result = resolve(history, text, day)
    assert result.unit is None and result.path is None
    assert {c["code"] for c in result.candidates} == codes
    assert "Ambiguous" in str(result.message)


def test_equal_candidates_exit_2_on_the_cli(cli):
    code, data, _ = cli("units", "resolve", "Xã Tân Minh, Thành phố Hà Nội", "--on", "2015-01-01", "--json")
    assert code == 2 and data["match"] is None
    assert {c["code"] for c in data["candidates"]} == {"00406", "10240"}


# --- unresolved spans: never a successor ------------------------------------------------------------------

def _unresolved(history):
    spans = [s for s in history.spans if s.method == "unresolved"]
    with SPANS_TSV.open(encoding="utf-8", newline="") as handle:
        in_file = sum(1 for r in csv.DictReader(handle, delimiter="\t") if r["method"] == "unresolved")
    assert len([s for s in spans if s.level != "province"]) == in_file == 71
    return spans


def test_unresolved_spans_are_never_given_a_successor(history):
    for span in _unresolved(history):
        assert history.successor(span) is None, span
        assert not span.resolved
        for day in (span.valid_from, midpoint(span), span.valid_to):
            result = resolve(history, written(span), day.isoformat())
            assert result.unit is None, (written(span), day, result.unit)
            assert result.path is None
            assert all(c.get("code") != span.code or c.get("as_written") for c in result.candidates)
            if result.span is not None:
                assert result.span.method == "unresolved"


def test_unresolved_spans_offer_candidates_where_their_district_survives(history):
    gaz = history.gaz
    checked = 0
    for span in _unresolved(history):
        parent = gaz.by_key.get(("old", span.parent_code))
        if parent is None or not gaz.children.get(parent.id):
            continue
        result = resolve(history, written(span), midpoint(span).isoformat())
        assert result.unit is None and result.candidates, written(span)
        checked += 1
    assert checked >= 60


def test_every_unresolved_span_offers_candidates(history):
    empty = [written(s) for s in _unresolved(history)
             if not resolve(history, written(s), midpoint(s).isoformat()).candidates]
    assert not empty


def test_unresolved_on_the_cli(cli):
    code, data, _ = cli("units", "show", "16411", "--on", "2010-01-01", "--json")
    assert code == 0 and data["name"] == "Xã Đông Xuân" and data["method"] == "unresolved"
    assert data["successor_known"] is False and data["successor_2025_06_30"] is None and data["successors"] == []
    code, data, _ = cli("units", "resolve", "Xã Đông Xuân, Huyện Đông Sơn, Tỉnh Thanh Hóa", "--on", "2010-01-01",
                        "--json")
    assert code == 2 and data["match"] is None
    code, data, _ = cli("units", "project", "16411", "--on", "2010-01-01", "--json")
    assert code == 0 and data["new_units"] == [] and [u["code"] for u in data["unknown"]] == ["16411"]


# --- districts that disappeared ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, day, code", [
    ("Huyện Kỳ Sơn, Tỉnh Hoà Bình", "2012-05-01", "148"),
    ("Huyện Hoành Bồ, Tỉnh Quảng Ninh", "2012-05-01", "193"),
    ("Huyện Yên Dũng, Tỉnh Bắc Giang", "2014-10-31", "213"),
])
def test_removed_district_leads_where_its_communes_went(history, text, day, code):
    result = resolve(history, text, day)
    assert result.unit is not None and result.unit.code == code and result.coverage == "part"


def test_a_district_name_reused_after_a_merger_is_read_on_its_date(history):
    result = resolve(history, "Huyện Đạ Huoai, Tỉnh Lâm Đồng", "2014-10-31")
    assert result.unit is None or result.coverage == "part" and "not on the list" not in warnings(result)


@pytest.mark.parametrize("text, day, span_code, other", [
    ("Phường 14, Quận Bình Thạnh, Thành phố Hồ Chí Minh", "2006-02-06", "26935", "26929"),
    ("Xã Hoằng Sơn, Huyện Hoằng Hóa, Tỉnh Thanh Hóa", "2013-07-15", "15898", "15901"),
])
def test_an_ambiguous_successor_is_not_replaced_by_todays_namesake(history, text, day, span_code, other):
    (span,) = [s for s in history.spans_of(span_code, "commune") if s.on(date.fromisoformat(day))]
    assert span.method == "alias_ambiguous" and history.successor(span) is None
    result = resolve(history, text, day)
    assert result.unit is None or result.unit.code != other


# --- projection of old units on a date ----------------------------------------------------------------------

def test_project_an_old_district_gives_new_units(cli):
    # Huyện Kỳ Sơn (Hòa Bình), merged into Thành phố Hòa Bình in 2020; Hòa Bình is in Phú Thọ from 2025-07-01
    code, data, _ = cli("units", "project", "151", "--on", "2015-01-01", "--json")
    assert code == 0 and data["on"] == "2015-01-01"
    assert data["new_units"] and {u["province_code"] for u in data["new_units"]} == {"25"}
    assert data["new_provinces"] == ["25"] and data["unknown"] == []
    code, _, output = cli("units", "project", "151")  # not a unit of 2025-06-30
    assert code != 0 and "Traceback" not in output
    # Huyện Đông Sơn (Thanh Hóa, gone in 2025): new units, and its unresolved commune said as unknown
    code, data, _ = cli("units", "project", "405", "--on", "2015-01-01", "--json")
    assert code == 0 and data["new_units"] and data["new_provinces"] == ["38"]
    assert "16411" in {u["code"] for u in data["unknown"]}  # Xã Đông Xuân (until 2015-05-15): no successor known


def test_project_a_district_before_and_after_communes_left_it(history):
    from ipreg.gazetteer.describe import project_on

    before = project_on(history, ["123"], date(2010, 1, 1))  # Huyện Mộc Châu with the Vân Hồ communes
    after = project_on(history, ["123"], date(2015, 1, 1))
    van_ho = project_on(history, ["128"], date(2015, 1, 1))
    codes = lambda data: {u["code"] for u in data["new_units"]}  # noqa: E731
    assert codes(van_ho) and codes(van_ho) <= codes(before)
    assert not codes(van_ho) <= codes(after)
    assert before["new_provinces"] == after["new_provinces"] == ["14"]


def test_project_a_ceased_commune_is_a_part(history):
    from ipreg.gazetteer.describe import project_on

    data = project_on(history, ["07585"], date(2015, 1, 1))
    assert data["new_units"] and data["new_provinces"] == ["24"]
    assert [p["code"] for p in data["part_of"]] == ["07585"] and data["part_of"][0]["part_of"] == "07525"


# --- codes written as text on a historic date -------------------------------------------------------------

def test_a_code_written_on_a_historic_date_is_a_code(history):
    """Not the name of a numbered ward: in 2008 '24' is Tỉnh Bắc Giang, not Phường 24 of Quận Bình Thạnh."""
    result = resolve(history, "24", "2008-06-25")
    assert result.unit is not None and result.unit.code == "24" and result.unit.level == "province"
    result = resolve(history, "07585", "2015-01-01")  # a commune code of its own date
    assert result.unit is not None and result.unit.code == "07525" and "ceased on 2020-01-01" in warnings(result)


def test_a_code_valid_on_the_date_has_no_warning(history):
    result = resolve(history, "654", "2010-01-01")
    assert result.unit is not None and result.unit.code == "654"
    assert not result.notes


# --- import: complete, incomplete and refused rows; flags ---------------------------------------------------

HEADER = ("kind,reg_no,name,product,granted_on,status,holder,holder_kind,holder_unit,manager,manager_kind,"
          "manager_unit,area_units,area_vintage,notes\n")
MIXED = HEADER + "\n".join([
    # complete: a 2008 list read on its date (Nghĩa Hồ followed to Phường Chũ with a warning)
    'GI,00015,Lục Ngạn,Vải thiều,2008-06-25,registered,Nhà nước Việt Nam,state,,Sở Khoa học và Công nghệ tỉnh '
    'Bắc Giang,dost,Tỉnh Bắc Giang,"Xã Nghĩa Hồ, Huyện Lục Ngạn, Tỉnh Bắc Giang; Xã Tân Mộc, Huyện Lục Ngạn, '
    'Tỉnh Bắc Giang",2008-06-25,complete',
    # complete: two GIs named after one place, different products, no number
    "GI,,Bến Tre,Dừa,,pending,Nhà nước Việt Nam,state,,,,,Tỉnh Bến Tre,2019-01-01,coconut",
    "GI,,Bến Tre,Bưởi da xanh,,pending,Nhà nước Việt Nam,state,,,,,Tỉnh Bến Tre,2019-01-01,pomelo",
    # incomplete: an unresolved commune (no successor known), a GI without its area, a mark without holder
    'GI,90101,Lúa Đông Xuân,Lúa,2010-05-01,registered,Nhà nước Việt Nam,state,,,,,"Xã Đông Xuân, Huyện Đông '
    'Sơn, Tỉnh Thanh Hóa",2010-05-01,unresolved commune',
    "GI,90102,Chè chưa rõ vùng,Chè,2012-05-01,registered,Nhà nước Việt Nam,state,,,,,,,no area yet",
    'COLLECTIVE,4-0099999-000,Gạo Kỳ Sơn,Gạo,2015-01-01,registered,,,,,,,"Huyện Tĩnh Gia, Tỉnh Thanh Hóa",'
    "2015-01-01,no holder yet",
    # refused: unknown kind, impossible date, a number used twice
    'XYZ,90103,Sai loại,Chè,2012-05-01,registered,Nhà nước Việt Nam,state,,,,,"Huyện Đoan Hùng, Tỉnh Phú Thọ",'
    "2025-06-30,bad kind",
    'GI,90104,Sai ngày,Chè,31/31/2012,registered,Nhà nước Việt Nam,state,,,,,"Huyện Đoan Hùng, Tỉnh Phú Thọ",'
    "2025-06-30,bad date",
    'GI,90101,Trùng số,Chè,2012-05-01,registered,Nhà nước Việt Nam,state,,,,,"Huyện Đoan Hùng, Tỉnh Phú Thọ",'
    "2025-06-30,duplicate number",
]) + "\n"


@pytest.fixture(scope="module")
def mixed_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("mixed") / "mixed.csv"
    path.write_text(MIXED, encoding="utf-8")
    return path


def test_strict_refuses_the_incomplete_rows(cli, mixed_csv):
    code, report, _ = cli("records", "import", str(mixed_csv), "--partial", "--strict", "--dry-run", "--json")
    assert code == 0
    assert report["rows"] == {"complete": 3, "incomplete": 0, "refused": 6}
    assert report["incomplete"] == [] and report["dry_run"]


def test_mixed_import_report_and_flags(cli, mixed_csv):
    code, report, _ = cli("records", "import", str(mixed_csv), "--json")  # all-or-nothing: refused rows refuse
    assert code == 2 and not report["imported"]
    assert report["rows"] == {"complete": 3, "incomplete": 3, "refused": 3}

    code, report, _ = cli("records", "import", str(mixed_csv), "--partial", "--json")
    assert code == 0 and report["imported"]
    assert report["rows"] == {"complete": 3, "incomplete": 3, "refused": 3}
    assert report["created"] == 6 and report["rejected_rows"] == [8, 9, 10]
    assert {(p["row"], p["column"]) for p in report["errors"]} == {(8, "kind"), (9, "granted_on"), (10, "reg_no")}
    assert {(p["row"], p["column"]) for p in report["incomplete"]} == {(5, "area_units"), (6, "area_units"),
                                                                       (7, "holder")}
    gone = [w for w in report["warnings"] if w["row"] == 2 and w["column"] == "area_units"]
    assert gone and "ceased on 2020-01-01" in gone[0]["message"] and "07525" in gone[0]["message"]
    unresolved = next(p for p in report["incomplete"] if p["row"] == 5)
    assert "16411" in unresolved["message"]

    code, run, _ = cli("flags", "run", "--json")
    assert code == 0
    code, flags, _ = cli("flags", "list", "--json")
    assert code == 0
    raised = {(f["rule"], f["record"]["reg_no"], f["subject"]): f["severity"] for f in flags}
    assert raised[("AREA_UNRESOLVED", "90101", "area")] == "high"
    assert raised[("DATA_MISSING", "90102", "area")] == "high"
    assert raised[("DATA_MISSING", "4-0099999-000", "holder")] == "high"
    complete = {"00015"} | {f["record"]["reg_no"] for f in flags if f["record"]["kind"] == "GI"
                            and f["record"]["reg_no"].startswith("IPR-")}
    assert not [k for k in raised if k[0] in ("AREA_UNRESOLVED", "DATA_MISSING") and k[1] in complete]


def test_two_ben_tre_gis_are_two_records(happ, cli, mixed_csv):
    from sqlalchemy import select

    from ipreg.extensions import db
    from ipreg.models import Registration

    with happ.app_context():
        rows = db.session.execute(select(Registration.kind, Registration.name, Registration.product)
                                  .where(Registration.name == "Bến Tre")).all()
    if not rows:  # run alone: import the file first
        cli("records", "import", str(mixed_csv), "--partial", "--json")
        with happ.app_context():
            rows = db.session.execute(select(Registration.kind, Registration.name, Registration.product)
                                      .where(Registration.name == "Bến Tre")).all()
    assert sorted(r.product for r in rows) == ["Bưởi da xanh", "Dừa"]
