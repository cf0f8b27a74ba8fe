"""Every list, export, map and API answer a provincial user can open shows only the records of their provinces.

The routes are read from the app itself (every GET route without an argument, and each export format), so a
new list that forgets ``registry/visibility.py`` fails here: what an administrator's answer shows of another
province's records, the provincial user's answer must not show.
"""
from matrix_world import clients, world  # noqa: F401 - a fixture

FORMATS = {"fmt": ("csv", "geojson")}
SKIP = {"static", "auth.logout", "api-docs.openapi_json"}


def _foreign_markers(app, province: str) -> set[str]:
    """Internal ids and distinctive names of the records outside ``province`` (names that are no unit's)."""
    from sqlalchemy import select

    from ipreg.core.text import fold
    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.models import RecordProvince, Registration

    with app.app_context():
        inside = select(RecordProvince.registration_id).where(RecordProvince.vintage == "new",
                                                              RecordProvince.province_code == province)
        records = db.session.execute(select(Registration.internal_id, Registration.name)
                                     .where(Registration.id.not_in(inside))).all()
        places = {fold(u.short_name) for u in get_gazetteer(db.session).units.values()}
    names = {name for _id, name in records if len(name.split()) >= 3 and fold(name) not in places}
    return {internal_id for internal_id, _name in records} | names


def _urls(app) -> list[str]:
    from flask import url_for

    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in SKIP:
                continue
            if not rule.arguments:
                urls.append(url_for(rule.endpoint))
            elif set(rule.arguments) == {"fmt"}:
                urls += [url_for(rule.endpoint, fmt=f) for f in FORMATS["fmt"]]
    return urls + ["/review/?status=all", "/review/stats?format=csv&table=provinces", "/maps/?vintage=old"]


def _textual(mimetype: str) -> bool:
    return mimetype.startswith("text/") or mimetype.endswith("json")


def test_no_list_shows_another_provinces_records(world):  # noqa: F811
    app, _values, tokens = world
    by_role = clients(app)
    markers = _foreign_markers(app, "22")
    assert len(markers) >= 5  # ids and names of the records elsewhere (ten on the small fixture)
    compared, leaks = [], []
    for url in _urls(app):
        headers = {"Authorization": f"Bearer {tokens['admin']}"} if url.startswith("/api/") else {}
        seen_by_admin = by_role["admin"].get(url, headers=headers)
        if seen_by_admin.status_code != 200 or not _textual(seen_by_admin.mimetype):
            continue
        admin_text = seen_by_admin.get_data(as_text=True)
        shown = {m for m in markers if m in admin_text}
        if not shown:
            continue
        compared.append(url)
        headers = {"Authorization": f"Bearer {tokens['staff_same']}"} if url.startswith("/api/") else {}
        staff = by_role["staff_same"].get(url, headers=headers)
        if staff.status_code == 200:
            leaked = {m for m in shown if m in staff.get_data(as_text=True)}
            if leaked:
                leaks.append(f"{url}: {sorted(leaked)[:5]}")
    assert leaks == []
    assert {"/records/", "/records/export.csv", "/records/registry.geojson", "/api/v1/records",
            "/api/v1/flags", "/review/"} <= set(compared), compared
