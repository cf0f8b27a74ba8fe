import unicodedata

import pytest

from ipreg.core.text import canonical_tones, fold, nfc, slug


@pytest.mark.parametrize("raw, folded", [
    ("Xã Khâu Tinh", "xa khau tinh"),
    ("Đắk Lắk", "dak lak"),
    ("Quí Sơn", "quy son"),
    ("Phường 01", "phuong 1"),
    ("  Thị   trấn  Chũ ", "thi tran chu"),
])
def test_fold(raw, folded):
    assert fold(raw) == folded


def test_fold_treats_both_tone_placements_and_nfd_alike():
    assert fold("Hoà Bình") == fold("Hòa Bình") == fold(unicodedata.normalize("NFD", "Hòa Bình"))
    assert fold("Thuỷ Nguyên") == fold("Thủy Nguyên")
    assert fold("Quý") == fold("Quí")


def test_slug_ignores_spaces_and_apostrophes():
    assert slug("Cư M'gar") == slug("Cu Mgar") == "cumgar"


def test_canonical_tones_moves_marks_only_in_open_syllables():
    assert canonical_tones("Hoà Bình") == "Hòa Bình"
    assert canonical_tones("Thuỷ") == "Thủy"
    assert canonical_tones("Hoàng Hoá") == "Hoàng Hóa"  # 'Hoàng' has a final consonant: unchanged
    assert canonical_tones("Quý") == "Quý"  # 'qu' is a consonant


def test_nfc_normalises_decomposed_input():
    assert nfc(unicodedata.normalize("NFD", "Huế")) == "Huế"
    assert nfc(None) == ""
