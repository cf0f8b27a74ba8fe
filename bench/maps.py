"""Maps benchmark: a record map, a province view and the national overview, against the naive way.

The naive way, built and measured in the same run on the same features: folium's GeoJson with the
full-detail boundaries inlined in the page (each request builds it). Ours: a small page whose layers
come as separate gzip GeoJSON requests from the cache of coverage-simplified layers. Bytes count the
page and its layers (Leaflet's 160 kB of static files are the same for both and cached by the browser);
"gzip" is what travels with compression (the naive page as a compressing proxy would send it). Time to a
drawn map is measured in headless Chromium from navigation start to the moment every layer is drawn,
in a fresh browser context each time (no HTTP cache). Targets: overview ≤ 1/7 of the naive bytes; record
map ≤ 1.5 MB uncompressed and drawn in ≤ 1 s; 0 gaps and 0 overlaps in every simplified layer.
"""
from __future__ import annotations

import gzip
import json
import logging
import re
import statistics
import sys
import threading
import time
from pathlib import Path

from common import ROOT, Figure, app_for, fresh_instance, ipreg, table, timed
from generate import import_generated

SAMPLE = ROOT.parent / "shared" / "registry" / "sample_records.csv"
PASSWORD = "correct horse battery"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
NAIVE_PAGE = """{% extends "base.html" %}{% block head %}{% include "maps/_head.html" %}{% endblock %}
{% block content %}<div class="map-box">{{ parts.html }}</div>{% endblock %}
{% block scripts %}<script nonce="{{ csp_nonce() }}">{{ parts.script|safe }}</script>{% endblock %}"""


def count_vertices(data: dict) -> int:
    def walk(coords):
        return 1 if isinstance(coords[0], (int, float)) else sum(walk(c) for c in coords)

    return sum(walk(f["geometry"]["coordinates"]) for f in data["features"] if f["geometry"])


def layer_urls(page: str) -> list[str]:
    urls = [u.replace("\\u0026", "&") for u in re.findall(r'"url": "([^"]+)"', page)]
    return urls + [u.replace("\\u0026", "&") for u in re.findall(r'"data": "([^"]+)"', page)]


