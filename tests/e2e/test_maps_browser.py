"""The maps as a person uses them: Debian's Chromium driven by Playwright against a live server.

Checks that layers are drawn, a tooltip shows, the console stays clean and no request leaves the app;
screenshots go to test-artifacts/.
"""
import re

import pytest
from browser_support import MARKS, launch, live_server, log_in, sync_api
from conftest import ARTIFACTS, make_user
from webgeo_cache import shared_cache_dir

pytestmark = MARKS


@pytest.fixture
def server(loaded, tmp_path_factory):
    """The sample app, with flags run, served on a free local port."""
    from ipreg.extensions import db
    from ipreg.maps.webgeo import get_webgeo
    from ipreg.reform.engine import run_registry

    loaded.config["IPREG_CACHE_DIR"] = str(shared_cache_dir(tmp_path_factory))
    with loaded.app_context():
        run_registry(db.session)
        db.session.commit()
        get_webgeo(db.session, loaded.config["IPREG_CACHE_DIR"]).prepare()  # as `ipreg maps prepare` does
    make_user(loaded, "officer", "ip_officer")
    with live_server(loaded) as base:
        yield base, loaded


def record_id(app, reg_no: str) -> str:
    from ipreg.extensions import db
    from ipreg.models import Registration

    with app.app_context():
        return db.session.query(Registration).filter_by(reg_no=reg_no).one().internal_id


def hover(path, event: str) -> None:
    """Send ``event`` to a drawn shape at the middle of its box (the shape's own point may be hidden)."""
    box = path.bounding_box()
    path.dispatch_event(event, {"clientX": box["x"] + box["width"] / 2, "clientY": box["y"] + box["height"] / 2,
                                "bubbles": True})


def check_page(page, name: str, width: int) -> None:
    """A map drawn, filling the window below the page's head, with a tooltip naming a unit and its counts."""
    page.wait_for_selector("html[data-map-ready]", timeout=30_000)
    drawn = page.locator("path.leaflet-interactive")
    assert drawn.count() > 10, name
    assert page.locator(".leaflet-control-layers").count() == 1 and page.locator(".map-legend").is_visible()
    fit = page.evaluate("""() => { const r = document.querySelector('.map-box').getBoundingClientRect();
        return {top: r.top, bottom: r.bottom, height: r.height, window: innerHeight,
                scroll: document.documentElement.scrollWidth, width: innerWidth}; }""")
    assert fit["scroll"] <= fit["width"], (name, width, fit)  # no sideways scrolling of the page
    assert fit["height"] >= 360, (name, width, fit)
    if name != "record":  # a record's name may take lines on a phone; the national and province maps fit whole
        assert fit["bottom"] <= fit["window"] + 1, (name, width, fit)
    hover(drawn.nth(drawn.count() // 2), "mouseover")
    tip = page.wait_for_selector(".leaflet-tooltip.map-tip", timeout=5_000).inner_html()
    assert "<strong>" in tip and re.search(r"(Records|Hồ sơ): \d+", tip), (name, tip)
    if name != "record":
        assert re.search(r"(Open flags|Cảnh báo đang mở): \d+", tip), (name, tip)
    page.screenshot(path=str(ARTIFACTS / f"map-{name}-{width}.png"))


def test_maps_draw_offline_without_errors(server):
    base, app = server
    ARTIFACTS.mkdir(exist_ok=True)
    pages = [("record", f"/maps/records/{record_id(app, '00055')}"), ("province", "/maps/provinces/new/33"),
             ("national-new", "/maps/"), ("national-old", "/maps/?vintage=old")]
    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        errors, requests = [], []
        for width, height in ((1366, 800), (390, 844)):
            page = browser.new_page(viewport={"width": width, "height": height})
            log_in(page, base, "officer")
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("request", lambda request: requests.append(request.url))
            for name, url in pages:
                page.goto(base + url)
                check_page(page, name, width)
            page.close()
        page = browser.new_page(viewport={"width": 1366, "height": 800})
        log_in(page, base, "officer")
        assert page.goto(base + "/maps/provinces/new/22").ok
        page.wait_for_selector("html[data-map-ready]", timeout=30_000)
        hover(page.locator("path.leaflet-interactive").first, "click")  # a commune: its popup
        page.wait_for_selector(".leaflet-popup-content .map-popup", timeout=10_000)
        page.screenshot(path=str(ARTIFACTS / "map-province-popup.png"))
        browser.close()
    assert errors == []
    outside = [u for u in requests if not u.startswith(base + "/") and not u.startswith("data:")]
    assert outside == []
    assert any("/maps/layers.geojson" in u for u in requests) and any("/static/vendor/leaflet/" in u for u in requests)


def test_commune_names_show_when_zoomed_in(server):
    """A province's communes are named once they are large enough on screen; zoomed out, few or none."""
    base, _ = server
    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1366, "height": 800})
        log_in(page, base, "officer")
        page.goto(base + "/maps/provinces/new/33")
        page.wait_for_selector("html[data-map-ready]", timeout=30_000)
        communes = page.locator(".leaflet-pane path.leaflet-interactive").count()
        before = page.locator(".map-label").count()
        for _ in range(2):
            page.click(".leaflet-control-zoom-in")
            page.wait_for_timeout(500)
        after = page.locator(".map-label").count()
        assert before < communes / 2 and after > max(before, 20), (before, after, communes)
        names = page.locator(".map-label").all_inner_texts()
        assert all(n.startswith(("Xã ", "Phường ", "Đặc khu ")) for n in names), names[:5]
        page.screenshot(path=str(ARTIFACTS / "map-province-zoomed.png"))
        browser.close()
