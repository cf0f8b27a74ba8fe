"""Attacks on the web side: wrong methods, crafted numbers, id guessing across provinces, security refusals.

Every request is built here; each case was a 500 or a leak before (issue 13).
"""
import re

from conftest import csrf_token, login, make_user
from matrix_world import world  # noqa: F401 - a fixture

TWENTY_DIGITS = "9" * 20


def test_a_wrong_method_is_a_405_that_says_what_is_allowed(app):
    client = app.test_client()
    for method, path, allowed in (("GET", "/logout", {"POST"}), ("PUT", "/login", {"GET", "POST"}),
                                  ("DELETE", "/records/", {"GET"}), ("PATCH", "/account/language", {"POST"})):
        response = client.open(path, method=method, query_string={"lang": "en"})
        assert response.status_code == 405, (method, path, response.status_code)
        assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}
        assert "text/html" in response.content_type
        assert "This method is not allowed here." in response.get_data(as_text=True)
    from ipreg.accounts.users import get_user, issue_token
    from ipreg.extensions import db

    make_user(app, "clerk", "ip_officer")
    with app.app_context():
        token = issue_token(db.session, get_user(db.session, "clerk"), "t")
        db.session.commit()
    response = client.delete("/api/v1/records", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert set(response.get_json()) == {"error"}


def test_an_unexpected_failure_is_a_page_and_nothing_is_kept(app):
    """A bug in a view answers 500 through the same path: a page (or JSON under /api/), its transaction rolled back."""
    from ipreg.extensions import db
    from ipreg.models import AuditEntry
    from ipreg.web.security import PUBLIC, requires

    @requires(PUBLIC)
    def broken():
        db.session.add(AuditEntry(at=__import__("datetime").datetime(2025, 7, 1), action="half.written"))
        db.session.flush()
        raise RuntimeError("a bug")

    app.add_url_rule("/broken", "broken", broken)
    app.add_url_rule("/api/v1/broken", "api_broken", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production, not as in tests
    client = app.test_client()
    page = client.get("/broken?lang=en")
    assert page.status_code == 500 and "nothing was saved" in page.get_data(as_text=True)
    assert "RuntimeError" not in page.get_data(as_text=True)
    api = client.get("/api/v1/broken")
    assert api.status_code == 500 and set(api.get_json()) == {"error"}
    with app.app_context():
        assert db.session.query(AuditEntry).filter_by(action="half.written").count() == 0


def test_crafted_page_numbers_and_ids_are_not_a_500(world):
    app, values, _ = world
    admin = app.test_client()
    login(admin, "admin1")
    for page in (TWENTY_DIGITS, "-" + TWENTY_DIGITS, "²", "1e9", "9" * 5000, "0x10", ""):
        response = admin.get("/admin/audit", query_string={"page": page})
        assert response.status_code == 200, (page, response.status_code)
    staff = app.test_client()
    login(staff, "staff.qn")
    for flag in ("²", "١", TWENTY_DIGITS, "-1", "1.0"):  # not ids: "Select at least one flag"
        assert staff.get("/review/drafts.docx", query_string={"flag": flag}).status_code == 400, flag
    token = csrf_token(admin, "/account/tokens")
    assert admin.post("/account/tokens", data={"csrf_token": token, "revoke": "²"}).status_code == 404


def _same(text: str, *words: str) -> str:
    """A response body without what differs between two requests by design: the CSP nonce, the CSRF token (signed
    with the time) and the id asked for, replaced where it stands alone (a small id such as a fixture's flag 2 also
    occurs inside the random token and other numbers)."""
    text = re.sub(r'nonce="[^"]+"', 'nonce=""', text)
    text = re.sub(r"nonce-[A-Za-z0-9_-]+", "nonce-", text)
    text = re.sub(r'(name="csrf_token" value=)"[^"]*"', r'\1""', text)
    for word in words:
        text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])", "ID", text)
    return text


def test_another_provinces_record_is_answered_exactly_as_a_missing_one(world):
    """Id guessing tells nothing: a record (or flag) of another province is a 404 with the missing id's body."""
    from sqlalchemy import select

    from ipreg.extensions import db
    from ipreg.models import AuditEntry, Flag

    app, values, _ = world
    with app.app_context():
        missing_flag = str(db.session.scalar(select(Flag.id).order_by(Flag.id.desc())) + 1000)
    staff = app.test_client()
    login(staff, "staff.hy")  # Hưng Yên; 00041 is Quảng Ninh's
    foreign, missing = values["internal_id"], "ZZ-NOT-THERE"
    flag = str(values["flag_id"])
    pairs = [(f"/records/{foreign}", f"/records/{missing}", foreign, missing),
             (f"/maps/records/{foreign}", f"/maps/records/{missing}", foreign, missing),
             (f"/review/records/{foreign}/draft.docx", f"/review/records/{missing}/draft.docx", foreign, missing),
             ("/api/v1/records/GI/00041", "/api/v1/records/GI/99999", "00041", "99999"),
             (f"/review/flags/{flag}", f"/review/flags/{missing_flag}", flag, missing_flag),
             (f"/api/v1/flags/{flag}", f"/api/v1/flags/{missing_flag}", flag, missing_flag),
             (f"/review/drafts.docx?flag={flag}", f"/review/drafts.docx?flag={missing_flag}", flag, missing_flag)]
    for lang in ("vi", "en"):
        for there, absent, id_there, id_absent in pairs:
            sep = "&" if "?" in there else "?"
            one, other = staff.get(f"{there}{sep}lang={lang}"), staff.get(f"{absent}{sep}lang={lang}")
            assert one.status_code == other.status_code == 404, (there, one.status_code, other.status_code)
            body = one.get_data(as_text=True)
            assert _same(body, id_there) == _same(other.get_data(as_text=True), id_absent), there
            assert "thuộc" not in body and "belongs to" not in body
            assert one.headers.get("Content-Type") == other.headers.get("Content-Type")
    with app.app_context():  # still written to the audit log for the administrators
        denied = db.session.scalars(select(AuditEntry).where(AuditEntry.actor == "staff.hy",
                                                             AuditEntry.outcome == "denied")).all()
    assert any(e.object_id == f"/records/{foreign}" for e in denied)


def test_security_refusals_say_what_to_do(world):
    app, values, tokens = world
    anonymous = app.test_client()
    bad = anonymous.get("/api/v1/records?lang=en", headers={"Authorization": "Bearer ipr_guessed"})
    assert bad.status_code == 401 and "API token is unknown, expired or revoked" in bad.get_json()["error"]
    nobody = anonymous.get("/api/v1/records?lang=en")
    assert nobody.status_code == 401 and "Authorization: Bearer" in nobody.get_json()["error"]
    officer = app.test_client()
    login(officer, "officer1")
    officer.get("/records/?lang=en")
    cookie_write = officer.post(f"/api/v1/flags/{values['flag_id']}/comments", json={"body": "x"})
    assert cookie_write.status_code == 401 and "need an API token" in cookie_write.get_json()["error"]
    forged = officer.post(f"/review/flags/{values['flag_id']}/comment", data={"body": "x", "csrf_token": "forged"})
    assert forged.status_code == 400 and "Reload the page and try again" in forged.get_data(as_text=True)
