"""``ipreg records import``: the per-row report, all-or-nothing, re-import, history, bad files."""

import json

import pytest
from conftest import HAS_REAL_HISTORY, REAL_SAMPLE, real_history
from sqlalchemy import func, select

HEADER = ("kind,reg_no,name,product,granted_on,status,holder,holder_kind,holder_unit,manager,manager_kind,"
          "manager_unit,area_units,area_vintage,notes\n")
ROW = ("GI,{reg},Thử nghiệm {reg},Chè,2012-05-01,registered,Nhà nước Việt Nam,state,,"
       "Sở Khoa học và Công nghệ tỉnh Phú Thọ,dost,25,\"Huyện Đoan Hùng, Tỉnh Phú Thọ\",2025-06-30,\n")


def count(app):
    from ipreg.extensions import db
    from ipreg.models import RecordFact, Registration

    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Registration)),
                db.session.scalar(select(func.count()).select_from(RecordFact)))


def run_import(runner, path, *flags):
    result = runner.invoke(args=["records", "import", str(path), "--json", *flags])
    return result.exit_code, json.loads(result.stdout[result.stdout.index("{"):])


def test_sample_imports_with_a_per_row_report(app, runner, sample_csv):
    """Every row of the sample gets in: the 2008 list of Lục Ngạn is read on its own date, and Xã Nghĩa Hồ
    (gone since 2020) is followed to Phường Chũ with a warning that says when it ceased."""
    code, report = run_import(runner, sample_csv, "--dry-run")
    assert code == 0 and count(app) == (0, 0)
    assert set(report) >= {"created", "updated", "unchanged", "errors", "rows"}
    for problem in report["warnings"]:
        assert set(problem) >= {"row", "column", "value", "message", "candidates"}
    rejected = {e["row"] for e in report["errors"]}
    gone = [w for w in report["warnings"] if "Nghĩa Hồ" in w["value"]]
    if HAS_REAL_HISTORY:  # both samples list Xã Nghĩa Hồ; without the dated history it is only unresolved
        assert gone, report["warnings"]
        assert gone[0]["column"] == "area_units" and "ceased on 2020-01-01" in gone[0]["message"]
        assert "07525" in gone[0]["message"]

    code, report = run_import(runner, sample_csv, "--partial")
    assert code == 0
    rows = sum(1 for _ in sample_csv.open(encoding="utf-8")) - 1
    assert report["created"] == rows - len(rejected)
    assert report["rows"]["complete"] + report["rows"]["incomplete"] == report["created"]
    warnings = {(w["row"], w["column"]) for w in report["warnings"]}
    decision = [w for w in report["warnings"] if "decision number" in w["message"]]
    assert decision and decision[0]["column"] == "reg_no"
    assert warnings
    code, again = run_import(runner, sample_csv, "--partial")
    assert code == 0 and again["created"] == 0 and again["updated"] == 0
    assert again["unchanged"] == report["created"]


@pytest.mark.skipif(not REAL_SAMPLE.exists(), reason="needs the real sample file ../shared/registry/sample_records.csv")
@real_history  # its 2008 Lục Ngạn list is read on its date, and the warnings name real units
def test_real_sample_report(runner):
    code, report = run_import(runner, REAL_SAMPLE)
    assert code == 0 and report["created"] == 18 and report["rejected_rows"] == []
    assert report["rows"] == {"complete": 18, "incomplete": 0, "refused": 0}
    messages = " ".join(w["message"] for w in report["warnings"])
    assert "Thị xã Hòa Thành" in messages  # a district that became a town, read with a warning
    assert "QĐ 34713/QĐ-SHTT" in messages


def test_dry_run_writes_nothing(app, runner, tmp_path):
    path = tmp_path / "one.csv"
    path.write_text(HEADER + ROW.format(reg="90001"), encoding="utf-8")
    code, report = run_import(runner, path, "--dry-run")
    assert code == 0 and report["created"] == 1 and report["dry_run"]
    assert count(app) == (0, 0)


