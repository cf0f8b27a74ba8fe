// Draws the layers of an ipreg map (see ipreg/maps/base.py): each layer is fetched from the app as GeoJSON
// and added to its folium feature group, in a pane of its own so that the drawing order does not depend on
// which request finishes first. Tooltips and popups show HTML the server escaped; text made here (legend,
// labels, attribution, errors) is set as text, never as HTML.
(function () {
  "use strict";
  var pending = [];
  var panes = 0;
  // A name is written on a unit only where it fits (about 6 px a character at the labels' 11 px, and
  // a line's height); elsewhere the tooltip names it.
  var LABEL_CHAR_WIDTH = 6;
  var LABEL_MIN_HEIGHT = 16;

  function getJSON(url) {
    // Same request as the page's <link rel="preload" as="fetch" crossorigin>, so the preloaded answer is used.
    return fetch(url, {credentials: "same-origin"}).then(function (r) {
      if (!r.ok) { throw new Error(url + ": HTTP " + r.status); }
      return r.json();
    });
  }

  function escapeText(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c];
    });
  }

  function colour(choropleth, value) {
    var i = 0;
    while (i < choropleth.breaks.length && value >= choropleth.breaks[i]) { i += 1; }
    return choropleth.colors[i];
  }

  function styler(spec, values) {
    return function (feature) {
      var p = feature.properties || {};
      var style = Object.assign({}, spec.style, spec.styles[p.kind] || {}, p.split ? spec.split : {});
      if (spec.choropleth) {
        // A unit without figures is outside a provincial user's provinces: faded, not coloured as a zero.
        var v = values[p.code];
        Object.assign(style, v ? {fillColor: colour(spec.choropleth, v[spec.choropleth.field] || 0)}
                                : spec.choropleth.uncounted);
      }
      return style;
    };
  }

  function binder(map, spec, values) {
    return function (feature, layer) {
      var p = feature.properties || {};
      var extra = values[p.code] || {};
      // The data's tooltip (name, code, records, open flags) where the user may see the unit's counts.
      var tip = (extra.tip || p.tip || "") + (spec.caption ? "<br><small>" + spec.caption + "</small>" : "");
      if (tip) { layer.bindTooltip(tip, {sticky: true, className: "map-tip"}); }
      if (spec.popup) {
        layer.on("click", function (event) {
          getJSON(spec.popup.replace("{code}", encodeURIComponent(p.code))).then(function (data) {
            L.popup({maxWidth: 380, maxHeight: 360}).setLatLng(event.latlng).setContent(data.html).openOn(map);
          }).catch(report);
        });
      } else if (extra.href) {
        layer.on("click", function () { window.location.assign(extra.href); });
      }
    };
  }

  function labeller(map, geo, minZoom) {
    // Permanent tooltips with each unit's name, shown from minZoom on and only where its largest part
    // (label_box, from the server) is wide and tall enough on screen to hold it: zoomed out they would cover
    // the map, zoomed in on a province every commune is named.
    var labels = [];
    geo.eachLayer(function (shape) {
      var p = shape.feature.properties || {};
      if (!p.name) { return; }
      var text = document.createElement("span");
      text.textContent = p.name;
      var box = p.label_box ? L.latLngBounds([p.label_box[0], p.label_box[1]], [p.label_box[2], p.label_box[3]])
        : shape.getBounds();
      var at = p.label ? L.latLng(p.label[0], p.label[1]) : box.getCenter();
      labels.push({box: box, width: p.name.length * LABEL_CHAR_WIDTH, tip: L.tooltip({permanent: true,
        direction: "center", className: "map-label", interactive: false, pane: "ipreg-labels"})
        .setLatLng(at).setContent(text)});
    });
    function update() {
      var view = map.getBounds();
      labels.forEach(function (label) {
        var sw = map.latLngToContainerPoint(label.box.getSouthWest());
        var ne = map.latLngToContainerPoint(label.box.getNorthEast());
        var show = map.hasLayer(geo) && map.getZoom() >= minZoom && view.intersects(label.box)
          && ne.x - sw.x >= label.width && sw.y - ne.y >= LABEL_MIN_HEIGHT;
        if (show && !map.hasLayer(label.tip)) { label.tip.addTo(map); }
        if (!show && map.hasLayer(label.tip)) { map.removeLayer(label.tip); }
      });
    }
    map.on("zoomend moveend overlayadd overlayremove", update);
    update();
  }

  function report(error) {
    var box = document.querySelector("[data-map-status]");
    if (box) {
      box.textContent = box.getAttribute("data-map-status") + " " + error.message;
      box.hidden = false;
    }
    console.warn(error);
  }

  function layer(map, group, spec) {
    var pane = "ipreg-" + panes;
    map.createPane(pane).style.zIndex = String(400 + panes);
    if (!map.getPane("ipreg-labels")) { map.createPane("ipreg-labels").style.zIndex = "640"; }
    panes += 1;
    var values = spec.data ? getJSON(spec.data) : Promise.resolve({values: {}});
    pending.push(Promise.all([getJSON(spec.url), values]).then(function (results) {
      var data = results[1].values || {};
      var geo = L.geoJSON(results[0], {pane: pane, style: styler(spec, data), interactive: spec.interactive,
                                       onEachFeature: spec.interactive ? binder(map, spec, data) : null});
      geo.addTo(group);
      if (spec.label_zoom !== null) { labeller(map, geo, spec.label_zoom); }
    }));
  }

  function tiles(map, url, attribution) {
    // The optional base map (IPREG_TILE_URL): under every pane of ours; its attribution set as text.
    L.tileLayer(url, {attribution: escapeText(attribution), maxZoom: 19}).addTo(map);
  }

  function legend(map, title, items, attribution) {
    var control = L.control({position: "bottomright"});
    control.onAdd = function () {
      // A <details>: open on a wide screen, one line on a phone, where the legend would hide the map.
      var box = L.DomUtil.create("details", "map-legend");
      box.open = !window.matchMedia("(max-width: 700px)").matches;
      L.DomUtil.create("summary", "", box).textContent = title;
      items.forEach(function (item) {
        var row = L.DomUtil.create("div", "map-legend-row", box);
        var swatch = L.DomUtil.create("span", "map-legend-swatch", row);
        var style = item[1];
        swatch.style.background = style.fill === false ? "transparent" : (style.fillColor || "transparent");
        swatch.style.borderColor = style.color || "transparent";
        swatch.style.borderStyle = style.dashArray ? "dashed" : "solid";
        swatch.style.borderWidth = Math.max(1, Math.min(Math.round(style.weight || 1), 3)) + "px";
        L.DomUtil.create("span", "", row).textContent = item[0];
      });
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    control.addTo(map);
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(escapeText(attribution));
  }

  function frame() {
    // The map fills the window below what stands above it (the top bar wraps on narrow screens, the title
    // may take two lines), so the whole map shows without scrolling: its top is measured before Leaflet
    // creates the map and reads its size, and again when the window changes.
    var box = document.querySelector(".map-box");
    var top = box ? box.getBoundingClientRect().top + window.scrollY : 0;
    document.documentElement.style.setProperty("--map-top", Math.round(top) + "px");
  }

  function ready(map) {
    window.addEventListener("resize", function () { frame(); map.invalidateSize(); });
    Promise.all(pending).then(function () {
      // The time since navigation start (ms) when every layer is drawn: what the benchmark reports.
      document.documentElement.setAttribute("data-map-ready", String(Math.round(performance.now())));
      map.fire("ipreg:ready");
    }, report);
  }

  window.ipregMaps = {frame: frame, layer: layer, legend: legend, ready: ready, tiles: tiles};
})();
