// Draws the layers of an ipreg map (see ipreg/maps/base.py): each layer is fetched from the app as GeoJSON
// and added to its folium feature group, in a pane of its own so that the drawing order does not depend on
// which request finishes first. Tooltips and popups show HTML the server escaped; text made here (legend,
// errors) is set as text, never as HTML.
(function () {
  "use strict";
  var pending = [];
  var panes = 0;

  function getJSON(url) {
    // Same request as the page's <link rel="preload" as="fetch" crossorigin>, so the preloaded answer is used.
    return fetch(url, {credentials: "same-origin"}).then(function (r) {
      if (!r.ok) { throw new Error(url + ": HTTP " + r.status); }
      return r.json();
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
        var v = values[p.code];
        style.fillColor = colour(spec.choropleth, v ? v[spec.choropleth.field] || 0 : 0);
      }
      return style;
    };
  }

  function binder(map, spec, values) {
    return function (feature, layer) {
      var p = feature.properties || {};
      var extra = values[p.code] || {};
      var tip = (p.tip || "") + (extra.tip || "") + (spec.caption ? "<br><small>" + spec.caption + "</small>" : "");
      if (tip) { layer.bindTooltip(tip, {sticky: true}); }
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
    panes += 1;
    var values = spec.data ? getJSON(spec.data) : Promise.resolve({values: {}});
    pending.push(Promise.all([getJSON(spec.url), values]).then(function (results) {
      var data = results[1].values || {};
      L.geoJSON(results[0], {pane: pane, style: styler(spec, data), interactive: spec.interactive,
                             onEachFeature: spec.interactive ? binder(map, spec, data) : null}).addTo(group);
    }));
  }

  function legend(map, title, items, attribution) {
    var control = L.control({position: "bottomright"});
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "map-legend");
      L.DomUtil.create("strong", "", box).textContent = title;
      items.forEach(function (item) {
        var row = L.DomUtil.create("div", "map-legend-row", box);
        var swatch = L.DomUtil.create("span", "map-legend-swatch", row);
        var style = item[1];
        swatch.style.background = style.fill === false ? "transparent" : (style.fillColor || "transparent");
        swatch.style.borderColor = style.color || "transparent";
        swatch.style.borderStyle = style.dashArray ? "dashed" : "solid";
        swatch.style.borderWidth = Math.min(style.weight || 1, 3) + "px";
        L.DomUtil.create("span", "", row).textContent = item[0];
      });
      return box;
    };
    control.addTo(map);
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(attribution.replace(/[&<>"]/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;"}[c];
    }));
  }

  function ready(map) {
    Promise.all(pending).then(function () {
      // The time since navigation start (ms) when every layer is drawn: what the benchmark reports.
      document.documentElement.setAttribute("data-map-ready", String(Math.round(performance.now())));
      map.fire("ipreg:ready");
    }, report);
  }

  window.ipregMaps = {layer: layer, legend: legend, ready: ready};
})();