def test_changed_row_updates_and_keeps_history(app, runner, tmp_path):
    path = tmp_path / "one.csv"
    path.write_text(HEADER + ROW.format(reg="90002"), encoding="utf-8")
    assert run_import(runner, path)[0] == 0
    changed = ROW.format(reg="90002").replace("Sở Khoa học và Công nghệ tỉnh Phú Thọ,dost,25",
                                              "Ủy ban nhân dân tỉnh Phú Thọ,province_pc,25")
    path.write_text(HEADER + changed, encoding="utf-8")
    code, report = run_import(runner, path)
    assert code == 0 and report["updated"] == 1
    shown = json.loads(runner.invoke(args=["records", "show", "GI", "90002", "--json"]).output)
    assert shown["manager"]["name"] == "Ủy ban nhân dân tỉnh Phú Thọ"
    managers = [h["value"]["name"] for h in shown["history"] if h["role"] == "manager"]
    assert managers == ["Sở Khoa học và Công nghệ tỉnh Phú Thọ", "Ủy ban nhân dân tỉnh Phú Thọ"]
    before = json.loads(runner.invoke(args=["records", "show", "GI", "90002", "--on", "2020-01-01", "--json"]).output)
    assert before["manager"]["name"] == "Sở Khoa học và Công nghệ tỉnh Phú Thọ"


def test_units_are_read_on_the_rows_date(runner, tmp_path):
    rows = [ROW.format(reg="90003").replace('"Huyện Đoan Hùng, Tỉnh Phú Thọ",2025-06-30', "00004,2025-06-30"),
            ROW.format(reg="90004").replace('"Huyện Đoan Hùng, Tỉnh Phú Thọ",2025-06-30', "00004,2025-07-01")
            .replace("dost,25", "dost,01")]
    path = tmp_path / "codes.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    code, report = run_import(runner, path)
    assert code == 0, report
    old = json.loads(runner.invoke(args=["records", "show", "GI", "90003", "--json"]).output)
    new = json.loads(runner.invoke(args=["records", "show", "GI", "90004", "--json"]).output)
    assert old["area"]["written"][0]["name"] == "Phường Trúc Bạch"
    assert new["area"]["written"][0]["name"] == "Phường Ba Đình"


def test_vietnamese_headers_and_xlsx(runner, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Loại", "Số đăng ký", "Tên", "Sản phẩm", "Ngày cấp", "Tình trạng", "Chủ sở hữu",
                  "Loại chủ sở hữu", "Địa bàn chủ sở hữu", "Tổ chức quản lý", "Loại tổ chức quản lý",
                  "Địa bàn tổ chức quản lý", "Khu vực địa lý", "Ngày của danh mục địa bàn", "Ghi chú"])
    sheet.append(["CDDL", "90005", "Thử XLSX", "Bưởi", "08/02/2006", "đã cấp", "Nhà nước Việt Nam", "state", "",
                  "Sở Khoa học và Công nghệ tỉnh Phú Thọ", "dost", "25", "Huyện Đoan Hùng, Tỉnh Phú Thọ", "", ""])
    path = tmp_path / "vi.xlsx"
    book.save(path)
    code, report = run_import(runner, path)
    assert code == 0 and report["created"] == 1, report


MARK = ("COLLECTIVE,{reg},Mật ong {reg},Mật ong,2016-01-10,registered,Hội Nuôi ong Mèo Vạc,association,"
        "\"Huyện Mèo Vạc, Tỉnh Hà Giang\",,,,,2025-06-30,")


def test_optional_term_columns_are_imported_and_kept_when_absent(runner, tmp_path):
    path = tmp_path / "terms.csv"
    path.write_text(HEADER.rstrip("\n") + ",nice_classes,filing_date\n" + MARK.format(reg="90010") + ",30; 5,2014-03-01\n",
                    encoding="utf-8")
    code, report = run_import(runner, path)
    assert code == 0, report
    shown = json.loads(runner.invoke(args=["records", "show", "COLLECTIVE", "90010", "--json"]).output)
    assert (shown["nice_classes"], shown["filing_date"]) == ("5, 30", "2014-03-01")
    assert shown["expiry_date"] == "2024-03-01"  # ten years from filing (Law on IP, art. 93(6))
    assert [w["column"] for w in report["warnings"]] == ["filing_date"]  # the term ended: renewed or expired?

    path.write_text(HEADER + MARK.format(reg="90010") + "\n", encoding="utf-8")  # the 15-column format
    code, report = run_import(runner, path)
    assert code == 0 and report["unchanged"] == 1, report
    shown = json.loads(runner.invoke(args=["records", "show", "COLLECTIVE", "90010", "--json"]).output)
    assert shown["nice_classes"] == "5, 30" and shown["expiry_date"] == "2024-03-01"


