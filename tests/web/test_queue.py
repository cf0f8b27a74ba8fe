"""The review queue as an IP officer uses it: a line per record with its flags as chips, high first, filters by
name, counts, re-wordings acknowledged in bulk, one-sentence reasons, pages that never repeat a record."""
import csv
import io
import re

import pytest
from conftest import client_as, csrf_token
from sqlalchemy import func, select

from ipreg.reform.summaries import enumerate_names, sentences, short_reason

ROW = re.compile(r'<tr tabindex="0" data-href="[^"]+">(.*?)</tr>', re.DOTALL)


@pytest.fixture
def officer(flagged):
    return client_as(flagged, "officer", "ip_officer")


def rows(page: str) -> list[str]:
    return ROW.findall(page.split('id="queue"')[1])


def open_counts(app, **where) -> dict:
    from ipreg.extensions import db
    from ipreg.models import Flag

    with app.app_context():
        stmt = select(Flag.severity, func.count()).where(Flag.status == "open").group_by(Flag.severity)
        return dict(db.session.execute(stmt).all())


def vi(app, group: str, value: str) -> str:
    from ipreg.web.i18n import label

    with app.test_request_context("/?lang=vi"):
        return label(group, value)


# --- the lines ------------------------------------------------------------------------------------------------

def test_a_line_per_record_with_chips_named_in_vietnamese_and_high_records_first(flagged, officer):
    page = officer.get("/review/?lang=vi").get_data(as_text=True)
    lines = rows(page)
    from ipreg.extensions import db
    from ipreg.models import Flag

    with flagged.app_context():
        records = db.session.scalar(select(func.count(func.distinct(Flag.registration_id)))
                                    .where(Flag.status == "open"))
    assert len(lines) == records  # one line per record, not per flag
    name = vi(flagged, "rule", "MANAGER_BODY_ABOLISHED")
    assert name != "MANAGER_BODY_ABOLISHED"
    chip = re.search(r'<a class="chip sev-high" href="[^"]+" title="MANAGER_BODY_ABOLISHED">(.*?)</a>', page, re.DOTALL)
    assert chip and name in chip.group(1) and vi(flagged, "severity", "high") in chip.group(1)  # words, not colour
    has_high = ["chip sev-high" in line for line in lines]
    assert any(has_high) and has_high == sorted(has_high, reverse=True)  # every record with a high flag first
    # the re-wordings of a record are folded under one summary, not shown as lines of their own
    folded = [line for line in lines if "<details" in line]
    assert folded and all(line.index("<summary>") < line.index('title="AREA_REEXPRESSION"') for line in folded
                          if 'title="AREA_REEXPRESSION"' in line)


def test_records_of_one_severity_follow_the_vietnamese_order_of_their_names(flagged, officer):
    from ipreg.core.text import vi_sort_key

    lines = rows(officer.get("/review/?severity=low").get_data(as_text=True))
    names = [re.search(r'<th scope="row" class="record">\s*<a [^>]+>(.*?)</a>', line, re.DOTALL).group(1)
             for line in lines]
    import html

    names = [html.unescape(n) for n in names]
    assert len(names) > 3 and names == sorted(names, key=vi_sort_key)


# --- filters and counts ---------------------------------------------------------------------------------------

def test_the_filters_are_selects_with_names_and_provinces_of_both_vintages(flagged, officer):
    from ipreg.extensions import db
    from ipreg.models import Flag, RecordProvince, Registration

    page = officer.get("/review/?lang=vi").get_data(as_text=True)
    assert '<input id="province"' not in page and '<select id="province" name="province">' in page
    assert f'<option value="MANAGER_BODY_ABOLISHED">{vi(flagged, "rule", "MANAGER_BODY_ABOLISHED")}</option>' in page
    with flagged.app_context():
        reg = db.session.scalars(select(Registration).join(Flag).where(Flag.status == "open")
                                 .order_by(Registration.id)).first()
        provinces = {v: db.session.scalars(select(RecordProvince.province_code).where(
            RecordProvince.registration_id == reg.id, RecordProvince.vintage == v)).all() for v in ("new", "old")}
        from ipreg.web.i18n import province_label

        with flagged.test_request_context("/?lang=vi"):
            labels = {v: province_label(provinces[v][0], v) for v in ("new", "old")}
    for vintage in ("new", "old"):
        code = provinces[vintage][0]
        assert f'<option value="{vintage}:{code}">{labels[vintage]}</option>' in page
        filtered = officer.get(f"/review/?province={vintage}:{code}").get_data(as_text=True)
        assert f'<option value="{vintage}:{code}" selected>' in filtered
        assert any(reg.internal_id in line for line in rows(filtered))
    # a province the record is not in does not list it; the old links (province=&province_vintage=) still work
    elsewhere = "01" if provinces["new"][0] != "01" else "79"
    assert not any(reg.internal_id in line for line in rows(officer.get(f"/review/?province=new:{elsewhere}")
                                                             .get_data(as_text=True)))
    legacy = officer.get(f"/review/?province={provinces['old'][0]}&province_vintage=old").get_data(as_text=True)
    assert any(reg.internal_id in line for line in rows(legacy))


