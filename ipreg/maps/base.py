"""An offline folium map whose layers load as separate GeoJSON requests, rendered as page components.

folium's own ``Map`` loads Leaflet, jQuery, Bootstrap and Font Awesome from CDNs, sets ``html, body`` to
full height and writes an inline script in the header; ``GeoJson(embed=False)`` fetches with synchronous
jQuery. Here the map loads only the vendored Leaflet and ``js/maps.js`` from the app, and each layer is a
feature group that ``maps.js`` fills from the app's GeoJSON endpoints, so a page is a few kilobytes and
the browser fetches the (cached, gzip) layers in parallel.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import folium
from branca.element import Figure, MacroElement
from folium.template import Template
from markupsafe import Markup, escape

VIETNAM = [[8.2, 102.1], [23.4, 109.5]]  # [[south, west], [north, east]]


class OfflineMap(folium.Map):
    """A folium map without tiles whose only scripts and styles come from ``static_url``."""

    _template = Template("""
        {% macro header(this, kwargs) %}
            <style>#{{ this.get_name() }} { position: relative; width: 100%; height: 100%; }</style>
        {% endmacro %}
        {% macro html(this, kwargs) %}
            <div class="folium-map ipreg-map" id={{ this.get_name()|tojson }}></div>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            ipregMaps.frame();
            var {{ this.get_name() }} = L.map({{ this.get_name()|tojson }},
                {center: {{ this.location|tojson }}, crs: L.CRS.{{ this.crs }}, ...{{ this.options|tojavascript }}});
        {% endmacro %}
    """)

    def __init__(self, static_url: str, **kwargs):
        kwargs.setdefault("location", [16.0, 106.0])
        kwargs.setdefault("zoom_start", 6)
        kwargs.setdefault("zoom_snap", 0.25)  # fit bounds closely: whole zoom steps leave a long country small
        super().__init__(tiles=None, control_scale=False, **kwargs)
        # Instance lists: folium's add_js_link would mutate the class lists shared by every map.
        self.default_js = [("leaflet", f"{static_url}/vendor/leaflet/leaflet.js"),
                           ("ipreg_maps", f"{static_url}/js/maps.js")]
        self.default_css = [("leaflet_css", f"{static_url}/vendor/leaflet/leaflet.css"),
                            ("ipreg_maps_css", f"{static_url}/css/maps.css")]


@dataclass
class LayerSpec:
    """One layer of a page: what ``maps.js`` fetches and how it draws it (plain text; escaped when built)."""

    title: str
    url: str
    style: dict
    styles: dict = field(default_factory=dict)  # merged over ``style`` by the feature's ``kind``
    split: dict = field(default_factory=dict)  # merged when the feature's ``split`` is true
    show: bool = True
    interactive: bool = True
    caption: str = ""  # added under every tooltip (the layer's vintage)
    data: str | None = None  # URL of {"values": {code: {...}}} joined to features by code
    choropleth: dict | None = None  # {"field", "breaks", "colors", "uncounted"} over ``data``
    popup: str | None = None  # URL with "{code}" answering {"html": ...} on click
    label_zoom: float | None = None  # names written on the features from this zoom on, where they fit; None: never


@dataclass(frozen=True)
class Basemap:
    """A tile layer under the boundaries (``IPREG_TILE_URL``), for offices that can reach a tile server."""

    url: str
    attribution: str = ""  # plain text: escaped by ``maps.js`` like every other text it shows


@dataclass(frozen=True)
class Frame:
    """What every map of a page shares: the app's static URL, the words, the base map and what the viewer sees."""

    static_url: str
    tr: Callable[[str], str]  # translates an English msgid
    basemap: Basemap | None = None
    with_flags: bool = True  # the anonymous public sees records, not the officers' flags
    scoped: bool = False  # a provincial user: units outside their provinces have no counts and are drawn faded


