"""A home per role, on the sample registry with its flags run: each role sees its own dashboard with the real
figures, a provincial user only their province's, the public a search; and the favicon browsers ask for."""
import html
import re

import pytest
from conftest import client_as, real_geodata
from sqlalchemy import func, select

INCOMPLETE = ("kind,reg_no,name,product,granted_on,status,holder,holder_kind,holder_unit,manager,manager_kind,"
              "manager_unit,area_units,area_vintage,notes\n"
              "GI,,Gạo Tám Xoan Hải Hậu,gạo,2019-01-01,registered,Nhà nước Việt Nam,state,,,,,,,\n")


def figures(page: str) -> dict[str, str]:
    """The figures of a page's cards, by their (English) label: <dt>label</dt><dd>figure</dd>."""
    pairs = re.findall(r"<dt>(.*?)</dt><dd[^>]*>(.*?)</dd>", page, re.DOTALL)
    return {html.unescape(re.sub(r"<[^>]+>", "", k)).strip(): html.unescape(re.sub(r"<[^>]+>", "", v)).strip()
            for k, v in pairs}


def test_vietnamese_numbers():
    from ipreg.web.main import vnnum

    assert (vnnum(0), vnnum(999), vnnum(1234), vnnum(1234567)) == ("0", "999", "1.234", "1.234.567")


def test_officer_sees_assigned_flags_high_flags_by_province_decisions_and_work_left(flagged):
    from ipreg.actions import review
    from ipreg.actions.context import Context
    from ipreg.extensions import db
    from ipreg.models import Flag, User
    from ipreg.reform.stats import statistics

    client = client_as(flagged, "officer", "ip_officer")
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "No open flag is assigned to you." in page and "No flag has been accepted or dismissed yet." in page
    with flagged.app_context():
        officer = db.session.scalar(select(User).where(User.username == "officer"))
        high = db.session.scalar(select(Flag).where(Flag.status == "open", Flag.severity == "high").order_by(Flag.id))
        other = db.session.scalar(select(Flag).where(Flag.status == "open", Flag.id != high.id).order_by(Flag.id))
        assigned, dismissed = high.id, other.id
        ctx = Context(db.session, officer)
        review.assign(ctx, [assigned], "officer")
        review.dismiss(ctx, dismissed, "kept as registered")
        stats = statistics(db.session)
        name = high.registration.name

    page = client.get("/?lang=en").get_data(as_text=True)
    mine = page[page.index('id="assigned-title"'):page.index('id="high-title"')]
    assert f'href="/review/flags/{assigned}"' in mine and name in mine and '<span class="count">1</span>' in mine
    assert 'href="/review/?assignee=officer"' in mine
    decided = page[page.index('id="decisions-title"'):page.index('id="left-title"')]
    assert f'href="/review/flags/{dismissed}"' in decided and "dismissed" in decided and "by officer, " in decided
    assert re.search(r"by officer, \d\d/\d\d/\d{4} \d\d:\d\d", decided)
    high_rows = [p for p in stats["provinces"] if p["open_high"]]
    assert high_rows, "the sample has open high flags"
    for row in high_rows:
        assert f'href="/review/?province={row["province_code"]}&amp;severity=high"' in page
    left = figures(page[page.index('id="left-title"'):])
    for item in stats["monitoring"]:
        assert left[item["label"]] == str(item["records"])


def _province_with_records(app):
    """Two new provinces of the sample with records, the first one with open flags."""
    from ipreg.extensions import db
    from ipreg.reform.stats import statistics

    with app.app_context():
        rows = statistics(db.session)["provinces"]
    busy = [r["province_code"] for r in rows if r["open_high"] + r["open_medium"] + r["open_low"]]
    other = [r["province_code"] for r in rows if r["records"] and r["province_code"] != busy[0]]
    return busy[0], other[0]


def test_staff_home_shows_their_province_as_counted_and_nothing_of_another(flagged):
    from ipreg.extensions import db
    from ipreg.models import Flag, RecordProvince
    from ipreg.web.i18n import province_label

    code, other = _province_with_records(flagged)
    client = client_as(flagged, "staff", "provincial_staff", [code])
    page = client.get("/?lang=en").get_data(as_text=True)
    with flagged.test_request_context("/?lang=en"):
        mine, theirs = province_label(code), province_label(other)
        ids = select(RecordProvince.registration_id).where(RecordProvince.vintage == "new",
                                                           RecordProvince.province_code == code)
        records = db.session.scalar(select(func.count(func.distinct(RecordProvince.registration_id)))
                                    .where(RecordProvince.registration_id.in_(ids)))
        open_flags = dict(db.session.execute(select(Flag.severity, func.count()).where(
            Flag.status == "open", Flag.registration_id.in_(ids)).group_by(Flag.severity)).all())
    assert f"<h2 id=\"province-{code}\">{html.escape(mine)}</h2>" in page
    shown = figures(page)
    assert shown["Records"] == str(records)
    for severity in ("high", "medium", "low"):
        assert shown[f"Open flags, {severity}"] == str(open_flags.get(severity, 0))
    assert {"Transfers still to record", "Transfers recorded", "Areas still in former units"} <= set(shown)
    for link in (f"/records/?new_province={code}", f"/review/?province={code}", "/review/stats",
                 f"/maps/provinces/new/{code}"):
        assert f'href="{link}"' in page
    assert html.escape(theirs) not in page and f"province={other}" not in page and f"/new/{other}" not in page


