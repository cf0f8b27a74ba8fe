"""The record map: a production area as its unit list and its uploaded polygon draw it, over the borders.

Layers are built per record from the cached simplified boundaries (a few dozen units, milliseconds):
the new communes the area reaches and their neighbours, marked whole / in part / neighbour, with the
ones that hold part of a divided old commune marked apart; the old districts and provinces and the new
provinces around it, each with how much of it the area covers; the area's outline from the unit list;
and the uploaded polygon, so where the two disagree shows.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import shapely
from markupsafe import Markup, escape

from ..core.errors import N_
from ..gazetteer.snapshot import Gazetteer, Unit
from ..registry.area_geometry import draw_area
from ..registry.areas import AreaSummary
from .base import VIETNAM, Frame, LayerSpec, build_map
from .webgeo import WebGeo, feature_collection

LEVEL_OF = {"new_communes": "detail", "old_districts": "detail", "old_provinces": "province",
            "new_provinces": "province"}
LAYERS = ("new_communes", "old_districts", "old_provinces", "new_provinces", "area", "polygon")  # bottom first
STYLE = {"weight": 1, "color": "#555", "fillColor": "#cfd8dc", "fillOpacity": 0.35}
COVERAGE_STYLES = {
    "whole": {"color": "#1b5e20", "fillColor": "#66bb6a", "fillOpacity": 0.55, "weight": 1.5},
    "part": {"color": "#e65100", "fillColor": "#ffb74d", "fillOpacity": 0.6, "weight": 1.5},
    "neighbour": {"color": "#78909c", "fillColor": "#eceff1", "fillOpacity": 0.35, "weight": 1},
}
SPLIT = {"color": "#6a1b9a", "weight": 3, "dashArray": "6 4"}
# Former boundaries thin and grey, so that they never read as the colour of what lies under them.
OUTLINES = {
    "old_districts": {"color": "#78909c", "weight": 0.8, "opacity": 0.8, "dashArray": "3 3", "fill": False},
    "old_provinces": {"color": "#546e7a", "weight": 1.6, "opacity": 0.85, "dashArray": "6 4", "fill": False},
    "faint": {"color": "#607d8b", "weight": 1, "opacity": 0.7, "dashArray": "4 3", "fill": False},
    "new_provinces": {"color": "#212121", "weight": 3, "fill": False},
    "area": {"color": "#004d40", "weight": 4, "fill": False},
    "polygon": {"color": "#1565c0", "weight": 3, "dashArray": "2 6", "fill": False},
}
TITLES = {"new_communes": N_("New communes of the area and neighbours"), "old_districts": N_("Old districts"),
          "old_provinces": N_("Old provinces"), "new_provinces": N_("New provinces"),
          "area": N_("Area from the unit list"), "polygon": N_("Uploaded polygon")}


class _Layers:
    """Two level layers answering ``get`` together, so ``draw_area`` can use simplified geometry."""

    def __init__(self, *layers):
        self.layers = layers

    def get(self, unit_id: int):
        return next((g for layer in self.layers if (g := layer.get(unit_id)) is not None), None)


@dataclass
class RecordArea:
    gaz: Gazetteer
    summary: AreaSummary | None
    webgeo: WebGeo
    polygon: object | None  # the uploaded polygon (shapely), if any
    tr: callable  # translates an English msgid
    # records and open flags per new commune code of the given commune ids (those the user may see), for
    # the tooltips; asked only when the communes' layer is built, not for the page
    counts: Callable[[list[int]], dict[str, dict]] | None = None

    @cached_property
    def covered(self) -> dict[int, object]:
        return {c.unit.id: c for c in self.summary.projection.new_units} if self.summary else {}

    @cached_property
    def drawn(self):
        if not self.summary:
            return None
        layers = _Layers(self.webgeo.layer("new_communes", "detail"), self.webgeo.layer("old_districts", "detail"))
        return draw_area(self.gaz, self.summary, layers)

    def _old_coverage(self, unit: Unit) -> str | None:
        atoms = self.gaz.atoms(unit)
        inside = sum(1 for a in atoms if a in self.summary.atoms) if self.summary else 0
        return None if not inside else ("whole" if inside == len(atoms) else "part")

    def _in_area(self, layer: str) -> set[int]:
        if not self.summary:
            return set()
        if layer == "new_communes":
            return set(self.covered)
        if layer == "new_provinces":
            return {self.gaz.by_key[("new", code)].id for code in self.summary.new_provinces}
        atoms = [self.gaz.units[a] for a in self.summary.atoms]
        if layer == "old_provinces":
            return {self.gaz.by_key[("old", a.province_code)].id for a in atoms}
        return {a.parent_id if a.level == "commune" else a.id for a in atoms}

    def _tip(self, unit: Unit, coverage: str | None, share: float | None, split: bool, row: dict | None = None) -> str:
        tr = self.tr
        vintage = tr(N_("before 1 July 2025")) if unit.vintage == "old" else tr(N_("from 1 July 2025"))
        words = {"whole": tr(N_("covered whole")), "part": tr(N_("covered in part")), None: tr(N_("not in the area"))}
        lines = [Markup("<strong>{}</strong> ({})").format(unit.name, unit.code),
                 Markup("{}: {}").format(tr(N_("Vintage")), vintage),
                 Markup("{}: {}").format(tr(N_("Coverage")), words[coverage])]
        if coverage == "part" or share is not None:
            unknown = tr(N_("unknown (no boundaries of old communes)"))
            share_text = f"{share * 100:.0f}%" if share is not None else unknown
            lines.append(Markup("{}: {}").format(tr(N_("Share")), share_text))
        if split:
            lines.append(escape(tr(N_("Holds part of an old commune that was divided"))))
        if row is not None:  # what the province map says of the commune: its records and open flags
            lines.append(Markup("{}: {}").format(tr(N_("Records")), row.get("records", 0)))
            if "open_flags" in row:
                lines.append(Markup("{}: {}").format(tr(N_("Open flags")), row["open_flags"]))
        return str(Markup("<br>").join(lines))

    def _units_layer(self, layer: str) -> bytes:
        level = self.webgeo.layer(layer, LEVEL_OF[layer])
        inside = self._in_area(layer)
        shown = inside | level.touching([level.get(i) for i in inside])
        counts = self.counts(sorted(shown)) if self.counts and layer == "new_communes" else {}
        extra = {}
        for unit_id in shown:
            unit = self.gaz.units[unit_id]
            covered = self.covered.get(unit_id) if layer == "new_communes" else None
            if layer == "new_communes":
                coverage = covered.coverage if covered else None
                share = covered.share if covered else None
                split = bool(covered) and any(len(self.gaz.successors.get(a, ())) > 1 for a in covered.via)
            elif layer == "new_provinces":
                whole = all(c in self.covered and self.covered[c].coverage == "whole"
                            for c in self.gaz.new_communes(unit))
                coverage, share, split = (("whole" if whole else "part") if unit_id in inside else None), None, False
            else:
                coverage, share, split = self._old_coverage(unit), None, False
            extra[unit_id] = {"kind": coverage or "neighbour", "coverage": coverage, "share": share, "split": split,
                              "tip": self._tip(unit, coverage, share, split, counts.get(unit.code))}
        return self.webgeo.collection(layer, LEVEL_OF[layer], sorted(shown), extra)

    def layer(self, name: str) -> bytes:
        """The GeoJSON of one layer of the record map."""
        if name in LEVEL_OF:
            return self._units_layer(name)
        if name == "area":
            drawn = self.drawn
            if drawn is None or drawn.geometry is None:
                return feature_collection([], np.array([], dtype=object), [])
            tip = Markup("<strong>{}</strong>").format(self.tr(N_("Production area from its unit list")))
            if drawn.missing:
                tip += Markup("<br>{}: {}").format(self.tr(N_("Not drawn (no boundary of the old communes)")),
                                                   ", ".join(drawn.missing))
            geometry = shapely.set_precision(drawn.geometry, 1e-5)
            return feature_collection(["area"], np.array([geometry]), [{"kind": "area", "tip": str(tip),
                                                                        "complete": drawn.complete}])
        if self.polygon is None:
            return feature_collection([], np.array([], dtype=object), [])
        geometry = shapely.set_precision(shapely.simplify(self.polygon, 1e-4), 1e-5)
        tip = Markup("<strong>{}</strong>").format(self.tr(N_("Uploaded polygon")))
        return feature_collection(["polygon"], np.array([geometry]), [{"kind": "polygon", "tip": str(tip)}])

    def bounds(self) -> list[list[float]]:
        """[[south, west], [north, east]] of the area and the polygon; the whole country if neither exists.

        From the full-detail store, so that rendering the page never waits for simplified layers.
        """
        geoms = [self.webgeo.store.get(i) for i in self.covered] + [self.polygon]
        geoms = [g for g in geoms if g is not None]
        if not geoms:
            return VIETNAM
        west, south, east, north = shapely.total_bounds(np.array(geoms, dtype=object)).tolist()
        return [[south, west], [north, east]]


def record_map(frame: Frame, area: RecordArea, url_for_layer):
    """The folium map of a record: toggleable layers, a legend, fitted to the area."""
    tr = frame.tr
    layers = []
    for name in LAYERS:
        if name == "polygon" and area.polygon is None:
            continue
        spec = LayerSpec(tr(TITLES[name]), url_for_layer(name), OUTLINES.get(name, STYLE),
                         show=name != "old_provinces")
        if name == "new_communes":
            spec.styles, spec.split, spec.label_zoom = COVERAGE_STYLES, SPLIT, 0
        layers.append(spec)
    legend = [(tr(N_("New commune covered whole")), COVERAGE_STYLES["whole"]),
              (tr(N_("New commune covered in part")), COVERAGE_STYLES["part"]),
              (tr(N_("Holds part of a divided old commune")), SPLIT),
              (tr(N_("Neighbour, not in the area")), COVERAGE_STYLES["neighbour"]),
              *[(tr(TITLES[name]), OUTLINES[name]) for name in LAYERS[1:] if name != "polygon" or area.polygon]]
    return build_map(frame, area.bounds(), layers, tr(N_("Legend")), legend, attribution(tr))


def attribution(tr) -> str:
    return tr(N_("Leaflet · boundaries: gis.vn, gis.chinhphu.vn (simplified); codes: General Statistics Office"))
