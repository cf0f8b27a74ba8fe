"""Map pages and layers: offline, escaped, scoped, gzip-served, and simplified without gaps or overlaps."""
import dataclasses
import gzip
import json
import re

import numpy as np
import pytest
from conftest import client_as, real_geodata
from shapely.geometry import mapping
from webgeo_cache import shared_cache_dir

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="session")
def maps_cache(tmp_path_factory):
    return shared_cache_dir(tmp_path_factory)


@pytest.fixture
def mapped(loaded, maps_cache):
    """The sample app with flags run, using the shared layer cache."""
    from ipreg.extensions import db
    from ipreg.reform.engine import run_registry

    loaded.config["IPREG_CACHE_DIR"] = str(maps_cache)
    with loaded.app_context():
        run_registry(db.session)
        db.session.commit()
    return loaded


@pytest.fixture
def map_officer(mapped):
    client = client_as(mapped, "officer", "ip_officer")
    return client


def internal_id(app, reg_no):
    from ipreg.extensions import db
    from ipreg.models import Registration

    with app.app_context():
        return db.session.query(Registration).filter_by(reg_no=reg_no).one().internal_id


def layer_urls(page: str) -> list[str]:
    return [u.replace("\\u0026", "&") for u in re.findall(r'"url": "([^"]+)"', page)]


def geojson(response) -> dict:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return json.loads(body)


def test_pages_render_with_vendored_leaflet_and_a_nonce(map_officer, mapped):
    record = internal_id(mapped, "00055")
    for url in ("/maps/", "/maps/?vintage=old", "/maps/provinces/new/22", "/maps/provinces/old/33",
                f"/maps/records/{record}"):
        response = map_officer.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert '<script src="/static/vendor/leaflet/leaflet.js"></script>' in page
        nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
        assert f'<script nonce="{nonce}">' in page and "ipregMaps.ready(" in page
        assert re.findall(r"<script>", page) == []  # no inline script without the nonce
        assert layer_urls(page) and "download=1" in page
    assert map_officer.get("/static/vendor/leaflet/leaflet.js").status_code == 200
    assert map_officer.get("/static/vendor/leaflet/LICENSE").status_code == 200
    assert "Maps" in map_officer.get("/?lang=en").get_data(as_text=True)


def test_record_page_and_flag_page_link_to_the_map(map_officer, mapped):
    from ipreg.extensions import db
    from ipreg.models import Flag

    record = internal_id(mapped, "00055")
    assert f"/maps/records/{record}" in map_officer.get(f"/records/{record}").get_data(as_text=True)
    with mapped.app_context():
        flag_id = db.session.query(Flag).first().id
    assert "/maps/records/" in map_officer.get(f"/review/flags/{flag_id}").get_data(as_text=True)


def test_no_url_leaves_the_app(map_officer, mapped):
    record = internal_id(mapped, "00041")
    for url in ("/maps/", "/maps/provinces/new/22", f"/maps/records/{record}"):
        page = map_officer.get(url).get_data(as_text=True)
        assert not re.findall(r"https?://|//cdn|\bcdn\.", page), url
        links = re.findall(r'(?:src|href)="([^"]*)"', page) + layer_urls(page)
        assert links and all(u.startswith(("/", "#", "?", "data:")) and not u.startswith("//") for u in links), links
    for static in ("js/maps.js", "css/maps.css", "vendor/leaflet/leaflet.css"):
        text = map_officer.get(f"/static/{static}").get_data(as_text=True)
        assert not re.findall(r"https?://(?!bugs\.chromium|bugzilla)", text), static  # Leaflet's CSS cites bug reports