def test_counts_per_severity_and_rule_follow_the_other_filters(flagged, officer):
    from ipreg.extensions import db
    from ipreg.models import Flag

    page = officer.get("/review/").get_data(as_text=True)
    for severity, n in open_counts(flagged).items():
        assert re.search(rf'href="[^"]*severity={severity}[^"]*"[^>]*>[^<]*<strong>{n}</strong>', page), severity
    with flagged.app_context():
        high_rules = dict(db.session.execute(select(Flag.rule, func.count()).where(
            Flag.status == "open", Flag.severity == "high").group_by(Flag.rule)).all())
    only_high = officer.get("/review/?severity=high").get_data(as_text=True)
    counts = only_high.split('class="counts"')[1].split("</section>")[0]
    for rule, n in high_rules.items():
        assert re.search(rf'title="{rule}">[^<]*<strong>{n}</strong>', counts), rule
    assert 'title="AREA_REEXPRESSION"' not in counts  # no open low flag among the high ones
    # the severity counts ignore the severity filter: the officer sees what the other choices would list
    assert re.search(r'severity=low[^"]*"[^>]*>[^<]*<strong>\d+</strong>', counts)


# --- acknowledging re-wordings in bulk ------------------------------------------------------------------------

def _flags(app, severity: str) -> list[int]:
    from ipreg.extensions import db
    from ipreg.models import Flag

    with app.app_context():
        return db.session.scalars(select(Flag.id).where(Flag.status == "open", Flag.severity == severity)
                                  .order_by(Flag.id)).all()


def _audits(app, action: str) -> int:
    from ipreg.extensions import db
    from ipreg.models import AuditEntry

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


