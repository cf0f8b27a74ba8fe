"""What a map shows on hover and around it, without an app: escaped tooltips, labels' places, the base map."""
import json
import re

import numpy as np
import shapely

from ipreg.maps.base import Basemap, Frame, LayerSpec, build_map, render_parts
from ipreg.maps.rendering import count_values, named, tooltip
from ipreg.maps.webgeo import label_places

XSS = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


def test_tooltip_escapes_a_hostile_name_and_code():
    tip = tooltip(XSS, '"><script>', {"records": 2, "open_flags": 5}, str)
    assert "<img" not in tip and "<script" not in tip and ESCAPED in tip
    assert tip == f"<strong>{ESCAPED}</strong> (&#34;&gt;&lt;script&gt;)<br>Records: 2<br>Open flags: 5"


def test_counts_give_every_named_unit_a_tooltip_and_zero_where_nothing_counts():
    values = count_values({"22": {"records": 1, "open_flags": 1}, "99": {"records": 7, "open_flags": 7}},
                          {"22": XSS, "33": "Tỉnh Hưng Yên"}, str, href=lambda code: f"/maps/provinces/new/{code}")
    values = values["values"]
    assert set(values) == {"22", "33"}  # 99 is outside the user's provinces: no counts for it
    assert values["22"]["tip"] == f"<strong>{ESCAPED}</strong> (22)<br>Records: 1<br>Open flags: 1"
    assert values["33"] == {"records": 0, "open_flags": 0, "href": "/maps/provinces/new/33",
                            "tip": "<strong>Tỉnh Hưng Yên</strong> (33)<br>Records: 0<br>Open flags: 0"}


def test_the_public_sees_records_but_no_flags():
    values = count_values({"33": {"records": 3}}, {"33": "Tỉnh Hưng Yên"}, str, with_flags=False)["values"]
    assert values == {"33": {"records": 3, "tip": "<strong>Tỉnh Hưng Yên</strong> (33)<br>Records: 3"}}


def test_a_unit_is_named_with_its_code():
    class Unit:
        name, code = "Tỉnh Tây Ninh", "80"

    assert named(Unit()) == "Tỉnh Tây Ninh (80)"


def test_labels_go_in_the_largest_part_not_the_islands():
    mainland = shapely.Polygon([(0, 0), (4, 0), (4, 1), (1, 1), (1, 4), (0, 4)])  # an L: its centre is outside
    islands = shapely.MultiPolygon([mainland, shapely.box(30, 30, 30.5, 30.5)])
    places = label_places(np.array([islands, shapely.box(5, 5, 6, 7)], dtype=object))
    assert places[0]["label_box"] == [0.0, 0.0, 4.0, 4.0]  # the islands do not widen the box
    lat, lon = places[0]["label"]
    assert mainland.contains(shapely.Point(lon, lat))
    assert places[1] == {"label": [6.0, 5.5], "label_box": [5.0, 5.0, 7.0, 6.0]}
    assert label_places(np.array([], dtype=object)) == []


def render(frame: Frame) -> str:
    layer = LayerSpec(XSS, "/maps/layers.geojson?layer=x", {"weight": 1}, caption=XSS, label_zoom=0)
    parts = render_parts(build_map(frame, [[8, 102], [23, 109]], [layer], XSS, [(XSS, {"weight": 1})], XSS))
    return str(parts.header) + str(parts.html) + parts.script


def test_no_base_map_by_default_and_nothing_from_another_host():
    page = render(Frame("/static", str))
    assert "ipregMaps.tiles" not in page and not re.findall(r"https?://|//cdn", page)
    assert "<img" not in page  # layer names and captions escaped; legend and attribution passed as JSON text
    assert 'window.matchMedia("(max-width: 700px)").matches' in page  # the layer control folds on a phone


def test_a_configured_base_map_is_drawn_with_its_attribution():
    frame = Frame("/static", str, Basemap("https://tiles.example.org/{z}/{x}/{y}.png", "© Example <contributors>"))
    page = render(frame)
    call = re.search(r'ipregMaps\.tiles\([^,]+, ("[^"]*"), ("[^"]*")\)', page)
    assert call and json.loads(call.group(1)) == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert json.loads(call.group(2)) == "© Example <contributors>" and "<contributors>" not in page
    assert page.index("ipregMaps.tiles") < page.index("ipregMaps.layer")  # under the boundaries
