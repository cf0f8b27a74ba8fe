"""The flag engine on the sample records, and the review workflow as officers use it."""
import csv
import io
import json

from conftest import client_as, csrf_token, login, make_user
from sqlalchemy import func, select


def run(runner, *args):
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_every_district_committee_manager_is_flagged_high_with_a_suggestion(flagged):
    runner = flagged.test_cli_runner()
    records = run(runner, "records", "show", "GI", "00017", "--json")
    assert records["manager"]["kind"] == "district_pc"
    flags = run(runner, "flags", "list", "--json", "--severity", "high")
    by_record = {f["record"]["reg_no"]: f for f in flags if f["rule"] == "MANAGER_BODY_ABOLISHED"}
    from ipreg.extensions import db
    from ipreg.models import Party, Registration

    with flagged.app_context():
        district_managed = {r.reg_no or r.internal_id for r in db.session.scalars(
            select(Registration).join(Party, Party.id == Registration.manager_id).where(Party.kind == "district_pc"))}
    assert district_managed and district_managed <= set(by_record)
    for flag in by_record.values():
        assert flag["severity"] == "high" and flag["suggested"]["party"]["name"]
        assert set(flag) >= {"record", "rule", "severity", "status", "reason", "suggested", "candidates", "evidence"}
        assert flag["reason"]["vi"] and flag["reason"]["en"]


def test_quang_ninh_dost_is_not_flagged_high(flagged):
    runner = flagged.test_cli_runner()
    record = run(runner, "records", "show", "GI", "00041", "--json")
    assert record["manager"]["name"] == "Sở Khoa học và Công nghệ tỉnh Quảng Ninh"
    assert all(f["severity"] != "high" for f in record["flags"])
    assert [f["rule"] for f in record["flags"]] == ["AREA_REEXPRESSION"]


def test_rerun_is_idempotent_and_writes_nothing(flagged):
    runner = flagged.test_cli_runner()
    from ipreg.extensions import db
    from ipreg.models import AuditEntry, Flag

    with flagged.app_context():
        before = (db.session.scalar(select(func.count()).select_from(Flag)),
                  db.session.scalar(select(func.count()).select_from(AuditEntry)))
    again = run(runner, "flags", "run", "--json")
    assert again["opened"] == again["updated"] == again["closed"] == 0 and again["unchanged"] == again["findings"]
    with flagged.app_context():
        after = (db.session.scalar(select(func.count()).select_from(Flag)),
                 db.session.scalar(select(func.count()).select_from(AuditEntry)))
    assert after == before


def test_flag_whose_cause_is_gone_is_closed_with_the_reason_and_decisions_stay(flagged):
    from datetime import date

    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.models import Flag, Party, Registration
    from ipreg.reform.review import dismiss_flag
    from ipreg.registry.parties import PartyBook
    from ipreg.registry.recordals import change_party

    runner = flagged.test_cli_runner()
    with flagged.app_context():
        reg = db.session.scalar(select(Registration).where(Registration.reg_no == "00101"))
        reexpress = db.session.scalar(select(Flag).where(Flag.registration_id == reg.id,
                                                         Flag.rule == "AREA_REEXPRESSION"))
        dismiss_flag(db.session, reexpress, "kept as registered", "officer")
        gaz = get_gazetteer(db.session)
        new_manager = db.session.get(Party, PartyBook(db.session).id_for(
            "Sở Khoa học và Công nghệ tỉnh Lào Cai", "dost", gaz.get("15", "new").id))
        change_party(db.session, gaz, reg, "manager", new_manager, date(2025, 7, 1), source="edit", actor="t")
        reg_id = reg.id
        db.session.commit()
    report = run(runner, "flags", "run", "--json")
    assert report["closed"] == 1
    with flagged.app_context():
        flags = {f.rule: f for f in db.session.scalars(select(Flag).where(Flag.registration_id == reg_id))}
        assert flags["MANAGER_BODY_ABOLISHED"].status == "resolved"
        assert "cause is gone" in flags["MANAGER_BODY_ABOLISHED"].closed_reason
        assert flags["AREA_REEXPRESSION"].status == "dismissed"  # the officer's decision is not undone


