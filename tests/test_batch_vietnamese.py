"""An upload that speaks Vietnamese (issue 15): Vietnamese headers and values, problems named by the file's own
headers, abbreviations written out, parties of gone units warned about, a rolled-back file applied again, and
the batch page saying what a rollback did, at the office's time."""
import io
import json
from datetime import datetime

import pytest
from conftest import client_as, csrf_token

from ipreg.tables.values import KINDS, PARTY_KIND_VI, PARTY_KINDS, ROLES, read_value, split_coded

VI_HEADER = ("Loại (kind),Số đăng ký (reg_no),Vai trò (role),Chủ thể mới (new_party),Loại chủ thể mới "
             "(new_party_kind),Địa bàn chủ thể mới (new_party_unit),Số quyết định (decision_no),Ngày quyết định "
             "(decision_date),Ngày hiệu lực (effective_date),Ghi chú (note)\n")
VI_ROWS = ("Chỉ dẫn địa lý,00101,tổ chức quản lý,Sở KH&CN Lào Cai,Sở Khoa học và Công nghệ,Tỉnh Lào Cai (15),"
           "12/QĐ-UBND,20/07/2025,20/07/2025,\n"
           "CDĐL,00017,Tổ chức quản lý (manager),UBND tỉnh Ninh Bình,Ủy ban nhân dân cấp tỉnh,37,7/QĐ-UBND,"
           "21/07/2025,21/07/2025,\n")


def reassign(app, path, *options):
    result = app.test_cli_runner().invoke(args=["reassign", str(path), "--json", *options])
    return result.exit_code, json.loads(result.output[result.output.index("{"):])


# --- the values of the coded columns ----------------------------------------------------------------------

@pytest.mark.parametrize("text, key", [
    ("tổ chức quản lý", "manager"), ("Tổ chức quản lí", "manager"), ("TỔ CHỨC QUẢN LÝ", "manager"),
    ("to chuc quan ly", "manager"), ("Tổ chức quản lý (manager)", "manager"), ("manager", "manager"),
    ("chủ sở hữu", "holder"), ("Chủ văn bằng", "holder"), ("holder", "holder"),
])
def test_roles_read_in_either_language(text, key):
    assert read_value(text, ROLES) == key


@pytest.mark.parametrize("text, key", [
    ("Ủy ban nhân dân cấp tỉnh", "province_pc"), ("Uỷ ban nhân dân cấp tỉnh", "province_pc"),  # both tone places
    ("UBND tỉnh", "province_pc"), ("ubnd cap tinh", "province_pc"), ("province_pc", "province_pc"),
    ("Ủy ban nhân dân cấp xã", "commune_pc"), ("UBND xã", "commune_pc"),
    ("Sở Khoa học và Công nghệ", "dost"), ("Sở KH&CN", "dost"), ("Sở KHCN", "dost"), ("dost", "dost"),
    ("Hợp tác xã", "cooperative"), ("HTX", "cooperative"), ("Hội Nông dân", "farmers_union"),
    ("Doanh nghiệp", "enterprise"), ("cơ quan nhà nước", "state_agency"), ("Nhà nước", "state"),
    ("Sở Khoa học và Công nghệ (dost)", "dost"),
])
def test_party_kinds_read_in_either_language(text, key):
    assert read_value(text, PARTY_KINDS) == key


@pytest.mark.parametrize("text, key", [
    ("Chỉ dẫn địa lý", "GI"), ("CDĐL", "GI"), ("cddl", "GI"), ("GI", "GI"), ("Chỉ dẫn địa lý (GI)", "GI"),
    ("Nhãn hiệu tập thể", "COLLECTIVE"), ("NHTT", "COLLECTIVE"), ("Nhãn hiệu chứng nhận", "CERTIFICATION"),
])
def test_kinds_read_in_either_language(text, key):
    assert read_value(text, KINDS) == key


@pytest.mark.parametrize("text", ["owner", "", "quản lý và chủ sở hữu", "xyz (abc)"])
def test_other_values_are_not_guessed(text):
    assert read_value(text, ROLES) is None


def test_every_party_kind_of_the_interface_is_read_by_its_vietnamese_label(app):
    """The labels the pages show (web/i18n.py, in Vietnamese) are values a file may hold."""
    from flask_babel import force_locale

    from ipreg.models.registry import PARTY_KINDS as MODEL_KINDS
    from ipreg.web.i18n import LABELS

    assert set(PARTY_KIND_VI) == set(MODEL_KINDS)
    with app.test_request_context(), force_locale("vi"):
        labels = {key: str(LABELS["party_kind"][key]) for key in MODEL_KINDS}
    assert labels["province_pc"] == "Ủy ban nhân dân cấp tỉnh"
    assert {key: read_value(label, PARTY_KINDS) for key, label in labels.items()} == {k: k for k in MODEL_KINDS}


