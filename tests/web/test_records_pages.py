"""Registry search, record page, exports and the records API, as an officer and as provincial staff."""
import csv
import io
import json
import re

from conftest import client_as


def test_search_is_accent_insensitive(officer):
    page = officer.get("/records/?q=nhan+long+hung+yen").get_data(as_text=True)
    assert "Nhãn lồng" in page and "00055" in page
    api = officer.get("/api/v1/records?q=nhan long hung yen").get_json()
    assert [i["reg_no"] for i in api["items"]] == ["00055"]


def test_filters_by_kind_province_and_holder_kind(officer):
    items = lambda qs: {i["reg_no"] for i in officer.get("/api/v1/records?per_page=200&" + qs).get_json()["items"]}  # noqa: E731
    assert items("kind=COLLECTIVE") and all(r.startswith("IPR-") for r in items("kind=COLLECTIVE"))
    assert "00041" in items("new_province=22") and "00055" not in items("new_province=22")
    assert "00055" in items("old_province=33")
    assert "00101" in items("new_province=15")  # Mù Cang Chải (Yên Bái) is now in Lào Cai
    assert items("holder_kind=farmers_union") and not items("holder_kind=foreign")
    assert officer.get("/api/v1/records?kind=PATENT").status_code == 422


def test_pagination_and_sorting(officer):
    first = officer.get("/api/v1/records?per_page=2&sort=reg_no").get_json()
    second = officer.get("/api/v1/records?per_page=2&page=2&sort=reg_no").get_json()
    assert first["total"] == second["total"] >= 4
    assert len(first["items"]) == 2 and not {i["reg_no"] for i in first["items"]} & {i["reg_no"] for i in second["items"]}


def test_export_has_the_screen_columns_and_neutralises_formulas(officer, loaded):
    from ipreg.extensions import db
    from ipreg.models import Registration

    with loaded.app_context():
        reg = db.session.query(Registration).filter_by(reg_no="00041").one()
        reg.product = "@SUM(A1)"
        db.session.commit()
    data = officer.get("/records/export.csv?q=ngan").get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert [r["product"] for r in rows if r["reg_no"] == "00041"] == ["'@SUM(A1)"]  # ngán of Quảng Ninh
    page = officer.get("/records/?q=ngan").get_data(as_text=True)
    table = page[page.index("<table"):page.index("</table>")]
    screen = re.findall(r"<th scope=\"col\">", table)
    first_row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", table, re.S).group(1)
    assert len(list(rows[0])) == len(screen) == first_row.count("<td")  # one export column per screen column
    assert list(rows[0]) == ["kind", "reg_no", "name", "product", "status", "granted_on", "holder", "manager",
                             "provinces_old", "provinces_new", "open_flags"]
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(officer.get("/records/export.xlsx?q=ngan").get_data()))
    values = [c.value for row in book.active.iter_rows(min_row=2) for c in row]
    assert "'@SUM(A1)" in values


def test_record_page_and_json(officer):
    record = officer.get("/api/v1/records/GI/00041").get_json()
    for key in ("kind", "reg_no", "name", "product", "status", "granted_on", "holder", "manager", "area", "history",
                "flags"):
        assert key in record
    assert record["holder"] == {"name": "Nhà nước Việt Nam", "kind": "state", "unit": None}
    assert record["manager"]["unit"] == {"code": "22", "name": "Tỉnh Quảng Ninh", "vintage": "old"}
    area = record["area"]
    assert area["provinces_new"] == ["22"] and area["unchanged_perimeter"]
    assert area["reexpressed"] == "Tỉnh Quảng Ninh (toàn bộ)"
    assert all(set(u) >= {"code", "name", "province_code", "coverage", "share"} for u in area["units_new"])
    page = officer.get(f"/records/{record['internal_id']}").get_data(as_text=True)
    assert "Tỉnh Quảng Ninh (toàn bộ)" in page
    # the province entry stands for every old commune of Quảng Ninh: listed, in the JSON and on the page
    communes = area["communes_old"]
    assert len(communes) == area["old_communes"] > 100 and all(c["code"].isdigit() for c in communes)
    assert f"/units/old/{communes[0]['code']}" in page
    before = officer.get("/api/v1/records/GI/00041?on=2000-01-01").get_json()
    assert before["manager"] is None and before["area"] is None  # granted in 2014: nothing held in 2000
    assert officer.get(f"/records/{record['internal_id']}?on=2000-01-01").status_code == 200