@pytest.mark.parametrize("columns, values, column, message", [
    ("nice_classes", "30", "nice_classes", "Nice classes belong to marks"),
    ("expiry_date", "2030-01-01", "expiry_date", "protected indefinitely"),
])
def test_a_gi_has_no_classes_and_no_term(app, runner, tmp_path, columns, values, column, message):
    path = tmp_path / "gi.csv"
    path.write_text(HEADER.rstrip("\n") + f",{columns}\n" + ROW.format(reg="90011").rstrip("\n") + f",{values}\n",
                    encoding="utf-8")
    code, report = run_import(runner, path)
    assert code == 2 and count(app) == (0, 0)
    assert [(e["column"], message in e["message"]) for e in report["errors"]] == [(column, True)]


@pytest.mark.parametrize("values, message", [("46,2014-03-01,", "are not Nice classes"),
                                             ("30,2014-03-01,2013-01-01", "is not after the filing date")])
def test_bad_term_values_are_rejected(app, runner, tmp_path, values, message):
    path = tmp_path / "mark.csv"
    path.write_text(HEADER.rstrip("\n") + ",nice_classes,filing_date,expiry_date\n" + MARK.format(reg="90012")
                    + f",\"{values.split(',')[0]}\",{values.split(',', 1)[1]}\n", encoding="utf-8")
    code, report = run_import(runner, path)
    assert code == 2 and count(app) == (0, 0)
    assert any(message in e["message"] for e in report["errors"]), report["errors"]