def test_a_unit_as_the_province_list_writes_it():
    assert split_coded("Tỉnh Lào Cai (15)") == ("Tỉnh Lào Cai", "15")
    assert split_coded("Xã Tú Lệ") == ("Xã Tú Lệ", None)


# --- party names: abbreviations and gone units -------------------------------------------------------------

@pytest.mark.parametrize("written, expanded", [
    ("UBND tỉnh Lào Cai", "Ủy ban nhân dân tỉnh Lào Cai"),
    ("HĐND TP. Huế", "Hội đồng nhân dân thành phố Huế"),
    ("Sở KH&CN tỉnh Lào Cai", "Sở Khoa học và Công nghệ tỉnh Lào Cai"),
    ("Sở KHCN Lào Cai", "Sở Khoa học và Công nghệ Lào Cai"),
    ("Hợp tác xã Tú Lệ", "Hợp tác xã Tú Lệ"),
])
def test_abbreviations_are_written_out(written, expanded):
    from ipreg.batches.parties import expand

    assert expand(written) == expanded


def test_a_known_body_of_the_rows_unit_gets_its_official_name(gaz):
    from ipreg.batches.parties import written_out

    lao_cai = gaz.by_key[("new", "15")]
    assert written_out("Sở KHCN Lào Cai", lao_cai) == "Sở Khoa học và Công nghệ tỉnh Lào Cai"
    assert written_out("UBND tỉnh Lào Cai", lao_cai) == "Ủy ban nhân dân tỉnh Lào Cai"
    assert written_out("Hợp tác xã Mật ong Mù Cang Chải", lao_cai) == "Hợp tác xã Mật ong Mù Cang Chải"


@pytest.mark.parametrize("name, kind, gone, suggested", [
    ("Ủy ban nhân dân tỉnh Yên Bái", "province_pc", "Tỉnh Yên Bái", "Ủy ban nhân dân tỉnh Lào Cai"),
    ("Sở Khoa học và Công nghệ tỉnh Yên Bái", "dost", "Tỉnh Yên Bái", "Sở Khoa học và Công nghệ tỉnh Lào Cai"),
    ("UBND huyện Văn Chấn", "province_pc", "Huyện Văn Chấn", "Ủy ban nhân dân tỉnh Lào Cai"),
])
def test_a_party_named_after_a_gone_unit_is_found_with_its_successor(gaz, name, kind, gone, suggested):
    from ipreg.batches.parties import gone_unit

    found = gone_unit(gaz, name, kind, "manager")
    assert found is not None and found.unit.name == gone and found.suggested == suggested


@pytest.mark.parametrize("name, kind", [
    ("Ủy ban nhân dân tỉnh Lào Cai", "province_pc"), ("Sở Khoa học và Công nghệ tỉnh Ninh Bình", "dost"),
    ("Hợp tác xã Yên Bái", "cooperative"), ("Công ty TNHH Yên Bái", "enterprise"),
])
def test_a_party_of_a_unit_that_exists_is_not_warned_about(gaz, name, kind):
    from ipreg.batches.parties import gone_unit

    assert gone_unit(gaz, name, kind, "manager") is None


# --- a whole file ----------------------------------------------------------------------------------------

def test_a_file_in_vietnamese_previews_with_its_names_written_out(flagged, tmp_path):
    path = tmp_path / "vi.csv"
    path.write_text(VI_HEADER + VI_ROWS, encoding="utf-8")
    code, report = reassign(flagged, path, "--dry-run")
    assert code == 0 and report["errors"] == [] and report["changed"] == 2, report
    after = {c["reg_no"]: c["after"] for c in report["changes"]}
    assert after["00101"]["name"] == "Sở Khoa học và Công nghệ tỉnh Lào Cai"
    assert after["00101"]["written"] == "Sở KH&CN Lào Cai" and after["00101"]["kind"] == "dost"
    assert after["00017"]["name"] == "Ủy ban nhân dân tỉnh Ninh Bình" and after["00017"]["kind"] == "province_pc"
    written = [w for w in report["warnings"] if "written out as" in w["message"]]
    assert {(w["row"], w["column"]) for w in written} == {(2, "Chủ thể mới (new_party)"),
                                                         (3, "Chủ thể mới (new_party)")}