@real_geodata  # the fixture's provinces may have no boundary
def test_staff_home_draws_the_province_outline_offline(flagged):
    code, _other = _province_with_records(flagged)
    page = client_as(flagged, "staff", "provincial_staff", [code]).get("/").get_data(as_text=True)
    svg = re.search(r'<svg viewBox="[-\d. ]+"[^>]*role="img"[^>]*>\s*<title id="outline-\d\d">[^<]+</title>\s*'
                    r'<path d="(M[\d. LMZ]+)"', page)
    assert svg and 20 < svg.group(1).count("L") < 5000
    assert "http://" not in page and "https://" not in page  # nothing fetched from elsewhere


def test_staff_home_is_for_provincial_users_only(flagged):
    from ipreg.actions import dashboard
    from ipreg.actions.context import Context
    from ipreg.core.errors import Forbidden
    from ipreg.extensions import db
    from ipreg.models import User

    client_as(flagged, "officer", "ip_officer")
    with flagged.app_context():
        officer = db.session.scalar(select(User).where(User.username == "officer"))
        with pytest.raises(Forbidden):
            dashboard.staff_home(Context(db.session, officer))
        with pytest.raises(Forbidden):
            dashboard.admin_home(Context(db.session, officer))


def test_admin_sees_jobs_batches_users_and_data_health(flagged):
    from ipreg.core.clock import utcnow
    from ipreg.extensions import db
    from ipreg.models import Job
    from ipreg.registry.record_import import import_records

    client = client_as(flagged, "boss", "admin")
    client_as(flagged, "staff", "provincial_staff", ["22"])
    page = client.get("/?lang=en").get_data(as_text=True)
    before = figures(page)
    incomplete = int(before["Incomplete records (place or party to complete)"])  # the small fixture has one
    assert before["Failed jobs"] == "0"
    assert before["administrator"] == "1" and before["provincial staff"] == "1"
    assert before["Unit lists and succession"].startswith("loaded ")
    with flagged.app_context():
        report = import_records(db.session, INCOMPLETE.encode(), "late.csv", partial=True, actor="test")
        assert report.as_dict()["rows"]["incomplete"] == 1
        job = Job(kind="import_records", params={}, status="failed", message="The file could not be read.",
                  created_by="boss", created_at=utcnow(), finished_at=utcnow())
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    page = client.get("/?lang=en").get_data(as_text=True)
    after = figures(page)
    assert after["Failed jobs"] == "1" and after["failed"] == "1"
    assert after["Incomplete records (place or party to complete)"] == str(incomplete + 1)
    assert f'href="/jobs/{job_id}"' in page and "The file could not be read." in page


def test_public_home_is_a_search_and_maps(flagged):
    anonymous = flagged.test_client()
    assert anonymous.get("/").status_code == 302  # no public reading: the log-in page
    flagged.config["IPREG_PUBLIC_READ"] = True
    page = anonymous.get("/?lang=en").get_data(as_text=True)
    assert 'action="/records/"' in page and 'href="/maps/"' in page and 'action="/units/"' in page
    assert "Flags assigned to me" not in page and "Data health" not in page


def test_favicon(client):
    from pathlib import Path

    import ipreg

    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert response.data == (Path(ipreg.__file__).parent / "static" / "favicon.ico").read_bytes()
    assert "max-age" in response.headers["Cache-Control"] and "no-store" not in response.headers["Cache-Control"]


def test_outline_is_north_up_true_to_shape_and_drops_far_islands():
    import shapely

    from ipreg.maps.thumbnail import SIZE, outline

    # a square degree about 60° north is about half as wide as it is tall (cos 60.5° = 0.492); a speck of an
    # island far away is left out, or the square would shrink to a corner of the drawing
    land = shapely.box(10, 60, 11, 61)
    speck = shapely.box(30, 50, 30.001, 50.001)
    drawn = outline(shapely.MultiPolygon([land, speck]))
    assert (drawn.width, drawn.height) == (49.2, SIZE)
    assert drawn.path.count("M") == 1 and "0.0 0.0" in drawn.path and "49.2 100.0" in drawn.path
    assert outline(shapely.Polygon()) is None