def test_codes_in_number_cells_are_not_taken_at_face_value(app, runner, tmp_path):
    """A spreadsheet drops the leading zeros of codes typed as numbers: 631 may be commune 00631 (Phường Mễ
    Trì) or district 631; the import asks instead of guessing, and accepts a number only one unit can be."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    row = ["GI", "90020", "Thử số", "Chè", "2012-05-01", "registered", "Nhà nước Việt Nam", "state", None,
           "Sở Khoa học và Công nghệ tỉnh Phú Thọ", "dost", 25, 631, "2025-06-30", None]
    sheet.append(row)
    path = tmp_path / "numbers.xlsx"
    book.save(path)
    code, report = run_import(runner, path, "--strict")
    assert code == 2 and count(app) == (0, 0)
    [problem] = report["errors"]
    assert problem["column"] == "area_units" and "leading zeros are lost" in problem["message"]
    assert {c["code"] for c in problem["candidates"]} == {"631", "00631"}
    code, report = run_import(runner, path, "--dry-run")  # without --strict: kept, incomplete, with candidates
    assert code == 0 and report["rows"] == {"complete": 0, "incomplete": 1, "refused": 0}
    assert {c["code"] for c in report["incomplete"][0]["candidates"]} == {"631", "00631"}
    sheet.delete_rows(2)
    sheet.append(row[:12] + ["00631"] + row[13:])  # the area written as text; the province still a number
    book.save(path)
    code, report = run_import(runner, path)
    assert code == 0 and report["created"] == 1, report
    assert [w["column"] for w in report["warnings"]] == ["manager_unit"]  # read as province 25, with a warning


def bad(tmp_path, name, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("name, make, message", [
    ("cp.csv", lambda: (HEADER + ROW.format(reg="1")).encode("cp1258", errors="replace"), "not UTF-8"),
    ("utf16.csv", lambda: (HEADER + ROW.format(reg="1")).encode("utf-16"), "saved as UTF-16 text"),
    ("cols.csv", lambda: b"kind,reg_no\nGI,1\n", "Missing columns"),
    ("nomanager.csv", lambda: (HEADER.replace(",manager,manager_kind,manager_unit", "")
                               + ROW.format(reg="1").replace(",Sở Khoa học và Công nghệ tỉnh Phú Thọ,dost,25", "")).encode(),
     "Missing columns: manager, manager_kind, manager_unit"),
    ("kind.csv", lambda: (HEADER + ROW.format(reg="1").replace("GI,", "PATENT,", 1)).encode(), "Unknown kind"),
    ("dup.csv", lambda: (HEADER + ROW.format(reg="7") + ROW.format(reg="7")).encode(), "appears again"),
    ("dupnone.csv", lambda: (HEADER + ROW.format(reg="").replace("Thử nghiệm ", "Thử nghiệm")
                             + ROW.format(reg="").replace("Thử nghiệm ", "Thử nghiệm")).encode(),
     "without a number and with the same product and holder, appears again"),
    ("date.csv", lambda: (HEADER + ROW.format(reg="1").replace("2012-05-01", "31/02/2012")).encode(), "is not a date"),
    ("formula.csv", lambda: (HEADER + ROW.format(reg="1").replace("Chè", "=1+1")).encode(), "formula"),
    ("empty.csv", lambda: b"", "empty"),
    ("renamed.csv", lambda: b"PK\x03\x04" + b"\x00" * 100, "binary"),
])
def test_bad_files_give_a_clear_report_and_write_nothing(app, runner, tmp_path, name, make, message):
    code, report = run_import(runner, bad(tmp_path, name, make()))
    assert code == 2
    assert any(message in e["message"] for e in report["errors"]), report["errors"]
    assert count(app) == (0, 0)


def test_xlsx_with_formulas_is_refused(app, runner, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADER.strip().split(","))
    book.active.append(["GI", "1", "=HYPERLINK(\"http://x\")", "", "", "", "Nhà nước Việt Nam", "state"])
    path = tmp_path / "f.xlsx"
    book.save(path)
    code, report = run_import(runner, path)
    assert code == 2 and "formula" in report["errors"][0]["message"] and count(app) == (0, 0)


def test_a_50_mb_file_is_refused_before_parsing(app, runner, tmp_path):
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(HEADER)
        line = ROW.format(reg="1")
        for _ in range(50 * 1024 * 1024 // len(line.encode()) + 1):
            fh.write(line)
    code, report = run_import(runner, path)
    assert code == 2 and "limit" in report["errors"][0]["message"] and count(app) == (0, 0)


def test_failure_half_way_changes_nothing(app, sample_csv, monkeypatch):
    from ipreg.extensions import db
    from ipreg.registry import record_writer
    from ipreg.registry.record_import import import_records

    written = []

    def fact_row_that_fails(*args, **kwargs):  # the fourth record's history fails after three were written
        written.append(args[0])
        if len(set(written)) > 3:
            raise RuntimeError("injected failure")
        return real_fact_row(*args, **kwargs)

    real_fact_row = record_writer.fact_row
    monkeypatch.setattr(record_writer, "fact_row", fact_row_that_fails)
    with app.app_context():
        with pytest.raises(RuntimeError, match="injected"):
            import_records(db.session, sample_csv.read_bytes(), "s.csv", partial=True)
    assert count(app) == (0, 0)


def test_an_unreadable_file_still_gets_the_json_report(app, runner, tmp_path):
    code, report = run_import(runner, tmp_path / "missing.csv")
    assert code == 2 and (report["created"], report["updated"], report["unchanged"]) == (0, 0, 0)
    assert "cannot read" in report["errors"][0]["message"] and report["errors"][0]["row"] is None
    assert count(app) == (0, 0)


def test_a_decision_number_in_the_number_column_is_updated_on_re_import(runner, tmp_path):
    """The 15-column format: a decision number written as reg_no is the record's decision, and a corrected
    one in a later file replaces it (the optional decision_no column is absent, not empty)."""
    path = tmp_path / "decision.csv"
    first = ROW.format(reg="QĐ 1/QĐ-SHTT")
    path.write_text(HEADER + first, encoding="utf-8")
    assert run_import(runner, path)[0] == 0
    path.write_text(HEADER + first.replace("QĐ 1/QĐ-SHTT", "QĐ 2/QĐ-SHTT", 1), encoding="utf-8")  # same name
    code, report = run_import(runner, path)
    assert code == 0 and report["updated"] == 1, report
    shown = json.loads(runner.invoke(args=["records", "show", "GI", "IPR-000001", "--json"]).stdout)
    assert shown["reg_no"] is None and shown["decision_no"] == "QĐ 2/QĐ-SHTT"
