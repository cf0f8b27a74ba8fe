"""An uploaded area polygon is kept beside the unit list, and where they disagree is shown."""
import io
import json

import shapely
from conftest import csrf_token
from shapely.geometry import mapping


def commune_polygon(app, codes):
    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.spatial.store import get_store

    with app.app_context():
        gaz = get_gazetteer(db.session)
        store = get_store(db.session, gaz.version)
        return shapely.union_all([store.get(gaz.by_key[("new", c)].id) for c in codes])


def upload(client, internal_id, version, content: bytes):
    token = csrf_token(client, f"/records/{internal_id}")
    return client.post(f"/records/{internal_id}/polygon", data={
        "csrf_token": token, "version": version, "file": (io.BytesIO(content), "area.geojson")},
        content_type="multipart/form-data")


def test_polygon_and_unit_list_compared(officer, loaded):
    record = officer.get("/api/v1/records/GI/00005").get_json()  # Đoan Hùng: five new communes, whole
    listed = [u["code"] for u in record["area"]["units_new"]]
    polygon = commune_polygon(loaded, listed[:-1])  # one commune left out of the polygon
    feature = {"type": "Feature", "properties": {}, "geometry": mapping(polygon)}
    response = upload(officer, record["internal_id"], record["version"], json.dumps(feature).encode())
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    page = officer.get(f"/records/{record['internal_id']}?lang=en").get_data(as_text=True)
    assert "Listed units outside the polygon" in page
    assert record["area"]["units_new"][-1]["name"] in page.split("Listed units outside the polygon")[1][:400]
    history = officer.get("/api/v1/records/GI/00005").get_json()["history"]
    assert history[-1]["role"] == "polygon" and history[-1]["value"]["area_km2"] > 0


def test_bad_polygons_are_refused(officer):
    record = officer.get("/api/v1/records/GI/00005").get_json()
    for content, status in ((b"not json", 400), (json.dumps({"type": "Point", "coordinates": [105, 21]}).encode(), 400),
                            (json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
                                        ).encode(), 400)):
        assert upload(officer, record["internal_id"], record["version"], content).status_code == status
    stale = upload(officer, record["internal_id"], record["version"] - 1 if record["version"] > 1 else 99,
                   json.dumps({"type": "Polygon", "coordinates": [[[105, 21], [105.1, 21], [105.1, 21.1],
                                                                    [105, 21]]]}).encode())
    assert stale.status_code == 409
    assert officer.get("/api/v1/records/GI/00005").get_json()["history"][-1]["role"] != "polygon"


def test_hostile_polygons_are_refused_before_shapely(officer):
    """Nesting that exhausts recursion, infinite or NaN coordinates, degrees out of range: 400, nothing kept."""
    record = officer.get("/api/v1/records/GI/00005").get_json()
    officer.get("/records/?lang=en")  # the messages below in English from now on

    def ring(first):
        return '{"type":"Polygon","coordinates":[[[%s,21],[105.1,21],[105.1,21.1],[105,21]]]}' % first

    cases = {
        b"[" * 200_000 + b"]" * 200_000: "nested too deeply",
        b'{"type":"Feature","geometry":' * 5_000 + b"{}" + b"}" * 5_000: "nested too deeply",
        ring("1e400").encode(): "not a longitude/latitude",
        ring("-1e400").encode(): "not a longitude/latitude",
        ring("NaN").encode(): "not a longitude/latitude",
        ring("Infinity").encode(): "not a longitude/latitude",
        ring("500").encode(): "not a longitude/latitude",
        ring("true").encode(): "malformed",
        ring('"105"').encode(): "malformed",
        b'{"type":"Polygon","coordinates":[[[105,21],[105.1,21]]]}': "malformed",
        b'{"type":"Polygon","coordinates":7}': "malformed",
        b'{"type":"Polygon"}': "malformed",
        b'{"type":"FeatureCollection","features":{"a":1}}': "must hold polygons",
    }
    for content, words in cases.items():
        response = upload(officer, record["internal_id"], record["version"], content)
        assert response.status_code == 400, (content[:60], response.status_code)
        assert words in response.get_data(as_text=True), (content[:60], response.get_data(as_text=True)[:300])
    assert officer.get("/api/v1/records/GI/00005").get_json()["history"][-1]["role"] != "polygon"


def test_polygon_parts_that_overlap_badly_are_repaired_not_a_500():
    """Two self-intersecting parts: their union raises a GEOS TopologyException unless each is repaired first."""
    from ipreg.spatial.polygons import parse_polygon

    bow = [[105, 21], [105.1, 21.1], [105.1, 21], [105, 21.1], [105, 21]]
    other = [[105, 21], [105.1, 21.1], [105, 21.1], [105.1, 21], [105, 21]]
    geom = parse_polygon(json.dumps({"type": "MultiPolygon", "coordinates": [[bow], [other]]}).encode())
    assert geom.is_valid and geom.area > 0
