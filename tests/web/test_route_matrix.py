"""Every route of the app, for every role and for a provincial user of another province.

The expected status comes from each view's declared permission (``@requires``) and the role's permissions;
a route without a declaration fails the test, so no route is left unclassified.
"""
import re

from conftest import PASSWORD, login
from flask import Flask
from matrix_world import clients, world  # noqa: F401 - a fixture

# Routes that need no permission by design, and why.
EXEMPT = {
    "static": "static files (CSS, JS, vendored Leaflet)",
    "api-docs.openapi_json": "the OpenAPI description of the API (no data)",
}
ROLES = ("anonymous", "admin", "ip_officer", "staff_same", "staff_other")
# Statuses that are the right answer to the matrix's empty request, although not "access".
EXPECTED = {("auth.login", "POST"): {401}}  # no user name and password: the log-in is refused


def permission_of(app: Flask, endpoint: str, method: str) -> str | None:
    view = app.view_functions[endpoint]
    if hasattr(view, "view_class"):
        handler = getattr(view.view_class, method.lower(), None)
        return getattr(handler, "ipreg_permission", None)
    return getattr(view, "ipreg_permission", None)


def expected_allowed(app, role: str, permission: str) -> bool:
    from ipreg.accounts.users import PERMISSIONS

    if permission == "public":
        return True
    if role == "anonymous":
        return False
    base = {"staff_same": "provincial_staff", "staff_other": "provincial_staff"}.get(role, role)
    return permission in PERMISSIONS[base]


def test_every_route_for_every_role(world):
    app, values, tokens = world
    by_role = clients(app)
    unclassified, failures, checked = [], [], 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in EXEMPT:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            permission = permission_of(app, rule.endpoint, method)
            if permission is None:
                unclassified.append(f"{method} {rule.rule}")
                continue
            missing = [a for a in rule.arguments if a not in values]
            assert not missing, f"no sample value for {missing} in {rule.rule}: add one to the fixture"
            url = _build(app, rule, values)
            # about one record or flag, or a map of one province: refused to a user of another province
            scoped = any(a in rule.arguments for a in ("internal_id", "flag_id", "reg_no")) or (
                rule.endpoint.startswith("maps.") and "code" in rule.arguments)
            for role in ROLES:
                status = _call(by_role[role], url, method, rule.rule.startswith("/api/"), tokens.get(role))
                checked += 1
                if rule.endpoint == "auth.logout" and role != "anonymous":
                    by_role[role] = clients(app)[role]  # logged out by the call: log in again
                allowed = expected_allowed(app, role, permission) and not (scoped and role == "staff_other")
                if status in EXPECTED.get((rule.endpoint, method), ()):
                    continue
                if status >= 500:
                    failures.append(f"{role} {method} {url}: {status}")
                elif allowed and status in (401, 403):
                    failures.append(f"{role} {method} {url}: {status}, expected access ({permission})")
                elif not allowed and status not in (302, 401, 403, 404):
                    failures.append(f"{role} {method} {url}: {status}, expected a refusal ({permission})")
                elif not allowed and role != "anonymous" and status not in (403, 404):
                    failures.append(f"{role} {method} {url}: {status}, expected 403")
    assert not unclassified, f"routes without a declared permission: {unclassified}"
    assert not failures, "\n".join(failures)
    assert checked > 200


def _build(app, rule, values):
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})


def _call(client, url, method, api, token):
    headers = {"Authorization": f"Bearer {token}"} if api and token else {}
    if method == "GET":
        return client.get(url, headers=headers).status_code
    if api:
        return client.post(url, json={}, headers=headers).status_code
    token = _token(client)
    return client.post(url, data={"csrf_token": token} if token else {}, headers=headers).status_code


def _token(client):
    page = client.get("/login").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    return match.group(1) if match else None


def test_denied_requests_are_audited(world):
    from sqlalchemy import select

    from ipreg.extensions import db
    from ipreg.models import AuditEntry

    app, values, _ = world
    staff = app.test_client()
    login(staff, "staff.hy")
    assert staff.get(f"/records/{values['internal_id']}").status_code == 404  # as if it did not exist
    assert staff.get("/admin/batches").status_code == 403
    anonymous = app.test_client()
    assert anonymous.get("/api/v1/records").status_code == 401
    with app.app_context():
        denied = db.session.scalars(select(AuditEntry).where(AuditEntry.outcome == "denied")).all()
    paths = {(e.actor, e.object_id) for e in denied}
    assert ("staff.hy", f"/records/{values['internal_id']}") in paths
    assert ("staff.hy", "/admin/batches") in paths and (None, "/api/v1/records") in paths
    assert PASSWORD not in str([e.after for e in denied])