class RemoteLayer(MacroElement):
    """A feature group's content, fetched by ``maps.js`` into its own pane (so drawing order is fixed)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            ipregMaps.layer({{ this._parent._parent.get_name() }}, {{ this._parent.get_name() }},
                            {{ this.spec|tojson }});
        {% endmacro %}
    """)

    def __init__(self, spec: dict):
        super().__init__()
        self._name = "RemoteLayer"
        self.spec = spec


class Legend(MacroElement):
    """A legend control; ``items`` are (label, style) pairs drawn as swatches, text set as text (not HTML)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            ipregMaps.legend({{ this._parent.get_name() }}, {{ this.title|tojson }}, {{ this.items|tojson }},
                             {{ this.attribution|tojson }});
        {% endmacro %}
    """)

    def __init__(self, title: str, items: list[tuple[str, dict]], attribution: str):
        super().__init__()
        self._name = "Legend"
        self.title, self.items, self.attribution = title, [[label, style] for label, style in items], attribution


class Layers(folium.LayerControl):
    """folium's layer control, folded into a button on narrow screens (a phone's map is too small for it)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            L.control.layers(
                { {%- for key, val in this.base_layers.items() %}{{ key|tojson }}: {{ val }},{% endfor %} },
                { {%- for key, val in this.overlays.items() %}{{ key|tojson }}: {{ val }},{% endfor %} },
                {...{{ this.options|tojavascript }}, collapsed: window.matchMedia("(max-width: 700px)").matches}
            ).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)


class Tiles(MacroElement):
    """The optional base map, added by ``maps.js`` under every layer."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            ipregMaps.tiles({{ this._parent.get_name() }}, {{ this.url|tojson }}, {{ this.attribution|tojson }});
        {% endmacro %}
    """)

    def __init__(self, basemap: Basemap):
        super().__init__()
        self._name = "Tiles"
        self.url, self.attribution = basemap.url, basemap.attribution


class Ready(MacroElement):
    """Marks the page when every layer is drawn (``data-map-ready``), for people waiting and for tests."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            ipregMaps.ready({{ this._parent.get_name() }});
        {% endmacro %}
    """)


def html(text) -> str:
    """Text escaped for insertion as HTML (tooltips, popups, legend, layer names)."""
    return str(escape(text))


def build_map(frame: Frame, bounds, layers: list[LayerSpec], legend_title: str,
              legend: list[tuple[str, dict]], attribution: str) -> OfflineMap:
    """A map of ``layers`` (drawn in this order, first at the bottom) fitted to ``bounds``.

    Leaflet inserts layer names and tooltips as HTML, so the titles and captions are escaped here.
    """
    m = OfflineMap(frame.static_url)
    if frame.basemap is not None and frame.basemap.url:
        Tiles(frame.basemap).add_to(m)
    for spec in layers:
        group = folium.FeatureGroup(name=html(spec.title), show=spec.show).add_to(m)
        drawing = {k: v for k, v in asdict(spec).items() if k not in ("title", "show")}  # the group has those
        RemoteLayer({**drawing, "caption": html(spec.caption)}).add_to(group)
    Layers(collapsed=False).add_to(m)
    m.fit_bounds(bounds)
    Legend(legend_title, legend, attribution).add_to(m)
    Ready().add_to(m)
    return m


@dataclass
class MapParts:
    header: Markup  # links to the vendored scripts and styles, for the page's <head>
    html: Markup  # the map's element
    script: str  # the map's JavaScript, for a <script> with the page's CSP nonce
    fetches: list[str]  # the URLs maps.js will fetch: preloaded, so they travel while Leaflet loads


def render_parts(m: folium.Map) -> MapParts:
    """The components of a rendered map, for a page of the app (not folium's standalone document)."""
    root: Figure = m.get_root()
    root.render()
    header = "\n".join(child.render() for name, child in root.header._children.items() if name != "meta_http")
    fetches = [url for group in m._children.values() for layer in group._children.values()
               if isinstance(layer, RemoteLayer) for url in (layer.spec["url"], layer.spec["data"]) if url]
    return MapParts(Markup(header), Markup(root.html.render()), root.script.render(), list(dict.fromkeys(fetches)))
