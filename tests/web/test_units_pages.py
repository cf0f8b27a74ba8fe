"""Unit lookup pages and ``/api/v1/units``."""
import json

import pytest
from conftest import HAS_REAL_HISTORY, client_as


@pytest.fixture
def client(app):
    client = client_as(app, "reader", "ip_officer")
    return client


def test_api_unit_is_the_same_json_as_the_cli(client, runner):
    api = client.get("/api/v1/units/00631?vintage=old").get_json()
    cli = json.loads(runner.invoke(args=["units", "show", "00631", "--vintage", "old", "--json"]).output)
    assert api == cli
    assert [s["code"] for s in api["successors"]] == ["00175", "00592", "00637"]


def test_api_errors_are_json(client):
    response = client.get("/api/v1/units/00004?lang=en")
    assert response.status_code == 400 and "two units" in response.get_json()["error"]
    assert client.get("/api/v1/units/99999?vintage=old").status_code == 404
    assert client.get("/api/v1/units/1?vintage=bad").status_code == 422


def test_search_page_finds_by_name_in_either_vintage(client):
    page = client.get("/units/?q=khau+tinh+na+hang&vintage=old").get_data(as_text=True)
    assert "02263" in page and "Xã Khâu Tinh" in page
    page = client.get("/units/?q=Ba+Đình&vintage=new").get_data(as_text=True)
    assert "00004" in page


def test_unit_page_shows_successors_and_legal_basis(client):
    page = client.get("/units/old/00631").get_data(as_text=True)
    for code in ("00175", "00592", "00637"):
        assert code in page
    page = client.get("/units/new/31078").get_data(as_text=True)
    assert "Đặc khu Phú Quốc" in page and "UBTVQH15" in page


@pytest.mark.skipif(not HAS_REAL_HISTORY, reason="needs the real boundaries and ../shared/geodata/history")
def test_a_code_gone_before_2025_shows_its_life(client, runner):
    """Xã Nghĩa Hồ 07585 is on no list of 2025: its page shows it as it was, what it became and the act."""
    page = client.get("/units/old/07585").get_data(as_text=True)
    assert "Xã Nghĩa Hồ" in page and "31/12/2019" in page and "07525" in page
    assert "813/NQ-UBTVQH14" in page  # the resolution that merged it, from the dated events
    on = client.get("/units/old/00004?on=2010-01-01").get_data(as_text=True)
    assert "Phường Trúc Bạch" in on  # 00004 in 2010 (Phường Ba Đình from 2025-07-01)
    assert client.get("/units/old/07585?on=31/02/2010").status_code == 400
    api = client.get("/api/v1/units/07585?on=2015-01-01").get_json()
    cli = json.loads(runner.invoke(args=["units", "show", "07585", "--on", "2015-01-01", "--json"]).output)
    assert api == cli and api["successor_2025_06_30"]["code"] == "07525"
    resolved = client.get("/api/v1/units/resolve?q=Xã Nghĩa Hồ, Lục Ngạn, Bắc Giang&on=2008-06-25").get_json()
    assert resolved["match"]["code"] == "07525" and resolved["as_written"]["code"] == "07585"