def test_part_coverage_is_worded_like_inao(officer):
    record = officer.get("/api/v1/records/GI/00055").get_json()
    parts = [u for u in record["area"]["units_new"] if u["coverage"] == "part"]
    assert parts, record["area"]
    assert "(một phần: địa bàn" in record["area"]["reexpressed"]
    assert not record["area"]["unchanged_perimeter"]


def test_cli_and_api_give_the_same_record(officer, loaded):
    runner = loaded.test_cli_runner()
    cli = json.loads(runner.invoke(args=["records", "show", "GI", "00041", "--json"]).output)
    assert cli == officer.get("/api/v1/records/GI/00041").get_json()


def test_registry_exports_open_in_gis(officer, tmp_path):
    import pyogrio

    for fmt in ("geojson", "gpkg"):
        path = tmp_path / f"registry.{fmt}"
        path.write_bytes(officer.get(f"/records/registry.{fmt}").get_data())
        frame = pyogrio.read_dataframe(path)
        assert len(frame) >= 5 and frame.geometry.notna().sum() >= 4
        assert "area_reexpressed" in frame.columns
    csv_text = officer.get("/records/registry.csv").get_data().decode("utf-8-sig")
    assert "area_reexpressed" in csv_text.splitlines()[0]


def test_provincial_staff_sees_only_their_province(loaded):
    client = client_as(loaded, "staff.qn", "provincial_staff", ["22"])
    items = client.get("/api/v1/records?per_page=200").get_json()["items"]
    assert items and all("22" in i["provinces_new"].split(", ") for i in items)
    other = client.get("/api/v1/records/GI/00055")
    assert other.status_code == 404  # answered as a missing id: nothing tells that it exists
    page = client.get("/records/?q=hung+yen").get_data(as_text=True)
    assert "00055" not in page


def test_anonymous_users_are_sent_to_log_in(loaded):
    client = loaded.test_client()
    assert client.get("/records/").status_code == 302
    assert client.get("/api/v1/records").status_code == 401


def test_public_read_shows_registered_records_only(loaded):
    loaded.config["IPREG_PUBLIC_READ"] = True
    client = loaded.test_client()
    items = client.get("/api/v1/records?per_page=200").get_json()["items"]
    assert items and {i["status"] for i in items} == {"registered"}


def test_public_read_leaves_the_officers_flags_out(loaded):
    """Records and maps for the public; flags (and their counts) only for signed-in users."""
    from ipreg.extensions import db
    from ipreg.reform.engine import run_registry

    with loaded.app_context():
        run_registry(db.session)
        db.session.commit()
    loaded.config["IPREG_PUBLIC_READ"] = True
    public = loaded.test_client()
    record = public.get("/api/v1/records/GI/00055").get_json()
    assert record["reg_no"] == "00055" and "flags" not in record
    page = public.get(f"/records/{record['internal_id']}").get_data(as_text=True)
    assert "/review/flags/" not in page
    overview = public.get("/maps/overview.json").get_json()["values"]
    assert overview and all("open_flags" not in v for v in overview.values())
    officer = client_as(loaded, "officer", "ip_officer")
    assert officer.get("/api/v1/records/GI/00055").get_json()["flags"]
    assert all("open_flags" in v for v in officer.get("/maps/overview.json").get_json()["values"].values())
