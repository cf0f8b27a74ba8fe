"""Vietnamese order: a < ă < â, d < đ, whole words before tone marks; the same in Python, SQLite and PostgreSQL."""
import pytest
from sqlalchemy import literal_column, select, union_all

from ipreg.core.text import vi_sort_key, vi_sort_string

# As a Vietnamese dictionary orders them (Từ điển tiếng Việt, Hoàng Phê): letters first, tone marks after.
ORDERED = ["An", "Ăn", "Ân", "Ba", "Bà", "Bả", "Bá", "Bà Đen", "Bún", "Buôn Ma Thuột", "Bưởi Phúc Trạch",
           "Dương Kinh", "Đan Phượng", "Đoan Hùng", "Êm", "Gò Công", "Mường Khương - Bát Xát", "Mường Khương 2",
           "Mường Khương Xã", "Ô Môn", "Ơn", "Ủy ban", "Ưng", "Yên Bái"]


def test_python_order_is_the_dictionarys():
    shuffled = sorted(ORDERED, key=lambda s: s[::-1])
    assert sorted(shuffled, key=vi_sort_key) == ORDERED


@pytest.mark.parametrize("a,b", [("Hoà Bình", "Hòa Bình"), ("Thuỷ", "Thủy"), ("HÀ NỘI", "hà nội")])
def test_tone_placement_and_case_do_not_change_the_order(a, b):
    assert vi_sort_key(a) == vi_sort_key(b)


def test_the_stored_key_sorts_as_python_does_in_the_database(session):
    """The digits of ``vi_sort_string`` sort alike in every collation (SQLite's binary, PostgreSQL's locale)."""
    rows = union_all(*(select(literal_column(f"'{name}'").label("name"),
                              literal_column(f"'{vi_sort_string(name)}'").label("name_key"))
                       for name in reversed(ORDERED))).subquery()
    found = session.scalars(select(rows.c.name).order_by(rows.c.name_key)).all()
    assert found == ORDERED


def test_the_registry_lists_records_in_vietnamese_order(loaded):
    from ipreg.extensions import db
    from ipreg.registry.search import RecordQuery, search_records

    with loaded.app_context():
        records, total = search_records(db.session, RecordQuery(sort="name", per_page=200))
        names = [r.name for r in records]
    assert total == len(names) >= 5
    assert names == sorted(names, key=vi_sort_key)
    if "Bà Đen" in names and "Buôn Ma Thuột" in names:  # the sample registry (real records)
        assert names.index("Bà Đen") < names.index("Buôn Ma Thuột")
