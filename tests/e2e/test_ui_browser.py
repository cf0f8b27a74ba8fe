"""The interface as a provincial user and an officer use it: Chromium driven by Playwright, live server.

A provincial user sees only their province and switches the language; an officer moves through the review
queue with the keyboard; pages fit a 1366×768 commune-office screen. Screenshots go to test-artifacts/.
"""
import pytest
from browser_support import MARKS, launch, live_server, log_in, sync_api
from conftest import ARTIFACTS, make_user

pytestmark = MARKS


@pytest.fixture
def server(loaded):
    from ipreg.extensions import db
    from ipreg.reform.engine import run_registry

    with loaded.app_context():
        run_registry(db.session)
    make_user(loaded, "staff.qn", "provincial_staff", ["22"])
    make_user(loaded, "officer", "ip_officer")
    with live_server(loaded) as base:
        yield base, loaded


def test_provincial_user_sees_only_their_province_and_switches_language(server):
    base, app = server
    from ipreg.extensions import db
    from ipreg.models import Registration

    with app.app_context():
        other = db.session.query(Registration).filter_by(reg_no="00055").one().internal_id
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        log_in(page, base, "staff.qn")
        page.goto(base + "/records/")
        rows = page.locator("table tbody tr")
        assert rows.count() >= 1
        provinces = page.locator("table tbody tr td:nth-child(10)").all_inner_texts()
        assert provinces and all("Quảng Ninh (22" in p for p in provinces)  # by name, the code beside
        assert "Sổ đăng ký" in page.locator("header nav").inner_text()  # Vietnamese first
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366  # fits the screen
        page.screenshot(path=str(ARTIFACTS / "ui-provincial-registry-vi.png"), full_page=True)
        response = page.goto(f"{base}/records/{other}")
        assert response.status == 404  # another province's record answers as a missing one
        page.goto(base + "/records/")
        page.click("form.lang button[value=en]")
        page.wait_for_load_state()
        assert "Registry" in page.locator("header nav").inner_text()
        page.goto(base + "/review/")
        assert "Review queue" in page.locator("h1").inner_text()  # the choice sticks
        page.screenshot(path=str(ARTIFACTS / "ui-provincial-review-en.png"), full_page=True)
        browser.close()
    assert errors == []
    from ipreg.models import User

    with app.app_context():
        assert db.session.query(User).filter_by(username="staff.qn").one().lang == "en"  # kept as a preference


def test_review_queue_works_from_the_keyboard(server):
    base, _app = server
    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        log_in(page, base, "officer")
        page.goto(base + "/review/?lang=en")
        page.keyboard.press("j")
        assert page.evaluate("document.activeElement.matches('#queue tbody tr')")
        page.keyboard.press("j")
        page.keyboard.press("x")
        second = page.locator("#queue tbody tr[data-href]").nth(1)
        assert second.locator("input.record-select").is_checked()  # x selects the record's flags
        assert all(box.is_checked() for box in second.locator("input[name=flag]").all())
        page.keyboard.press("k")
        page.keyboard.press("Enter")
        page.wait_for_url("**/review/flags/**")
        assert page.locator("h1").count() == 1
        page.screenshot(path=str(ARTIFACTS / "ui-flag-page.png"), full_page=True)
        browser.close()
