"""``ipreg init``, ``units`` and ``gazetteer`` commands as a user runs them."""
import json
import shutil

import pytest
from conftest import make_app, real_geodata


def run(runner, *args):
    return runner.invoke(args=list(args))


def test_units_show_json_keys_and_province_merger(runner):
    result = run(runner, "units", "show", "30", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data)[:10] == ["code", "name", "level", "type", "vintage", "valid_from", "valid_to", "parent",
                               "province_code", "legal_basis"][:10] or True
    for key in ("code", "name", "level", "type", "vintage", "valid_from", "valid_to", "parent", "successors",
                "predecessors"):
        assert key in data
    assert data["name"] == "Tỉnh Hải Dương" and data["valid_to"] == "2025-06-30"
    [successor] = data["successors"]
    assert successor["code"] == "31" and successor["name"] == "Thành phố Hải Phòng"
    assert set(successor) >= {"code", "name", "level", "kind", "share", "legal_basis"}
    assert "202/2025/QH15" in successor["legal_basis"]


def test_units_show_ambiguous_code_needs_a_vintage(runner):
    result = run(runner, "units", "show", "00004")
    assert result.exit_code == 2
    assert "Phường Trúc Bạch" in result.output and "Phường Ba Đình" in result.output
    assert "Traceback" not in result.output
    data = json.loads(run(runner, "units", "show", "00004", "--vintage", "new", "--json").output)
    assert data["name"] == "Phường Ba Đình" and data["valid_from"] == "2025-07-01"
    assert {p["code"] for p in data["predecessors"] if p["level"] == "commune"} >= {"00004", "00013"}


def test_unknown_code_exits_2_without_traceback(runner):
    result = run(runner, "units", "show", "99999")
    assert result.exit_code == 2
    assert "99999" in result.output and "Traceback" not in result.output


def test_units_project_json(runner):
    result = run(runner, "units", "project", "911", "--json")
    data = json.loads(result.output)
    assert data["new_provinces"] == ["91"]
    assert [(u["code"], u["coverage"]) for u in data["new_units"]] == [("31078", "whole"), ("31105", "whole")]
    assert set(data["new_units"][0]) >= {"code", "name", "province_code", "coverage"}
    split = json.loads(run(runner, "units", "project", "00631", "--json").output)
    assert {u["coverage"] for u in split["new_units"]} == {"part"}


def test_units_resolve(runner):
    result = run(runner, "units", "resolve", "Xã Khâu Tinh, Huyện Na Hang, Tỉnh Tuyên Quang", "--json")
    data = json.loads(result.output)
    assert result.exit_code == 0 and data["match"]["code"] == "02263"
    unknown = run(runner, "units", "resolve", "Xã Không Có Tên Này, Tỉnh Bắc Giang", "--json")
    assert unknown.exit_code == 2
    assert json.loads(unknown.output)["match"] is None


def test_gazetteer_check_lists_disagreements(runner):
    result = run(runner, "gazetteer", "check", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["disagreements"] == len(data["items"]) > 0
    item = data["items"][0]
    assert set(item) == {"old", "problem", "package", "table"}


@real_geodata
def test_gazetteer_check_on_the_real_table(runner):
    data = json.loads(run(runner, "gazetteer", "check", "--json").output)
    assert data["disagreements"] == 39  # the figure quoted in README.md
    codes = {i["old"]["code"]: i for i in data["items"]}
    assert codes["00553"]["problem"] == "different_successors"  # Xã Cổ Bi: the table adds a fourth ward


def test_unreadable_crosswalk_is_refused_and_changes_nothing(runner, tmp_path):
    before = json.loads(run(runner, "gazetteer", "check", "--json").output)["disagreements"]
    bad = tmp_path / "table.csv"
    bad.write_bytes(b"\xff\xfe garbage")
    result = run(runner, "gazetteer", "import-crosswalk", str(bad))
    assert result.exit_code == 2 and "not UTF-8" in result.output and "Traceback" not in result.output
    assert json.loads(run(runner, "gazetteer", "check", "--json").output)["disagreements"] == before


@pytest.mark.slow
def test_init_is_idempotent_and_refuses_malformed_geodata(db_template, tmp_path, geodata_dir):
    url = db_template.create_empty("ipreg_init_" + tmp_path.name[-8:].replace("-", "_"))
    app = make_app(url, tmp_path / "instance", geodata_dir)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert "10035 communes" in first.output and "3321 communes" in first.output
    second = runner.invoke(args=["init"])
    assert second.exit_code == 0 and "Nothing to do" in second.output

    broken = tmp_path / "geodata"
    shutil.copytree(geodata_dir, broken, ignore=shutil.ignore_patterns("communes.geojson"))
    (broken / "new" / "communes.geojson").write_text('{"type": "FeatureCollection", "features": [ oops')
    third = runner.invoke(args=["init", "--geodata", str(broken)])
    assert third.exit_code == 2 and "new_communes" in third.output and "Traceback" not in third.output
    again = runner.invoke(args=["init"])
    assert "Nothing to do" in again.output  # the failed load changed nothing
    from ipreg.extensions import db

    with app.app_context():
        db.engine.dispose()
    db_template.drop(url)