def fetch_ours(client, url: str) -> dict:
    """The page and its layer requests as the browser makes them: bytes, vertices, server seconds."""
    start = time.perf_counter()
    page = client.get(url)
    figures = {"gzip": len(page.data), "plain": len(page.data), "vertices": 0, "layers": {}}
    for layer_url in layer_urls(page.get_data(as_text=True)):
        response = client.get(layer_url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, (layer_url, response.status_code)
        body = gzip.decompress(response.data) if response.headers.get("Content-Encoding") == "gzip" else response.data
        figures["gzip"] += len(response.data)
        figures["plain"] += len(body)
        data = json.loads(body)
        if data.get("type") == "FeatureCollection":
            figures["vertices"] += count_vertices(data)
            name = re.search(r"layer=(\w+)", layer_url).group(1)
            figures["layers"][name] = [f["properties"].get("code") for f in data["features"]]
    figures["seconds"] = time.perf_counter() - start
    return figures


def naive_map(layers: dict[str, list[str]], record_id: str | None):
    """folium's usual way: every layer's full-detail GeoJSON inlined, tooltips from (escaped) properties."""
    import folium
    import shapely

    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.maps.base import OfflineMap, Ready, html
    from ipreg.maps.webgeo import LAYERS
    from ipreg.registry.area_geometry import draw_area
    from ipreg.registry.areas import summarise
    from ipreg.registry.records import entries_of, find_by_internal_id
    from ipreg.spatial.store import get_store

    gaz = get_gazetteer(db.session)
    store = get_store(db.session, gaz.version)
    m = OfflineMap("/static")
    bounds = []
    for name, codes in layers.items():
        if name in LAYERS:
            units = [gaz.by_key[(LAYERS[name].vintage, c)] for c in codes]
            shapes = [(u.code, u.name, store.get(u.id)) for u in units if store.get(u.id) is not None]
        else:  # the area's outline from its unit list, at full detail
            reg = find_by_internal_id(db.session, record_id)
            drawn = draw_area(gaz, summarise(gaz, entries_of(gaz, reg)), store).geometry
            shapes = [(name, reg.name, drawn)] if drawn is not None else []
        if not shapes:
            continue
        features = [{"type": "Feature", "properties": {"code": code, "name": html(label)},
                     "geometry": json.loads(shapely.to_geojson(geom))} for code, label, geom in shapes]
        bounds += [geom.bounds for _, _, geom in shapes]
        folium.GeoJson({"type": "FeatureCollection", "features": features}, name=name,
                       tooltip=folium.GeoJsonTooltip(["code", "name"])).add_to(m)
    folium.LayerControl().add_to(m)
    m.fit_bounds([[min(b[1] for b in bounds), min(b[0] for b in bounds)],
                  [max(b[3] for b in bounds), max(b[2] for b in bounds)]])
    Ready().add_to(m)
    return m


def add_naive_route(app, pages: dict[str, dict], record_id: dict) -> None:
    from flask import render_template_string

    from ipreg.maps.base import render_parts

    def naive(which: str):
        return render_template_string(NAIVE_PAGE, parts=render_parts(naive_map(pages[which], record_id.get(which))))

    app.add_url_rule("/bench/naive/<which>", "bench_naive", naive)


def fetch_naive(client, which: str) -> dict:
    start = time.perf_counter()
    page = client.get(f"/bench/naive/{which}")
    seconds = time.perf_counter() - start
    text = page.get_data(as_text=True)
    vertices = sum(count_vertices(json.loads(m)) for m in re.findall(r"_add\((\{\"features\": .*?)\);\n", text))
    return {"plain": len(page.data), "gzip": len(gzip.compress(page.data, 6)), "vertices": vertices,
            "seconds": seconds}


def browser_times(app, urls: list[str], repeat: int) -> dict[str, float]:
    """Median seconds from navigation start to every layer drawn, in a fresh context (no HTTP cache) each time
    but a browser already running, as a user's is."""
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request in the benchmark's output
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_port}"
    out = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            login = browser.new_context()
            page = login.new_page()
            page.goto(base + "/login")
            page.fill("input[name=username]", "bench")
            page.fill("input[name=password]", PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_load_state()
            state = login.storage_state()
            for url in urls:
                times = []
                for attempt in range(repeat + 1):  # the first load warms the browser up and is not counted
                    context = browser.new_context(storage_state=state, viewport={"width": 1280, "height": 900})
                    tab = context.new_page()
                    tab.goto(base + url, wait_until="commit")
                    ready = tab.wait_for_selector("html[data-map-ready]", state="attached", timeout=120_000)
                    if attempt:
                        times.append(int(ready.get_attribute("data-map-ready")) / 1000)
                    context.close()
                out[url] = statistics.median(times)
            browser.close()
    finally:
        httpd.shutdown()
    return out


def run(smoke: bool = False) -> list[Figure]:
    n = 2_000 if smoke else 20_000
    env = fresh_instance()
    env["IPREG_CACHE_DIR"] = str(Path(env["IPREG_INSTANCE_PATH"]) / "cache")
    ipreg("init", env=env)
    app = app_for(env)
    from ipreg.accounts.users import create_user
    from ipreg.extensions import db
    from ipreg.gazetteer.snapshot import get_gazetteer
    from ipreg.maps.webgeo import LAYERS, SERVED, get_webgeo
    from ipreg.models import Registration
    from ipreg.reform.engine import run_registry
    from ipreg.registry.areas import summarise
    from ipreg.registry.record_import import import_records
    from ipreg.registry.records import entries_of
    from ipreg.spatial.coverage import coverage_defects

    with app.app_context():
        gaz = get_gazetteer(db.session)
        create_user(db.session, "bench", "ip_officer", password=PASSWORD, provinces=[], valid_provinces=set(),
                    actor="bench")
        if SAMPLE.exists():
            import_records(db.session, SAMPLE.read_bytes(), SAMPLE.name, partial=True, actor="bench")
        import_generated(db.session, gaz, n)
        run_registry(db.session)
        db.session.commit()
        record = db.session.query(Registration).filter_by(reg_no="00055").first() or \
            db.session.query(Registration).first()
        province = gaz.by_key[("new", summarise(gaz, entries_of(gaz, record)).new_provinces[0])]
        webgeo = get_webgeo(db.session, app.config["IPREG_CACHE_DIR"])
        prepare_seconds, _ = timed(webgeo.prepare)
        sources = {name: webgeo.store.layers[(LAYERS[name].vintage, LAYERS[name].level)][1] for name in LAYERS}
        # Full run: any hole the source layer does not have counts as a gap, whatever its width; the source
        # layers' own slivers and overlaps are the baseline (counting at full detail takes ~20 s, so the
        # smoke pass counts slivers only and skips the baseline).
        defects = {key: coverage_defects(webgeo.layer(*key).geoms, None if smoke else sources[key[0]])
                   for key in SERVED}
        source = {} if smoke else {name: coverage_defects(geoms) for name, geoms in sources.items()}
        record_id = record.internal_id
    pages = {"record map": f"/maps/records/{record_id}", f"province {province.code} view":
             f"/maps/provinces/new/{province.code}", "national overview": "/maps/"}
    naive_layers: dict[str, dict[str, list[str]]] = {}
    add_naive_route(app, naive_layers, {"record map": record_id})  # before any request (Flask); filled below
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token})
    ours = {}
    repeat = 1 if smoke else 3
    for name, url in pages.items():
        fetch_ours(client, url)  # first request writes the served files to the cache
        runs = [fetch_ours(client, url) for _ in range(repeat)]
        ours[name] = {**runs[-1], "seconds": statistics.median(r["seconds"] for r in runs)}
    naive_layers.update({name: ours[name]["layers"] for name in pages})
    naive = {}
    for name in pages:
        runs = [fetch_naive(client, name) for _ in range(repeat)]
        naive[name] = {**runs[-1], "seconds": statistics.median(r["seconds"] for r in runs)}
    drawn_ours, drawn_naive = {}, {}
    if Path(CHROMIUM).exists():
        drawn_ours = browser_times(app, list(pages.values()), repeat)
        drawn_naive = browser_times(app, [f"/bench/naive/{name}" for name in pages], repeat)
    figures = []
    for name, url in pages.items():
        o, b = ours[name], naive[name]
        size_ok = {"record map": o["plain"] <= 1.5e6, "national overview": b["plain"] / o["plain"] >= 7}.get(name)
        size_target = {"record map": "≤ 1.5 MB", "national overview": "≤ 1/7 of naive"}.get(name, "")
        figures += [
            Figure("maps", f"{name}: bytes uncompressed", o["plain"] / 1e6, "MB", size_target, size_ok,
                   b["plain"] / 1e6),
            Figure("maps", f"{name}: bytes gzip", o["gzip"] / 1e6, "MB", "", None, b["gzip"] / 1e6),
            Figure("maps", f"{name}: vertices", o["vertices"], "", "", None, b["vertices"]),
            Figure("maps", f"{name}: server time", o["seconds"], "s", "", None, b["seconds"]),
        ]
        if url in drawn_ours:
            seconds = drawn_ours[url]
            figures.append(Figure("maps", f"{name}: drawn in Chromium", seconds, "s",
                                  "≤ 1 s" if name == "record map" else "",
                                  seconds <= 1 if name == "record map" else None,
                                  drawn_naive[f"/bench/naive/{name}"]))
    for key, found in defects.items():
        base = source.get(key[0])
        note = f"; source {base.gaps} + {base.overlaps}" if base else ""
        figures.append(Figure("maps", f"{key[0]} at {key[1]} level: gaps + overlaps ({found.gaps} + "
                              f"{found.overlaps}{note})", found.gaps + found.overlaps, "", "0",
                              found.gaps + found.overlaps == 0, base.gaps + base.overlaps if base else None))
    figures.append(Figure("maps", "prepare every web layer (once per gazetteer)", prepare_seconds, "s"))
    return figures


if __name__ == "__main__":
    print(table(run(smoke="--smoke" in sys.argv)))
