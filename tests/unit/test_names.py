"""Name resolution as officers write names."""
import pytest


@pytest.mark.parametrize("text, code", [
    ("Xã Khâu Tinh, Huyện Na Hang, Tỉnh Tuyên Quang", "02263"),
    ("xa khau tinh, na hang, tuyen quang", "02263"),
    ("Xã Sinh Long, Huyện Na Hang, Tỉnh Tuyên Quang", "02227"),
    ("xa sinh long, na hang, tuyen quang", "02227"),
    ("TP Buôn Ma Thuột", "643"),
    ("TP. Buôn Ma Thuột, Đắk Lắk", "643"),
    ("Tỉnh Hoà Bình", "17"),
    ("Tinh Hoa Binh", "17"),
    ("Huyện Cư M'gar, Tỉnh Đắk Lắk", "648"),
    ("Xã Quí Sơn, Thị xã Chũ", "07576"),
    ("66", "66"),
])
def test_resolves_old_units(gaz, text, code):
    result = gaz.names.resolve(text, "old")
    assert result.match is not None, result.message
    assert result.match.code == code


def test_resolves_new_units(gaz):
    assert gaz.names.resolve("Đặc khu Phú Quốc, An Giang", "new").match.code == "31078"
    assert gaz.names.resolve("Xã Lục Ngạn", "new").match.code == "07582"


def test_tt_chu_is_not_guessed_but_offered(gaz):
    result = gaz.names.resolve("TT Chũ", "old")
    assert result.match is None
    assert result.candidates[0].unit.code == "07525"  # Phường Chũ, Thị xã Chũ (a town until 2025)
    assert "Phường" in " ".join(result.candidates[0].why)


def test_ambiguous_names_give_candidates(gaz):
    result = gaz.names.resolve("Tuyên Quang", "old")
    assert result.match is None
    assert {c.unit.code for c in result.candidates} == {"08", "070"}
    assert "Ambiguous" in result.message


def test_unknown_names_give_scored_candidates(gaz):
    result = gaz.names.resolve("Xã Nghĩa Hồ, Huyện Lục Ngạn, Tỉnh Bắc Giang", "old")
    assert result.match is None
    assert result.candidates and all(0 < c.score < 1 for c in result.candidates)
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)


def test_wrong_ancestor_is_not_a_match(gaz):
    result = gaz.names.resolve("Xã Khâu Tinh, Huyện Lục Ngạn", "old")
    assert result.match is None
    assert result.candidates[0].unit.code == "02263"
