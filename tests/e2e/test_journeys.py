"""Each role's journey through its pages in Chromium, at 1366 px (an office screen) and 390 px (a phone).

Issue 15 asks that every page read well for the three kinds of users: for each page of a journey a screenshot
goes to test-artifacts/<role>-<page>-<width>.png; at 390 px nothing scrolls sideways (a wide table scrolls
inside its own box or becomes cards); axe-core — vendored under vendor/ from the npm registry and injected from
that file, never from a CDN — finds no serious or critical violation; the page links a favicon; exactly one menu
entry is marked current, and it alone is bold. Every problem of every page of a journey is gathered into one
failure, so one run says all that is wrong (and test-artifacts/journey-<role>-<width>.json keeps it).

One browser for the module and one logged-in context per role keep the file fast.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from browser_support import MARKS, launch, live_server, log_in, sync_api
from conftest import ARTIFACTS, cloned_app, make_user
from webgeo_cache import shared_cache_dir

pytestmark = MARKS

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WIDTHS = (1366, 390)
PROVINCE = "15"  # Lào Cai from 2025-07-01 (with Yên Bái): records and open flags in the sample and the fallback
USERS = {"officer": ("ip_officer", []), "staff": ("provincial_staff", [PROVINCE]), "admin": ("admin", [])}
# A small re-assignment file, as an admin fills in the template (the columns of tests/test_reassign.py).
REASSIGN = ("kind,reg_no,role,new_party,new_party_kind,new_party_unit,decision_no,decision_date,effective_date,note\n"
            "GI,00101,manager,Sở Khoa học và Công nghệ tỉnh Lào Cai,dost,15,12/QĐ-UBND,2025-07-20,2025-07-20,\n")
MAP_PAGES = ("map-national", "map-province")
STATUS = {"not-found": 404}  # the error page is a page of the journey too; others answer below 400


@dataclass
class World:
    """The live app with the sample imported and flags run, and what the journeys open."""
    base: str
    record: str  # internal id of a record in PROVINCE with open flags
    flag: int  # an open flag of that record
    batch: dict = field(default_factory=dict)  # the admin's previewed batch: {"path": ...}


@pytest.fixture(scope="module")
def world(db_template, tmp_path_factory, geodata_dir, sample_csv):
    from sqlalchemy import select

    from ipreg.extensions import db
    from ipreg.maps.webgeo import get_webgeo
    from ipreg.models import Flag, Registration
    from ipreg.reform.engine import run_registry
    from ipreg.registry.record_import import import_records

    apps = cloned_app(db_template, tmp_path_factory.mktemp("journeys"), geodata_dir)
    app = next(apps)
    app.config["IPREG_CACHE_DIR"] = str(shared_cache_dir(tmp_path_factory))
    with app.app_context():
        report = import_records(db.session, sample_csv.read_bytes(), sample_csv.name, partial=True, actor="test")
        assert report.imported, report.as_dict()
        run_registry(db.session)
        db.session.commit()
        get_webgeo(db.session, app.config["IPREG_CACHE_DIR"]).prepare()  # as `ipreg maps prepare` does
        reg = db.session.scalars(select(Registration).filter_by(reg_no="00100")).one()
        flag = db.session.scalars(select(Flag).filter_by(registration_id=reg.id, status="open")
                                  .order_by(Flag.id)).first()
        record, flag_id = reg.internal_id, flag.id
    for username, (role, provinces) in USERS.items():
        make_user(app, username, role, provinces)
    with live_server(app) as base:
        yield World(base, record, flag_id)
    next(apps, None)  # the clone's clean-up


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def pages(browser, world):
    """One logged-in page per role, made on first use, in a Vietnamese office's browser (dates as dd/mm/yyyy);
    CSP is bypassed only so that axe can be injected."""
    made = {}

    def page_of(role: str):
        if role not in made:
            context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}, bypass_csp=True,
                                          locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
            page = context.new_page()
            page.set_default_timeout(20_000)
            log_in(page, world.base, role)
            made[role] = page
        return made[role]

    yield page_of
    for page in made.values():
        page.context.close()


def upload_batch(page, world: World) -> str:
    """The admin's batch preview, made once through the upload form; its path."""
    if "path" not in world.batch:
        page.goto(world.base + "/admin/batches")
        page.set_input_files("input[type=file][name=file]", files=[
            {"name": "reassign.csv", "mimeType": "text/csv", "buffer": REASSIGN.encode()}])
        page.locator("form:has(input[name=file]) button[type=submit]").first.click()
        page.wait_for_load_state()
        world.batch["path"] = page.url.removeprefix(world.base)
        assert "/admin/batches/" in world.batch["path"], page.locator("main").inner_text()[:500]
    return world.batch["path"]


def journey(role: str, world: World, page) -> list[tuple[str, str]]:
    """The pages a person of ``role`` goes through, in order: (name, path)."""
    review = [("queue", "/review/"), ("flag", f"/review/flags/{world.flag}"), ("stats", "/review/stats")]
    maps = [("map-national", "/maps/"), ("map-province", f"/maps/provinces/new/{PROVINCE}")]
    record = ("record", f"/records/{world.record}")
    if role == "officer":
        return [("home", "/"), *review, ("registry", "/records/"), record, *maps, ("units", "/units/?q=Tú Lệ")]
    if role == "staff":
        return [("home", "/"), ("registry", "/records/"), record, *review[:2], maps[1],
                ("unit", f"/units/new/{PROVINCE}"), ("tokens", "/account/tokens"), ("not-found", "/records/IPR-999999")]
    return [("home", "/"), ("batches", "/admin/batches"), ("batch-preview", upload_batch(page, world)),
            ("users", "/admin/users"), ("audit", "/admin/audit"), ("jobs", "/jobs/")]


