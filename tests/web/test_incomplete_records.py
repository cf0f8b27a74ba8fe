"""Records kept incomplete on import: visible everywhere without errors, flagged, completed on the flag page.

The rows are real GIs and marks as officers write them (names from the IP Office's announcements); the
incomplete ones are incomplete the way migration files are: a GI whose area is not known yet, a collective
mark whose holder is not known yet, a commune typed with a slip.
"""
import json
import re

from conftest import client_as, csrf_token
from sqlalchemy import select

HEADER = ("kind,reg_no,name,product,granted_on,status,holder,holder_kind,holder_unit,manager,manager_kind,"
          "manager_unit,area_units,area_vintage,notes\n")
ROWS = [
    # complete: the 2025 names
    'GI,,Đoan Hùng,bưởi,2006-02-08,registered,Nhà nước Việt Nam,state,,Sở Khoa học và Công nghệ tỉnh Phú Thọ,'
    'dost,Tỉnh Phú Thọ,"Huyện Đoan Hùng, Tỉnh Phú Thọ",2025-06-30,',
    # two GIs named after one place, told apart by their product
    'GI,,Bến Tre,dừa,2016-10-20,registered,Nhà nước Việt Nam,state,,Ủy ban nhân dân tỉnh Bến Tre,province_pc,'
    'Tỉnh Bến Tre,Tỉnh Bến Tre,2025-06-30,',
    'GI,,Bến Tre,bưởi da xanh,2016-10-20,registered,Nhà nước Việt Nam,state,,Ủy ban nhân dân tỉnh Bến Tre,'
    'province_pc,Tỉnh Bến Tre,Tỉnh Bến Tre,2025-06-30,',
    # incomplete: a commune typed with a slip (no unit is named so), beside one that resolves
    'GI,,Vải thiều Thanh Hà,quả vải thiều,2007-11-14,registered,Nhà nước Việt Nam,state,,Ủy ban nhân dân tỉnh '
    'Hải Dương,province_pc,Tỉnh Hải Dương,"Xã Thanh Xuânn Zz, Huyện Thanh Hà, Tỉnh Hải Dương; '
    'Huyện Thanh Hà, Tỉnh Hải Dương",2025-06-30,',
    # incomplete: a GI whose area is not known yet
    'GI,,Gạo Tám Xoan Hải Hậu,gạo,2019-01-01,registered,Nhà nước Việt Nam,state,,,,,,,',
    # incomplete: a collective mark whose holder is not known yet
    'COLLECTIVE,,Mật ong bạc hà Mèo Vạc,mật ong,2014-01-01,registered,,,,,,,"Huyện Mèo Vạc, Tỉnh Hà Giang",'
    '2025-06-30,',
    # refused: a date that is not a date
    'GI,,Chè Tân Cương,chè,31/02/2007,registered,Nhà nước Việt Nam,state,,,,,"Thành phố Thái Nguyên, '
    'Tỉnh Thái Nguyên",2025-06-30,',
]


def _import(runner, tmp_path, *flags):
    path = tmp_path / "register.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    result = runner.invoke(args=["records", "import", str(path), "--json", *flags])
    return result.exit_code, json.loads(result.stdout[result.stdout.index("{"):])


def test_report_counts_complete_incomplete_and_refused_rows(app, runner, tmp_path):
    code, report = _import(runner, tmp_path, "--partial")
    assert code == 0, report
    assert report["rows"] == {"complete": 3, "incomplete": 3, "refused": 1}
    assert report["created"] == 6 and report["rejected_rows"] == [8]
    kept = {(p["row"], p["column"]) for p in report["incomplete"]}
    assert kept == {(5, "area_units"), (6, "area_units"), (7, "holder")}
    slip = next(p for p in report["incomplete"] if p["row"] == 5)
    assert slip["value"].startswith("Xã Thanh Xuânn Zz")
    code, strict = _import(runner, tmp_path, "--strict", "--dry-run")
    assert code == 2 and strict["rows"]["incomplete"] == 0 and sorted(strict["rejected_rows"]) == [5, 6, 7, 8]


def test_incomplete_records_are_flagged_shown_and_completed(app, runner, tmp_path):
    from ipreg.extensions import db
    from ipreg.models import Flag, RecordFact, Registration

    assert _import(runner, tmp_path, "--partial")[0] == 0
    assert runner.invoke(args=["flags", "run"]).exit_code == 0
    with app.app_context():
        flags = {(r.name, f.rule, f.subject, f.severity) for f, r in db.session.execute(
            select(Flag, Registration).join(Registration, Registration.id == Flag.registration_id)
            .where(Flag.rule.in_(("AREA_UNRESOLVED", "DATA_MISSING"))))}
        thanh_ha = db.session.scalar(select(Registration).where(Registration.name == "Vải thiều Thanh Hà"))
        flag_id = db.session.scalar(select(Flag.id).where(Flag.registration_id == thanh_ha.id,
                                                          Flag.rule == "AREA_UNRESOLVED"))
        internal_ids = {r.name: r.internal_id for r in db.session.scalars(select(Registration))}
        written_before = len(thanh_ha.area_entries)
    assert flags == {("Vải thiều Thanh Hà", "AREA_UNRESOLVED", "area", "high"),
                     ("Gạo Tám Xoan Hải Hậu", "DATA_MISSING", "area", "high"),
                     ("Mật ong bạc hà Mèo Vạc", "DATA_MISSING", "holder", "high")}

    officer = client_as(app, "officer", "ip_officer")
    for path in ["/records/", "/records/?format=csv", "/records/?format=xlsx", "/review/",
                 *(f"/records/{i}" for i in internal_ids.values())]:
        assert officer.get(path).status_code == 200, path
    page = officer.get(f"/records/{internal_ids['Mật ong bạc hà Mèo Vạc']}").get_data(as_text=True)
    assert "chưa biết" in page  # the holder is not known yet, and says so
    page = officer.get(f"/review/flags/{flag_id}").get_data(as_text=True)
    assert "Xã Thanh Xuânn Zz" in page and 'action="/review/flags/%d/complete"' % flag_id in page

    token = csrf_token(officer, f"/review/flags/{flag_id}")
    refused = officer.post(f"/review/flags/{flag_id}/complete",
                           data={"csrf_token": token, "position": "0", "typed": "Xã Không Có Ở Đâu"})
    assert refused.status_code == 400  # a name that names no unit changes nothing
    done = officer.post(f"/review/flags/{flag_id}/complete", follow_redirects=True, data={
        "csrf_token": token, "position": "0", "typed": "Xã Thanh Xuân, Huyện Thanh Hà, Tỉnh Hải Dương"})
    assert done.status_code == 200
    assert re.search(r"Xã Thanh Xuân", done.get_data(as_text=True))
    with app.app_context():
        reg = db.session.get(Registration, thanh_ha.id)
        assert reg.pending is None and len(reg.area_entries) == written_before + 1
        assert db.session.get(Flag, flag_id).status == "resolved"
        sources = [f.source for f in db.session.scalars(select(RecordFact).where(
            RecordFact.registration_id == reg.id, RecordFact.role == "area"))]
        assert sources == ["import", "review"]  # the completion is in the record's history
