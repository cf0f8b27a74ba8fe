"""Interface language: the Vietnamese catalogue is complete and compiled; Vietnamese by default, English on request.

Maintenance (after changing any string): see babel.cfg and the README —
``pybabel extract -F babel.cfg -k _l -k N_ -o messages.pot . && pybabel update -i messages.pot -d ipreg/translations
&& pybabel compile -d ipreg/translations``.
"""
from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from conftest import client_as, csrf_token

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "ipreg" / "translations" / "vi" / "LC_MESSAGES"
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None, "N_": None}
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdirfxXeEgGc%]")


def source_messages() -> dict:
    """Every msgid in the sources (Python and templates, as babel.cfg says) → where it occurs."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        msgid = message if isinstance(message, str) else tuple(message[:2])
        if msgid in ("", ("", "")):
            continue
        found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


def read_catalogue():
    with open(CATALOGUE / "messages.po", "rb") as po:
        return read_po(po)


def placeholders(text: str) -> list[str]:
    return sorted(p for p in PLACEHOLDER.findall(text) if p != "%%")


def test_babel_cfg_finds_python_and_template_strings():
    found = source_messages()
    where = {loc.split(":")[0] for locs in found.values() for loc in locs}
    assert any(w.startswith("templates/") for w in where) and any(w.startswith("ipreg/registry/") for w in where)
    assert "Registry" in found  # lazy_gettext in ipreg/web
    assert "No unit of vintage %(vintage)s has code %(code)s" in found  # N_ in the domain
    assert ("%(num)d record", "%(num)d records") in found  # ngettext in a template


def test_every_source_string_is_translated():
    catalogue = read_catalogue()
    assert catalogue.plural_forms == "nplurals=1; plural=0;"
    problems = []
    for msgid, where in sorted(source_messages().items(), key=lambda item: str(item[0])):
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        message = catalogue.get(key)
        if message is None:
            problems.append(f"missing: {msgid!r} ({where[0]})")
            continue
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        if not all(s.strip() for s in strings):
            problems.append(f"untranslated: {msgid!r} ({where[0]})")
        elif message.fuzzy:
            problems.append(f"fuzzy: {msgid!r} ({where[0]})")
        elif isinstance(msgid, tuple) and not isinstance(message.id, (tuple, list)):
            problems.append(f"plural form missing: {msgid!r} ({where[0]})")
        else:
            wanted = placeholders(msgid[0] if isinstance(msgid, tuple) else msgid)
            if isinstance(msgid, tuple):  # "%(num)d" may be left out of a singular; one Vietnamese form covers both
                wanted = sorted(set(wanted) | set(placeholders(msgid[1])))
            for text in strings:
                if placeholders(text) != wanted:
                    problems.append(f"placeholders differ: {msgid!r} → {text!r}")
    assert not problems, ("Update the catalogue (see the README: pybabel extract/update/compile):\n"
                          + "\n".join(problems))


def _translations(catalogue) -> dict:
    """msgid → msgstr, plural forms as tuples: what gettext serves, whatever Babel version wrote the file."""
    as_key = lambda value: tuple(value) if isinstance(value, (list, tuple)) else value  # noqa: E731
    return {as_key(m.id): as_key(m.string) for m in catalogue if m.id and not m.fuzzy}


def test_committed_mo_is_the_compiled_po():
    committed = read_mo(io.BytesIO((CATALOGUE / "messages.mo").read_bytes()))
    assert _translations(committed) == _translations(read_catalogue()), \
        "messages.mo is stale: run pybabel compile -d ipreg/translations"


# --- the pages -------------------------------------------------------------------------------------------

def nav(page: str) -> str:
    return re.search(r'<nav aria-label="[^"]*">(.*?)</nav>', page, re.S).group(1)


def a_record(app):
    from sqlalchemy import select

    from ipreg.extensions import db
    from ipreg.models import Registration

    with app.app_context():
        reg = db.session.scalars(select(Registration).where(Registration.granted_on.is_not(None))
                                 .order_by(Registration.id)).first()
        return reg.internal_id, reg.granted_on


def test_vietnamese_is_the_default_and_english_sticks_for_the_session(loaded, officer):
    page = officer.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in page
    menu = nav(page)
    assert "Sổ đăng ký" in menu and "Rà soát" in menu and "Registry" not in menu
    assert "Đăng xuất" in page and "Tra cứu đơn vị hành chính" in page

    page = officer.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Registry" in nav(page) and "Sổ đăng ký" not in nav(page) and "Log out" in page

    page = officer.get("/records/").get_data(as_text=True)  # no ?lang: the session remembers English
    assert '<html lang="en">' in page and "<h1>Registry</h1>" in page and "Open flags" in page

    page = officer.get("/records/?lang=vi").get_data(as_text=True)
    assert '<html lang="vi">' in page and "<h1>Sổ đăng ký</h1>" in page and "Cảnh báo đang mở" in page
    assert '<html lang="vi">' in officer.get("/units/").get_data(as_text=True)


def test_dates_are_day_month_year_in_both_languages(loaded, officer):
    internal_id, granted = a_record(loaded)
    assert isinstance(granted, date)
    for lang in ("vi", "en"):
        page = officer.get(f"/records/{internal_id}?lang={lang}").get_data(as_text=True)
        assert granted.strftime("%d/%m/%Y") in page, lang
        assert f"<dd>{granted.isoformat()}" not in page, lang
    vi = officer.get(f"/records/{internal_id}?lang=vi").get_data(as_text=True)
    assert "Ngày cấp" in vi and "Lịch sử" in vi


def test_domain_error_is_translated_in_json_and_pages(loaded, officer):
    response = officer.get("/api/v1/units/99999?vintage=old")
    assert response.status_code == 404 and response.is_json
    assert response.get_json()["error"] == "Không có đơn vị hành chính cũ nào mang mã 99999"
    response = officer.get("/api/v1/units/99999?vintage=old&lang=en")
    assert response.status_code == 404
    assert response.get_json()["error"] == "No unit of vintage old has code 99999"

    page = officer.get("/records/NO-SUCH-ID?lang=vi")
    assert page.status_code == 404 and "Không có hồ sơ NO-SUCH-ID" in page.get_data(as_text=True)
    page = officer.get("/records/NO-SUCH-ID?lang=en")
    assert page.status_code == 404 and "No record NO-SUCH-ID" in page.get_data(as_text=True)


def test_http_errors_and_unit_search_messages_are_translated(loaded, officer):
    assert "Không tìm thấy." in officer.get("/no-such-page?lang=vi").get_data(as_text=True)
    assert "Not found." in officer.get("/no-such-page?lang=en").get_data(as_text=True)
    page = officer.get("/units/?q=TT+Ch%C5%A9&vintage=old&lang=vi").get_data(as_text=True)
    assert "Không có đơn vị khớp đúng với" in page and "No exact match" not in page
    assert "loại là Phường, không phải Thị trấn" in page
    page = officer.get("/units/?q=TT+Ch%C5%A9&vintage=old&lang=en").get_data(as_text=True)
    assert "No exact match for" in page and "type is Phường, not Thị trấn" in page


REASSIGN_HEADER = ("kind,reg_no,role,new_party,new_party_kind,new_party_unit,decision_no,decision_date,"
                   "effective_date,note\n")


@pytest.mark.parametrize("lang, message, suggestion", [
    ("vi", "Không rõ loại XYZ: dùng GI, COLLECTIVE hoặc CERTIFICATION", "Dùng GI, COLLECTIVE hoặc CERTIFICATION."),
    ("en", "Unknown kind XYZ: use GI, COLLECTIVE or CERTIFICATION", "Use GI, COLLECTIVE or CERTIFICATION."),
])
def test_reassignment_problems_are_shown_in_the_interface_language(loaded, lang, message, suggestion):
    client = client_as(loaded, "boss", "admin")
    token = csrf_token(client, f"/admin/batches?lang={lang}")
    body = REASSIGN_HEADER + "XYZ,00005,manager,Sở Khoa học và Công nghệ,dost,25,12/QĐ-UBND,2025-07-20,2025-07-20,\n"
    response = client.post("/admin/batches", data={"csrf_token": token,
                                                   "file": (io.BytesIO(body.encode()), "r.csv", "text/csv")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page and suggestion in page


def test_cli_and_json_reports_stay_english(loaded):
    """The CLI and the JSON reports keep the English messages and their keys."""
    from ipreg.batches import service as batches
    from ipreg.extensions import db

    with loaded.test_request_context("/?lang=vi"):
        body = REASSIGN_HEADER + "XYZ,00005,manager,A,dost,25,1,2025-07-20,2025-07-20,\n"
        report = batches.preview(db.session, body.encode(), "r.csv", actor="test", max_rows=100,
                                 max_cell_chars=1000, max_bytes=None, store=False)
        problem = report["errors"][0]
        assert set(problem) == {"row", "column", "value", "message", "candidates", "suggestion"}
        assert problem["message"] == "Unknown kind XYZ: use GI, COLLECTIVE or CERTIFICATION"