def test_layers_are_gzip_geojson_with_the_expected_features(map_officer, mapped):
    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer

    with mapped.app_context():
        gaz = get_gazetteer(db.session)
        province = gaz.get("22", "new")
        expected = {gaz.units[i].code for i in gaz.new_communes(province) if gaz.units[i].has_geometry}
    page = map_officer.get("/maps/provinces/new/22").get_data(as_text=True)
    communes_url = next(u for u in layer_urls(page) if "layer=new_communes" in u)
    response = map_officer.get(communes_url, headers={"Accept-Encoding": "gzip, deflate"})
    assert response.headers["Content-Encoding"] == "gzip" and response.mimetype == "application/geo+json"
    assert "Accept-Encoding" in response.headers["Vary"]
    data = geojson(response)
    assert data["type"] == "FeatureCollection"
    assert {f["properties"]["code"] for f in data["features"]} == expected
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in data["features"])
    plain = map_officer.get(communes_url)  # a client that does not accept gzip gets plain JSON
    assert "Content-Encoding" not in plain.headers and json.loads(plain.get_data()) == data
    again = map_officer.get(communes_url, headers={"Accept-Encoding": "gzip",
                                                   "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    download = map_officer.get(communes_url + "&download=1", headers={"Accept-Encoding": "gzip"})
    assert "attachment" in download.headers["Content-Disposition"]
    national = map_officer.get("/maps/").get_data(as_text=True)
    sizes = {re.search(r"layer=(\w+)", u).group(1): len(geojson(map_officer.get(u, headers={"Accept-Encoding": "gzip"}))
                                                          ["features"]) for u in layer_urls(national)}
    assert sizes == {"new_provinces": 34, "old_provinces": 63}
    assert map_officer.get("/maps/layers.geojson?layer=new_communes&level=province").status_code == 404
    assert map_officer.get("/maps/layers.geojson?layer=nope&level=province").status_code == 404


def test_record_map_marks_coverage_and_fits_the_area(map_officer, mapped):
    record = internal_id(mapped, "00055")  # Hưng Yên: part of a new commune is outside the area
    page = map_officer.get(f"/maps/records/{record}?lang=en").get_data(as_text=True)
    urls = {re.search(r"layer=(\w+)", u).group(1): u for u in layer_urls(page)}
    assert set(urls) >= {"new_communes", "old_districts", "old_provinces", "new_provinces", "area"}
    communes = geojson(map_officer.get(urls["new_communes"], headers={"Accept-Encoding": "gzip"}))["features"]
    kinds = {f["properties"]["kind"] for f in communes}
    assert {"whole", "part", "neighbour"} <= kinds
    part = next(f["properties"] for f in communes if f["properties"]["kind"] == "part")
    for word in ("Vintage", "Coverage", "covered in part", "Share", part["code"], "<strong>", "Open flags: "):
        assert word in part["tip"], part["tip"]
    assert int(re.search(r"Records: (\d+)", part["tip"]).group(1)) >= 1  # this record reaches it, at least
    area = geojson(map_officer.get(urls["area"]))["features"]
    assert len(area) == 1 and area[0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    bounds = json.loads(re.search(r"fitBounds\(\s*(\[\[.*?\]\])", page, re.DOTALL).group(1))
    assert 20 < bounds[0][0] < bounds[1][0] < 21.5 and 105.5 < bounds[0][1] < bounds[1][1] < 106.5


def test_province_popup_lists_records_and_escapes_names(map_officer, mapped):
    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.models import Party, Registration

    with mapped.app_context():
        reg = db.session.query(Registration).filter_by(reg_no="00041").one()
        reg.name = XSS
        db.session.get(Party, reg.holder_id).name = XSS
        record = reg.internal_id
        db.session.commit()
        gaz = get_gazetteer(db.session)
        commune = gaz.units[gaz.new_communes(gaz.get("22", "new"))[0]]
    data = map_officer.get(f"/maps/units/new/{commune.code}.json").get_json()
    assert data["records_total"] >= 1 and any(r["name"] == XSS for r in data["records"])
    assert "&lt;img src=x onerror=alert(1)&gt;" in data["html"] and "<img" not in data["html"]
    assert data["predecessors"] and commune.name in data["html"]
    flags = map_officer.get("/maps/provinces/new/22/flags.json").get_json()["values"]
    tip = flags[commune.code]["tip"]
    assert flags[commune.code]["records"] >= 1 and f"<strong>{commune.name}</strong> ({commune.code})" in tip
    page = map_officer.get(f"/maps/records/{record}").get_data(as_text=True)
    assert XSS not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_tooltips_escape_unit_names(mapped):
    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.maps.record import RecordArea
    from ipreg.maps.webgeo import get_webgeo, unit_properties

    with mapped.app_context():
        gaz = get_gazetteer(db.session)
        unit = dataclasses.replace(gaz.get("22", "new"), name=XSS)
        assert "<img" not in unit_properties(unit)["tip"] and "&lt;img" in unit_properties(unit)["tip"]
        area = RecordArea(gaz, None, get_webgeo(db.session, mapped.config["IPREG_CACHE_DIR"]), None, str)
        tip = area._tip(unit, "part", 0.5, True)
        assert "<img" not in tip and "&lt;img src=x onerror=alert(1)&gt;" in tip and "50%" in tip


def test_provincial_staff_get_only_their_provinces(mapped):
    client = client_as(mapped, "staff.hy", "provincial_staff", ["33"])
    other = internal_id(mapped, "00041")  # Quảng Ninh
    own = internal_id(mapped, "00055")  # Hưng Yên
    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer

    with mapped.app_context():
        gaz = get_gazetteer(db.session)
        commune = gaz.units[gaz.new_communes(gaz.get("22", "new"))[0]].code
    for url in ("/maps/provinces/new/22", "/maps/provinces/old/22", "/maps/provinces/new/22/flags.json",
                "/maps/layers.geojson?layer=new_communes&level=province&in=new-22",
                f"/maps/units/new/{commune}.json"):
        assert client.get(url).status_code == 403, url
    for url in (f"/maps/records/{other}", f"/maps/records/{other}/layers.geojson?layer=new_communes"):
        assert client.get(url).status_code == 404, url  # another province's record: as a missing id
    assert client.get("/maps/provinces/new/33").status_code == 200
    assert client.get(f"/maps/records/{own}").status_code == 200
    values = client.get("/maps/overview.json").get_json()["values"]
    assert set(values) == {"33"} and values["33"]["href"] == "/maps/provinces/new/33"
    assert "new-22" not in client.get("/maps/").get_data(as_text=True)


def test_layers_are_built_once_and_read_from_disk(mapped, monkeypatch):
    from ipreg.extensions import db
    from ipreg.maps import webgeo
    from ipreg.snapshots import VersionedCache
    from ipreg.spatial import coverage

    with mapped.app_context():
        first = webgeo.get_webgeo(db.session, mapped.config["IPREG_CACHE_DIR"])
        body = first.layer_gzip("old_provinces", "national")
        monkeypatch.setattr(webgeo, "_WEBGEO", VersionedCache())  # a new process: memory empty, disk kept
        monkeypatch.setattr(coverage, "clean", lambda *a, **k: pytest.fail("rebuilt instead of read from disk"))
        second = webgeo.get_webgeo(db.session, mapped.config["IPREG_CACHE_DIR"])
        assert second is not first and second.key == first.key
        assert second.layer_gzip("old_provinces", "national") == body
        assert len(second.layer("old_provinces", "national").ids) == 63
        assert list((first.directory).glob("old_provinces-national*"))


def test_coverage_simplification_keeps_neighbours_together(app):
    """On two neighbouring new provinces: cleaned, simplified and snapped with 0 gaps and 0 overlaps."""
    import shapely

    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.maps.webgeo import LEVELS
    from ipreg.spatial import coverage
    from ipreg.spatial.store import get_store

    with app.app_context():
        gaz = get_gazetteer(db.session)
        store = get_store(db.session, gaz.version)
        ids = [i for code in ("22", "24") for i in gaz.new_communes(gaz.get(code, "new"))]
        source = np.array([store.get(i) for i in ids if store.get(i) is not None], dtype=object)
    assert len(source) > 100
    cleaned = coverage.clean(source)
    for level in ("province", "detail"):
        spec = LEVELS[level]
        web = coverage.snap(coverage.simplify(cleaned, spec.tolerance), spec.grid)
        assert coverage.coverage_defects(web) == coverage.Defects(0, 0), level
        assert coverage.coverage_defects(web, reference=source) == coverage.Defects(0, 0), level
        assert shapely.get_num_coordinates(web).sum() <= shapely.get_num_coordinates(cleaned).sum()
        coords = shapely.get_coordinates(web)
        assert np.allclose(coords, np.round(coords / spec.grid) * spec.grid, atol=spec.grid / 100)
    # The counter against the source sees a wide gap too (a commune shrunk away from all its neighbours),
    # which the sliver count alone would take for a real hole.
    tree = shapely.STRtree(cleaned)
    inner = int(np.argmax([len(tree.query(g, predicate="touches")) for g in cleaned]))
    shrunk = cleaned.copy()
    shrunk[inner] = shapely.buffer(cleaned[inner], -0.005)
    assert coverage.coverage_defects(shrunk, reference=source).gaps >= 1


@real_geodata
def test_real_boundaries_need_cleaning(app):
    """The real new communes overlap and leave slivers; the counter sees them, cleaning removes them."""
    import shapely

    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.maps.webgeo import LEVELS
    from ipreg.spatial import coverage
    from ipreg.spatial.store import get_store

    with app.app_context():
        gaz = get_gazetteer(db.session)
        store = get_store(db.session, gaz.version)
        ids = gaz.new_communes(gaz.get("24", "new"))
        source = np.array([store.get(i) for i in ids], dtype=object)
    before = coverage.coverage_defects(source)
    assert before.gaps > 0 and before.overlaps > 0
    cleaned = coverage.clean(source)
    assert coverage.coverage_defects(cleaned) == coverage.Defects(0, 0)
    naive = shapely.simplify(cleaned, LEVELS["province"].tolerance, preserve_topology=True)
    assert coverage.coverage_defects(naive).gaps > 0  # what per-polygon simplification does, and coverage avoids


def test_prepare_command_and_an_old_province(map_officer, mapped):
    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer

    result = mapped.test_cli_runner().invoke(args=["maps", "prepare", "--json"])
    assert result.exit_code == 0, result.output
    assert "new_communes@detail" in json.loads(result.output)["layers"]
    with mapped.app_context():
        gaz = get_gazetteer(db.session)
        old = gaz.get("33", "old")  # Hưng Yên before the reform: its communes went into new Hưng Yên (33)
        expected = {gaz.units[link.new_id].code for atom in gaz.atoms(old) for link in gaz.successors[atom]
                    if gaz.units[link.new_id].has_geometry}
        districts = {gaz.units[i].code for i in gaz.children[old.id] if gaz.units[i].has_geometry}
    page = map_officer.get("/maps/provinces/old/33").get_data(as_text=True)
    urls = {re.search(r"layer=(\w+)", u).group(1): u for u in layer_urls(page) if "layer=" in u}
    communes = geojson(map_officer.get(urls["new_communes"]))["features"]
    assert {f["properties"]["code"] for f in communes} == expected
    assert {f["properties"]["code"] for f in geojson(map_officer.get(urls["old_districts"]))["features"]} == districts


def test_a_record_drawn_only_as_a_polygon_touches_the_communes_it_covers(map_officer, mapped):
    """No unit list, an uploaded polygon: the commune popup lists the record and the province counts it."""
    from sqlalchemy import select
    from test_polygon import commune_polygon, upload

    from ipreg.extensions import db
    from ipreg.models import Registration
    from ipreg.registry.record_import import import_records

    row = ("kind,reg_no,name,product,granted_on,status,holder,holder_kind,holder_unit,manager,manager_kind,"
           "manager_unit,area_units,area_vintage,notes\n"
           "COLLECTIVE,99001,Hoa Ba Đình,Hoa,2020-01-01,registered,Hội Hoa Ba Đình,association,00004,,,,,"
           "2025-07-01,\n")
    with mapped.app_context():
        assert import_records(db.session, row.encode(), "one.csv", actor="test").imported
        reg = db.session.scalars(select(Registration).where(Registration.reg_no == "99001")).one()
        assert not reg.area_entries
        internal, version = reg.internal_id, reg.version
    polygon = commune_polygon(mapped, ["00004"]).buffer(-0.001)  # inside the ward only
    feature = {"type": "Feature", "properties": {}, "geometry": mapping(polygon)}
    assert upload(map_officer, internal, version, json.dumps(feature).encode()).status_code == 302
    popup = map_officer.get("/maps/units/new/00004.json").get_json()
    assert internal in [r["internal_id"] for r in popup["records"]]
    counts = map_officer.get("/maps/provinces/new/01/flags.json").get_json()["values"]
    assert counts["00004"]["records"] >= 1  # Phường Ba Đình, Hà Nội
    neighbour = map_officer.get("/maps/units/new/00008.json").get_json()
    assert internal not in [r["internal_id"] for r in neighbour["records"]]


def test_national_maps_of_both_vintages_have_their_own_words_and_layers(map_officer, mapped):
    """New: the 34 provinces filled, the 63 faint over them; old: the other way round, each with its title."""
    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer

    pages = {v: map_officer.get(f"/maps/?lang=en&vintage={v}").get_data(as_text=True) for v in ("new", "old")}
    assert "<h1>The 34 provinces from 1 July 2025</h1>" in pages["new"]
    assert "<h1>The 63 provinces before 1 July 2025</h1>" in pages["old"]
    about = {v: re.search(r'<p class="lead map-about">(.*?)</p>', page, re.DOTALL).group(1)
             for v, page in pages.items()}
    assert "The 34 provinces and cities from 1 July 2025" in about["new"] and about["new"] != about["old"]
    assert "The 63 former provinces and cities as they were until 30 June 2025" in about["old"]
    for vintage, filled in (("new", "new_provinces"), ("old", "old_provinces")):
        layers = [re.search(r"layer=(\w+)", u).group(1) for u in layer_urls(pages[vintage])]
        assert layers[0] == filled and len(layers) == 2, layers  # the choropleth first, the overlay faint above
        assert f"/maps/overview.json?vintage={vintage}" in pages[vintage]
    with mapped.app_context():
        gaz = get_gazetteer(db.session)
        names = {v: {u.code: u.name for u in gaz.units.values() if u.vintage == v and u.level == "province"}
                 for v in ("new", "old")}
    old = map_officer.get("/maps/overview.json?vintage=old").get_json()["values"]
    new = map_officer.get("/maps/overview.json").get_json()["values"]
    assert set(old) == set(names["old"]) and len(old) == 63 and set(new) == set(names["new"]) and len(new) == 34
    assert old["33"]["records"] >= 1 and old["33"]["href"] == "/maps/provinces/old/33"  # Hưng Yên before the reform
    for values, vintage in ((old, "old"), (new, "new")):
        for code, value in values.items():  # every province by name with its code, its records and open flags
            assert value["tip"].startswith(f"<strong>{names[vintage][code]}</strong> ({code})"), value["tip"]
            assert "open_flags" in value and str(value["records"]) in value["tip"]
    assert sum(v["open_flags"] for v in new.values()) > 0 and sum(v["open_flags"] for v in old.values()) > 0


def test_old_national_map_keeps_a_provincial_user_to_their_provinces(mapped):
    """Staff of new Hưng Yên (33) see the old provinces that became part of it, counted; the others unnamed."""
    client = client_as(mapped, "staff.hy", "provincial_staff", ["33"])
    values = client.get("/maps/overview.json?vintage=old").get_json()["values"]
    assert "33" in values and "22" not in values and values["33"]["href"] == "/maps/provinces/old/33"
    assert set(values) <= {"33", "34"}  # former Hưng Yên and Thái Bình
    page = client.get("/maps/?vintage=old&lang=en").get_data(as_text=True)
    assert "old-33" in page and "Outside your provinces" in page  # the others faded, said so in the legend
    officer = client_as(mapped, "officer", "ip_officer")
    assert "Outside your provinces" not in officer.get("/maps/?vintage=old&lang=en").get_data(as_text=True)


def test_province_counts_name_every_commune(map_officer, mapped):
    """Every commune of the province gets a tooltip with its name and code, zero where nothing counts."""
    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer

    with mapped.app_context():
        gaz = get_gazetteer(db.session)
        communes = {gaz.units[i].code: gaz.units[i].name for i in gaz.new_communes(gaz.get("33", "new"))}
    values = map_officer.get("/maps/provinces/new/33/flags.json").get_json()["values"]
    assert set(values) == set(communes)
    assert any(v["records"] == 0 and "0" in v["tip"] for v in values.values())
    assert all(v["tip"].startswith(f"<strong>{communes[c]}</strong> ({c})") for c, v in values.items())


def test_layers_carry_where_to_write_names(map_officer, mapped):
    page = map_officer.get("/maps/provinces/new/33").get_data(as_text=True)
    assert '"label_zoom": 0' in page
    communes_url = next(u for u in layer_urls(page) if "layer=new_communes" in u)
    for feature in geojson(map_officer.get(communes_url))["features"][:50]:
        import shapely
        from shapely.geometry import shape

        south, west, north, east = feature["properties"]["label_box"]
        lat, lon = feature["properties"]["label"]
        assert south <= lat <= north and west <= lon <= east
        assert shape(feature["geometry"]).buffer(1e-4).contains(shapely.Point(lon, lat))


def tiles_call(page: str):
    found = re.search(r"ipregMaps\.tiles\([^,]+, (\"[^\"]*\"), (\"[^\"]*\")\)", page)
    return found and (json.loads(found.group(1)), json.loads(found.group(2)))


def test_a_base_map_only_when_configured(map_officer, mapped):
    """No IPREG_TILE_URL: no tile layer, no external host; set: its URL and attribution on every map."""
    record = internal_id(mapped, "00055")
    urls = ("/maps/", "/maps/?vintage=old", "/maps/provinces/new/33", f"/maps/records/{record}")
    assert mapped.config["IPREG_TILE_URL"] is None
    for url in urls:
        page = map_officer.get(url).get_data(as_text=True)
        assert tiles_call(page) is None and not re.findall(r"https?://", page), url
    mapped.config["IPREG_TILE_URL"] = "https://tiles.example.org/{z}/{x}/{y}.png"
    mapped.config["IPREG_TILE_ATTRIBUTION"] = "© Example <b>contributors</b>"
    for url in urls:
        page = map_officer.get(url).get_data(as_text=True)
        assert tiles_call(page) == ("https://tiles.example.org/{z}/{x}/{y}.png", "© Example <b>contributors</b>"), url
        assert "<b>contributors" not in page  # inside the script as JSON; maps.js sets it as text
        csp = map_officer.get(url).headers["Content-Security-Policy"]
        assert "img-src 'self' data: blob: https://tiles.example.org;" in csp, url  # the browser may load them