# The menu and the account's own pages beside it (API tokens, password): one of them is the page shown.
MENU = """() => [...document.querySelectorAll('header nav a, header .session a')].map(a => ({
    text: a.textContent.trim(), current: a.getAttribute('aria-current'),
    weight: parseInt(getComputedStyle(a).fontWeight, 10)}))"""
# Elements that stick out of the viewport while their parent does not, outside any box that scrolls or clips:
# the ones that make the page scroll sideways.
OVERFLOW = """() => {
  const w = window.innerWidth, found = [];
  const clipped = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true; } return false; };
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect(), parent = el.parentElement.getBoundingClientRect();
    if (r.width > 0 && r.right > w + 1 && parent.right <= w + 1 && !clipped(el)) {
      found.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.classList.length ? '.' + [...el.classList].join('.') : '') + ' right=' + Math.round(r.right));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: w, culprits: found.slice(0, 6)};
}"""
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')), count: v.nodes.length}));
}"""


def menu_problems(menu: list[dict]) -> list[str]:
    """Nothing when exactly one entry is current and it alone is bold; else the entries that are either."""
    current = [m for m in menu if m["current"] == "page"]
    bold = [m for m in menu if m["weight"] >= 600]
    if len(current) == 1 and bold == current:
        return []
    return [f"{m['text']} (current={m['current']}, weight={m['weight']})" for m in menu
            if m["current"] or m["weight"] >= 600] or ["no current entry"]


def check_page(page, width: int) -> dict:
    """What the page now shown has: a favicon link; and what is wrong with it: the menu, the overflow at a
    phone's width, axe's serious and critical violations."""
    found = {"favicon": page.locator("link[rel~=icon]").count() >= 1, "menu": menu_problems(page.evaluate(MENU))}
    overflow = page.evaluate(OVERFLOW)
    found["overflow"] = overflow if width < 600 and overflow["scrollWidth"] > overflow["innerWidth"] else None
    page.add_script_tag(path=str(AXE))
    found["axe"] = page.evaluate(AXE_RUN)
    return found


def problems_of(name: str, status: int, found: dict) -> list[str]:
    expected = STATUS.get(name)
    lines = [] if (status == expected if expected else status < 400) else [f"{name}: HTTP {status}"]
    if not found["favicon"]:
        lines.append(f"{name}: no <link rel=icon>")
    if found["menu"]:
        lines.append(f"{name}: not exactly one current, bold menu entry: {found['menu']}")
    if found["overflow"]:
        o = found["overflow"]
        lines.append(f"{name}: scrolls sideways, {o['scrollWidth']} px > {o['innerWidth']} px: {o['culprits']}")
    lines += [f"{name}: axe {v['impact']} {v['id']} ({v['help']}) ×{v['count']} at {v['targets']}"
              for v in found["axe"]]
    return lines


def visit(page, world: World, name: str, path: str, role: str, width: int) -> tuple[list[str], dict]:
    response = page.goto(world.base + path)
    lines = []
    if name in MAP_PAGES:
        try:
            page.wait_for_selector("html[data-map-ready]", timeout=30_000, state="attached")
        except sync_api.TimeoutError:
            lines.append(f"{name}: the map did not report ready within 30 s")
    page.screenshot(path=str(ARTIFACTS / f"{role}-{name}-{width}.png"), full_page=True)
    found = check_page(page, width)
    return lines + problems_of(name, response.status if response else 0, found), found


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", list(USERS))
def test_journey(pages, world, role, width):
    page = pages(role)
    errors = []

    def on_error(error):
        errors.append(str(error))

    page.on("pageerror", on_error)
    page.set_viewport_size({"width": width, "height": 900 if width > 600 else 844})
    problems, report = [], {}
    for name, path in journey(role, world, page):
        lines, report[name] = visit(page, world, name, path, role, width)
        problems += lines
    page.remove_listener("pageerror", on_error)
    (ARTIFACTS / f"journey-{role}-{width}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1),
                                                           encoding="utf-8")
    problems += [f"script error: {e}" for e in errors]
    assert not problems, f"{role} at {width} px:\n" + "\n".join(problems)


def test_login_page_and_favicons(browser, world):
    """The one page every role sees first; the icons it links and /favicon.ico, which browsers ask for on
    their own."""
    context = browser.new_context(viewport={"width": WIDTHS[1], "height": 844}, bypass_csp=True, locale="vi-VN")
    page = context.new_page()
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 844})
        response = page.goto(world.base + "/login")
        page.screenshot(path=str(ARTIFACTS / f"anonymous-login-{width}.png"), full_page=True)
        found = check_page(page, width)
        found["menu"] = []  # no entry of the menu is the log-in page
        problems += problems_of(f"login {width}", response.status, found)
    icons = page.eval_on_selector_all("link[rel~=icon]", "links => links.map(l => l.href)") + [
        world.base + "/favicon.ico"]
    for url in icons:
        answer = context.request.get(url)
        if answer.status != 200 or not answer.headers["content-type"].startswith("image/"):
            problems.append(f"{url}: HTTP {answer.status}, {answer.headers['content-type']}")
    context.close()
    assert len(icons) >= 2 and not problems, "\n".join(problems)