def test_accepting_a_suggestion_changes_the_manager_in_history_and_json(flagged):
    client = client_as(flagged, "officer", "ip_officer")
    record = client.get("/api/v1/records/GI/00017").get_json()
    flag = next(f for f in record["flags"] if f["rule"] == "MANAGER_BODY_ABOLISHED")
    token = csrf_token(client, f"/review/flags/{flag['id']}")
    response = client.post(f"/review/flags/{flag['id']}/accept", data={
        "csrf_token": token, "decision_no": "1234/QĐ-UBND", "decision_date": "2025-07-10",
        "effective_date": "2025-07-10", "version": flag["version"], "choice": "1",
        "document": (io.BytesIO(b"%PDF-1.4 decision"), "quyet-dinh.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    after = client.get("/api/v1/records/GI/00017").get_json()
    assert after["manager"]["name"] == flag["suggested"]["party"]["name"]
    assert after["manager"]["unit"]["vintage"] == "new"
    managers = [(h["valid_from"], h["value"]["name"], h["decision_no"]) for h in after["history"] if h["role"] == "manager"]
    assert managers[-1] == ("2025-07-10", flag["suggested"]["party"]["name"], "1234/QĐ-UBND")
    assert managers[0][1] == "Ủy ban nhân dân huyện Lý Nhân"
    as_before = client.get("/api/v1/records/GI/00017?on=2025-07-01").get_json()
    assert as_before["manager"]["name"] == "Ủy ban nhân dân huyện Lý Nhân"
    resolved = next(f for f in after["flags"] if f["id"] == flag["id"])
    assert resolved["status"] == "accepted" and resolved["decision"]["decision_no"] == "1234/QĐ-UBND"
    document = resolved["decision"]["document"]
    assert document["type"] == "pdf" and document["filename"] == "quyet-dinh.pdf"
    download = client.get(f"/review/documents/{document['sha256']}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    again = client.post(f"/review/flags/{flag['id']}/accept", data={"csrf_token": token, "decision_no": "x"})
    assert again.status_code == 409
    from ipreg.extensions import db
    from ipreg.models import AuditEntry

    with flagged.app_context():
        actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.actor == "officer")))
    assert {"flag.accept", "record.manager"} <= actions


def test_reexpression_accepted_rewrites_the_area_in_new_units(flagged):
    client = client_as(flagged, "officer", "ip_officer")
    record = client.get("/api/v1/records/GI/00041").get_json()
    flag = next(f for f in record["flags"] if f["rule"] == "AREA_REEXPRESSION")
    token = csrf_token(client, f"/review/flags/{flag['id']}")
    client.post(f"/review/flags/{flag['id']}/accept", data={"csrf_token": token, "decision_no": "5/QĐ",
                                                             "effective_date": "2025-08-01"})
    after = client.get("/api/v1/records/GI/00041").get_json()
    assert {u["vintage"] for u in after["area"]["written"]} == {"new"}
    assert after["area"]["reexpressed"] == record["area"]["reexpressed"]  # the same territory
    assert all(f["status"] != "open" for f in after["flags"] if f["rule"] == "AREA_REEXPRESSION")


def test_dismiss_assign_comment_and_stale_versions(flagged):
    make_user(flagged, "officer", "ip_officer")
    make_user(flagged, "staff.lc", "provincial_staff", ["15"])
    client = flagged.test_client()
    login(client, "officer")
    flag = next(f for f in client.get("/api/v1/records/GI/00100").get_json()["flags"] if f["severity"] == "high")
    token = csrf_token(client, f"/review/flags/{flag['id']}")
    assert client.post(f"/review/flags/{flag['id']}/assign", data={"csrf_token": token, "assignee": "officer"}
                       ).status_code == 302
    stale = client.post(f"/review/flags/{flag['id']}/dismiss", data={"csrf_token": token, "reason": "x",
                                                                      "version": flag["version"]})
    assert stale.status_code == 409  # assignment moved the version on
    staff = flagged.test_client()
    login(staff, "staff.lc")
    staff_token = csrf_token(staff, f"/review/flags/{flag['id']}")
    assert staff.post(f"/review/flags/{flag['id']}/comment", data={"csrf_token": staff_token, "body": "Đã liên hệ"}
                      ).status_code == 302
    assert staff.post(f"/review/flags/{flag['id']}/dismiss", data={"csrf_token": staff_token, "reason": "x"}
                      ).status_code == 403
    page = client.get(f"/review/flags/{flag['id']}").get_data(as_text=True)
    assert "Đã liên hệ" in page and "staff.lc" in page
    assert client.post(f"/review/flags/{flag['id']}/dismiss", data={"csrf_token": token, "reason": "duplicate"}
                       ).status_code == 302


def test_queue_sorted_by_severity_with_filters(flagged):
    client = client_as(flagged, "officer", "ip_officer")
    page = client.get("/review/").get_data(as_text=True)
    table = page.split('id="queue"')[1]
    high, low = table.find("MANAGER_BODY_ABOLISHED"), table.find("AREA_REEXPRESSION")
    assert 0 < high < low
    only = client.get("/review/?rule=AREA_REEXPRESSION").get_data(as_text=True).split('id="queue"')[1]
    assert "AREA_REEXPRESSION" in only and "MANAGER_BODY_ABOLISHED" not in only
    assert "queue.js" in page


def test_drafts_and_statistics(flagged):
    from docx import Document

    client = client_as(flagged, "officer", "ip_officer")
    record = client.get("/api/v1/records/GI/00017").get_json()
    data = client.get(f"/review/records/{record['internal_id']}/draft.docx").get_data()
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "Kính gửi: Cục Sở hữu trí tuệ" in text and "Đại Hoàng" in text
    ids = [f["id"] for f in record["flags"]]
    several = client.get("/review/drafts.docx?" + "&".join(f"flag={i}" for i in ids)).get_data()
    assert Document(io.BytesIO(several)).paragraphs
    stats = client.get("/review/stats").get_data(as_text=True)
    assert "MANAGER_BODY_ABOLISHED" in stats
    csv_text = client.get("/review/stats?format=csv").get_data().decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("province_code,records")
    rules = list(csv.DictReader(io.StringIO(client.get("/review/stats?format=csv&table=rules").get_data()
                                            .decode("utf-8-sig"))))
    assert {r["rule"] for r in rules} >= {"MANAGER_BODY_ABOLISHED", "AREA_REEXPRESSION"}
    monitoring = {r["figure"]: int(r["records"]) for r in csv.DictReader(io.StringIO(
        client.get("/review/stats?format=csv&table=monitoring").get_data().decode("utf-8-sig")))}
    # the sample's district-committee managers: each needs a transfer, and each is still a district body
    from ipreg.extensions import db
    from ipreg.models import Party, Registration

    with flagged.app_context():
        district = {p.id for p in db.session.query(Party).filter(Party.kind == "district_pc")}
        district_bodies = sum(1 for r in db.session.query(Registration)
                              if r.holder_id in district or r.manager_id in district)
    assert monitoring["district_bodies"] == district_bodies > 0
    assert monitoring["transfers_needed"] >= district_bodies and monitoring["transfers_recorded"] == 0
    assert "Hồ sơ vẫn do cơ quan cấp huyện nắm giữ hoặc quản lý" in stats


def test_district_farmers_union_holder_is_flagged_high_with_the_provincial_union(flagged):
    """Quả Bảo Thắng, held by Hội Nông dân huyện Bảo Thắng: the district's union ended with the district."""
    runner = flagged.test_cli_runner()
    [flag] = [f for f in run(runner, "flags", "list", "--json", "--rule", "HOLDER_BODY_ABOLISHED")
              if f["evidence"]["party"]["name"] == "Hội Nông dân huyện Bảo Thắng"]
    assert flag["severity"] == "high"
    assert flag["suggested"]["party"] == {"name": "Hội Nông dân tỉnh Lào Cai", "kind": "farmers_union"}
    assert flag["suggested"]["unit"]["code"] == "15"
    addresses = run(runner, "flags", "list", "--json", "--rule", "ADDRESS_OUTDATED")
    assert not [f for f in addresses if f["record"] == flag["record"] and f["subject"] == "holder"]


def test_renamed_department_accepted_records_the_new_name(flagged):
    """The certification mark held by a sub-department of Hưng Yên's Sở NN&PTNT: low, and recorded as a
    transfer once the officer accepts the department of 2025-03-01."""
    from urllib.parse import quote

    runner = flagged.test_cli_runner()
    [flag] = [f for f in run(runner, "flags", "list", "--json", "--rule", "HOLDER_BODY_RENAMED")
              if "Hưng Yên" in f["evidence"]["party"]["name"]]
    assert flag["severity"] == "low"
    assert flag["suggested"]["party"]["name"] == "Sở Nông nghiệp và Môi trường tỉnh Hưng Yên"
    assert flag["reason"]["vi"] and flag["reason"]["en"]
    client = client_as(flagged, "officer", "ip_officer")
    token = csrf_token(client, f"/review/flags/{flag['id']}")
    response = client.post(f"/review/flags/{flag['id']}/accept", data={
        "csrf_token": token, "decision_no": "77/QĐ-SNNMT", "effective_date": "2025-07-15", "choice": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    record = client.get(f"/api/v1/records/{flag['record']['kind']}/{quote(flag['record']['reg_no'])}").get_json()
    assert record["holder"]["name"] == "Sở Nông nghiệp và Môi trường tỉnh Hưng Yên"
    assert record["holder"]["unit"] == {"code": "33", "name": "Tỉnh Hưng Yên", "vintage": "new"}
    assert not [f for f in record["flags"] if f["subject"] == "holder" and f["status"] == "open"]
    monitoring = {r["figure"]: int(r["records"]) for r in csv.DictReader(io.StringIO(
        client.get("/review/stats?format=csv&table=monitoring").get_data().decode("utf-8-sig")))}
    assert monitoring["transfers_recorded"] == 1