def test_low_flags_are_acknowledged_in_bulk_one_audit_entry_each(flagged, officer):
    from ipreg.actions.review import ACKNOWLEDGED
    from ipreg.extensions import db
    from ipreg.models import Flag

    low = _flags(flagged, "low")[:5]
    assert len(low) == 5
    before = _audits(flagged, "flag.dismiss")
    token = csrf_token(officer, "/review/")
    response = officer.post("/review/bulk", data={"csrf_token": token, "action": "acknowledge", "flag": low,
                                                   "back": "/review/?severity=low"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/review/?severity=low")
    assert _audits(flagged, "flag.dismiss") == before + 5
    with flagged.app_context():
        closed = db.session.scalars(select(Flag).where(Flag.id.in_(low))).all()
        assert {(f.status, f.closed_reason) for f in closed} == {("dismissed", ACKNOWLEDGED)}
        assert all(f.reason_vi for f in closed)  # the words the officer acknowledged are kept


def test_a_selection_with_a_high_flag_is_refused_whole(flagged, officer):
    low, high = _flags(flagged, "low")[:3], _flags(flagged, "high")[:1]
    before = _audits(flagged, "flag.dismiss")
    token = csrf_token(officer, "/review/")
    response = officer.post("/review/bulk?lang=en", data={"csrf_token": token, "action": "acknowledge",
                                                           "flag": low + high, "back": "/review/?lang=en"},
                            follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'class="flash error"' in page
    assert "nothing was changed. Flags that need a decision (1) are on:" in page
    assert _audits(flagged, "flag.dismiss") == before
    assert set(low + high) <= set(_flags(flagged, "low") + _flags(flagged, "high"))  # all still open


def test_acknowledging_needs_the_review_permission(flagged):
    staff = client_as(flagged, "staff", "provincial_staff", ["24"])
    token = csrf_token(staff, "/")
    low = _flags(flagged, "low")[:1]
    assert staff.post("/review/bulk", data={"csrf_token": token, "action": "acknowledge", "flag": low}
                      ).status_code in (403, 404)
    assert low[0] in _flags(flagged, "low")


# --- reasons in one sentence ----------------------------------------------------------------------------------

def test_a_long_reexpression_is_cut_to_two_communes_and_a_count():
    units = "; ".join(f"Xã Số {i} (toàn bộ)" for i in range(1, 14))
    words = {"reason_vi": "…", "reason_en": "…", "evidence": {},
             "suggested": {"reexpressed": f"Tỉnh Tây Ninh: Xã Mỹ An (một phần: địa bàn xã A cũ; một phần địa bàn "
                                          f"xã B cũ); {units}"}}
    short = short_reason("AREA_REEXPRESSION", words)
    assert short["vi"] == ("Khu vực ghi theo đơn vị cũ; diễn đạt lại theo đơn vị mới: Xã Mỹ An, Xã Số 1 và 12 xã "
                           "khác (Tỉnh Tây Ninh).")
    assert short["en"].endswith("Xã Mỹ An, Xã Số 1 and 12 other communes (Tỉnh Tây Ninh).")


def test_a_short_list_is_kept_whole_and_mixed_units_are_counted_as_units():
    assert enumerate_names(["Xã A", "Xã B", "Xã C"])["vi"] == "Xã A, Xã B và Xã C"
    assert enumerate_names(["Xã A", "Phường B", "Xã C", "Phường D"])["vi"] == "Xã A, Phường B và 2 đơn vị khác"
    assert enumerate_names(["Phường A", "Phường B", "Phường C", "Phường D"])["en"] == \
        "Phường A, Phường B and 2 other wards"


def test_the_sentence_naming_the_party_is_the_one_kept():
    reason = ("Sở Khoa học và Công nghệ được sắp xếp thành Sở Khoa học và Công nghệ từ 01/03/2025. Tỉnh Hà Nam nay "
              "thuộc Tỉnh Ninh Bình. Tổ chức quản lý «Sở KH&CN TP. Hà Nam» nay là Sở Khoa học và Công nghệ tỉnh "
              "Ninh Bình.")
    assert sentences(reason)[1] == "Tỉnh Hà Nam nay thuộc Tỉnh Ninh Bình."
    short = short_reason("MANAGER_BODY_RENAMED", {"reason_vi": reason, "reason_en": "X. «Y» z."})
    assert short == {"vi": "Tổ chức quản lý «Sở KH&CN TP. Hà Nam» nay là Sở Khoa học và Công nghệ tỉnh Ninh Bình.",
                     "en": "«Y» z."}
    crosses = short_reason("AREA_CROSSES_PROVINCES", {"reason_vi": "Khu vực nằm trên 5 tỉnh (Tỉnh A, Tỉnh B, "
                                                      "Thành phố C, Tỉnh D, Tỉnh E); cần ủy quyền.", "reason_en": ""})
    assert crosses["vi"] == "Khu vực nằm trên 5 tỉnh (Tỉnh A, Tỉnh B và 3 tỉnh, thành phố khác); cần ủy quyền."


def test_the_queue_shows_the_short_reason_and_the_flag_page_the_full_one(flagged, officer):
    from ipreg.extensions import db
    from ipreg.models import Flag
    from ipreg.reform.views import payloads

    with flagged.app_context():
        flags = db.session.scalars(select(Flag).where(Flag.status == "open", Flag.rule == "AREA_REEXPRESSION")).all()
        words = payloads(db.session, flags)
        longest = max(flags, key=lambda f: len(words[f.id]["reason_vi"]))
        full, short = words[longest.id]["reason_vi"], short_reason(longest.rule, words[longest.id])["vi"]
    assert len(short) < len(full)
    import html

    queue = html.unescape(officer.get("/review/?lang=vi&rule=AREA_REEXPRESSION").get_data(as_text=True))
    assert short in queue and full not in queue
    flag_page = html.unescape(officer.get(f"/review/flags/{longest.id}?lang=vi").get_data(as_text=True))
    assert full in flag_page


# --- pages ----------------------------------------------------------------------------------------------------

def _generated_csv(gaz, n: int) -> bytes:
    """``n`` records of real old districts of one province, managed by their district committees (a high flag
    and re-wordings each), or held by an association (re-wordings only)."""
    province = next(p for p in gaz.provinces("old")
                    if len([d for d in gaz.children.get(p.id, ()) if gaz.children.get(d)]) >= 3)
    districts = [gaz.units[d] for d in gaz.children[province.id] if gaz.children.get(d)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kind", "reg_no", "name", "product", "granted_on", "status", "holder", "holder_kind",
                     "holder_unit", "manager", "manager_kind", "manager_unit", "area_units", "area_vintage", "notes"])
    for i in range(n):
        district = districts[i % len(districts)]
        communes = [gaz.units[c].code for c in gaz.children[district.id]][:3]
        name = f"{('Chè', 'Bưởi', 'Đậu', 'Ấm', 'Gạo')[i % 5]} {district.short_name} {i}"
        if i % 2:
            row = ["GI", f"9{i:05d}", name, "Chè", "2010-01-01", "registered", "Nhà nước Việt Nam", "state", "",
                   f"Ủy ban nhân dân {district.type.lower()} {district.short_name}", "district_pc", district.code]
        else:
            row = ["COLLECTIVE", f"8{i:05d}", name, "Chè", "2010-01-01", "registered", f"Hội Chè {i}",
                   "association", district.code, "", "", ""]
        writer.writerow(row + ["; ".join(communes), "2025-06-30", "generated"])
    return out.getvalue().encode("utf-8")


def test_pages_of_records_never_repeat_or_skip_a_record(app):
    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.models import Flag
    from ipreg.reform.engine import run_registry
    from ipreg.registry.record_import import import_records

    with app.app_context():
        report = import_records(db.session, _generated_csv(get_gazetteer(db.session), 130), "gen.csv", actor="test")
        assert report.imported, report.as_dict()["errors"][:3]
        run_registry(db.session, actor="test")
        db.session.commit()
        flags = db.session.scalar(select(func.count()).select_from(Flag).where(Flag.status == "open"))
        records = db.session.scalar(select(func.count(func.distinct(Flag.registration_id)))
                                    .where(Flag.status == "open"))
    assert flags >= 120 and records > 100
    client = client_as(app, "officer", "ip_officer")
    seen, highs = [], []
    for number in range(1, 5):
        lines = rows(client.get(f"/review/?page={number}").get_data(as_text=True))
        assert len(lines) <= 50
        seen += [re.search(r'href="/records/([^"]+)"', line).group(1) for line in lines]
        highs += ["chip sev-high" in line for line in lines]
    assert len(seen) == len(set(seen)) == records  # every record once, across the pages
    assert highs == sorted(highs, reverse=True)
    again = [re.search(r'href="/records/([^"]+)"', line).group(1)
             for line in rows(client.get("/review/?page=2").get_data(as_text=True))]
    assert again == seen[50:100]  # the same page twice is the same page


# --- the flag page --------------------------------------------------------------------------------------------

def test_the_flag_page_names_the_rule_the_provinces_and_what_each_share_is(flagged, officer):
    from ipreg.extensions import db
    from ipreg.models import Flag

    with flagged.app_context():
        flag_id = db.session.scalars(select(Flag.id).where(Flag.rule == "MANAGER_BODY_ABOLISHED")).first()
    page = officer.get(f"/review/flags/{flag_id}?lang=en").get_data(as_text=True)
    assert "Managing body abolished" in page and ">MANAGER_BODY_ABOLISHED</small>" in page
    assert "Provinces from 1 July 2025:" in page
    if "Share of the old unit" in page:  # the evidence table says what its percentages are
        assert re.search(r"Share: the part of the old unit(&#39;|')s area that went into the new unit", page)
        assert '<div class="table-scroll" tabindex="0" role="region"' in page
    for share in re.findall(r'<span class="share">(.*?)</span>', page):
        assert "lies in the area" in share or "went into this unit" in share