def test_problems_name_the_column_as_the_file_does(flagged, tmp_path):
    path = tmp_path / "vi.csv"
    header = VI_HEADER.replace("Vai trò (role)", "vai trò")
    path.write_text(header + VI_ROWS.replace("tổ chức quản lý", "người quản lý", 1), encoding="utf-8")
    code, report = reassign(flagged, path)
    problem = report["errors"][0]
    assert code == 2 and problem["row"] == 2 and problem["column"] == "vai trò"
    assert "neither holder nor manager" in problem["message"] and "tổ chức quản lý" in problem["suggestion"]


def test_a_party_of_a_gone_province_is_warned_about_in_the_dry_run(flagged, tmp_path):
    path = tmp_path / "old.csv"
    path.write_text(VI_HEADER + "CDĐL,00101,tổ chức quản lý,Ủy ban nhân dân tỉnh Yên Bái,UBND cấp tỉnh,15,"
                                "1/QĐ,20/07/2025,20/07/2025,\n", encoding="utf-8")
    code, report = reassign(flagged, path, "--dry-run")
    assert code == 0  # a warning: the officer decides
    warning = next(w for w in report["warnings"] if "no longer exists" in w["message"])
    assert warning["row"] == 2 and warning["column"] == "Chủ thể mới (new_party)"
    assert "Tỉnh Yên Bái" in warning["message"] and "Ủy ban nhân dân tỉnh Lào Cai" in warning["message"]


def test_a_rolled_back_file_is_applied_again_as_a_new_batch(flagged, tmp_path):
    from ipreg.batches import service
    from ipreg.extensions import db

    path = tmp_path / "vi.csv"
    path.write_text(VI_HEADER + VI_ROWS, encoding="utf-8")
    code, first = reassign(flagged, path)
    assert code == 0
    assert "already applied" in reassign(flagged, path)[1]["errors"][0]["message"]
    with flagged.app_context():
        service.rollback(db.session, first["batch"], reason="wrong decision number", actor="admin")
    code, again = reassign(flagged, path)
    assert code == 0 and again["batch"] != first["batch"] and again["repeats"] == first["batch"]
    assert "already applied" in reassign(flagged, path)[1]["errors"][0]["message"]  # applied again: once
    client = client_as(flagged, "boss", "admin")
    page = client.get(f"/admin/batches/{again['batch']}?lang=en").get_data(as_text=True)
    assert f"This file repeats batch {first['batch']}" in page


def test_the_batch_pages_show_the_offices_time_and_what_a_rollback_reopened(flagged, tmp_path):
    from ipreg.extensions import db
    from ipreg.models import Batch

    path = tmp_path / "vi.csv"
    path.write_text(VI_HEADER + VI_ROWS, encoding="utf-8")
    batch_id = reassign(flagged, path)[1]["batch"]
    runner = flagged.test_cli_runner()
    said = runner.invoke(args=["batches", "rollback", str(batch_id), "--reason", "wrong decision number"]).output
    assert f"Batch {batch_id} rolled back: 2 records restored" in said and "flags reopened" in said
    listed = runner.invoke(args=["batches", "list"]).output.splitlines()
    assert listed[0].split() == ["batch", "status", "records", "sha-256", "file"]
    assert listed[1].split()[:3] == [str(batch_id), "rolled_back", "2"]
    with flagged.app_context():
        batch = db.session.get(Batch, batch_id)
        result = batch.plan["rolled_back"]
        batch.created_at = datetime(2025, 7, 20, 10, 19)  # stored in UTC, as every table stores time
        db.session.commit()
    assert result["restored"] == 2 and result["reopened"] >= 2
    client = client_as(flagged, "boss", "admin")
    page = client.get(f"/admin/batches/{batch_id}?lang=en").get_data(as_text=True)
    assert "20/07/2025 17:19" in page  # Asia/Ho_Chi_Minh, UTC+7
    heading = page.split("<h2>")[1].split("</h2>")[0]
    assert "2 records restored" in heading and f"{result['reopened']} flags reopened" in heading
    assert "resolved" not in heading
    listing = client.get("/admin/batches").get_data(as_text=True)
    assert 'class="table-scroll"' in listing and 'class="cards"' in listing


def test_the_preview_shows_expansions_and_warnings_in_a_box_that_scrolls(flagged):
    client = client_as(flagged, "boss", "admin")
    token = csrf_token(client, "/admin/batches")
    body = VI_HEADER + VI_ROWS.splitlines()[0] + "\n"
    response = client.post("/admin/batches?lang=en", data={"csrf_token": token, "file": (
        io.BytesIO(body.encode()), "vi.csv", "text/csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "written in the file: Sở KH&amp;CN Lào Cai" in page
    assert "Sở KH&amp;CN Lào Cai written out as Sở Khoa học và Công nghệ tỉnh Lào Cai" in page
    assert page.count('class="table-scroll"') == 2
