"""Unit lookup pages and ``/api/v1/units``."""
import json

import pytest
from conftest import client_as


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
