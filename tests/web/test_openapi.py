"""The OpenAPI description of the JSON API, and schemathesis against it: no server errors."""
import pytest
import schemathesis
from conftest import make_user
from hypothesis import HealthCheck, settings


@pytest.fixture
def api_app(loaded):
    from ipreg.accounts.users import get_user, issue_token
    from ipreg.extensions import db
    from ipreg.reform.engine import run_registry

    make_user(loaded, "robot", "ip_officer")
    with loaded.app_context():
        run_registry(db.session)
        loaded.config["TEST_API_TOKEN"] = issue_token(db.session, get_user(db.session, "robot"), "schemathesis")
        db.session.commit()
    return loaded


@pytest.fixture
def api_schema(api_app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", api_app)


def test_openapi_document_is_served_and_lists_the_api(api_app):
    spec = api_app.test_client().get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    paths = set(spec["paths"])
    assert {"/api/v1/units/{code}", "/api/v1/records", "/api/v1/records/{kind}/{reg_no}", "/api/v1/flags",
            "/api/v1/flags/{flag_id}/accept"} <= paths


def test_api_never_answers_with_a_server_error(api_schema, api_app):
    """Every operation, with cases generated from its schema (valid and invalid), authenticated by a token."""
    from hypothesis import given

    token = api_app.config["TEST_API_TOKEN"]
    failures, calls = [], 0
    operations = [item.ok() for item in api_schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=20, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def exercise(case):
            nonlocal calls
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            calls += 1
            if response.status_code >= 500:
                failures.append((case.method, case.formatted_path, case.query, case.body, response.text[:300]))

        exercise()
    assert calls > 100
    assert failures == []
