"""The province viewer and the national maps of both vintages: cached boundaries, counts joined in the browser.

The boundaries of a province or of the nation are the same for every user and change only with the
gazetteer, so they are served from the cache as they are; what depends on the user and the day (records
and open flags within the user's provinces, and the tooltips that show them) comes in a small JSON
joined to the features by code.

The choropleth is what a reader looks at first, so it is drawn strong and every boundary of the other
vintage thin, grey and dashed over it: a merged province's former borders must not read as a colour.
"""
from __future__ import annotations

from markupsafe import Markup

from ..core.errors import N_
from ..gazetteer.snapshot import Unit
from .base import VIETNAM, Frame, LayerSpec, build_map
from .record import OUTLINES, attribution

BREAKS = [1, 3, 10, 30]  # 0 | 1-2 | 3-9 | 10-29 | 30+
LABELS = ["0", "1–2", "3–9", "10–29", "30+"]
COLORS = ["#f5f5f5", "#fde0c5", "#f9a66c", "#e4572e", "#a51c1c"]
FILLED = {"color": "#455a64", "weight": 1, "fillOpacity": 0.8, "fillColor": COLORS[0]}
NATIONAL_LABEL_ZOOM = 7  # provinces named once zoomed in: at the whole country only a few would fit, at random
UNCOUNTED = {"fillColor": "#cfd5db", "fillOpacity": 0.35}  # outside a provincial user's provinces: no figures
PROVINCES_FILLED = {**FILLED, "color": "#263238", "weight": 1.5}


def _choropleth(frame: Frame) -> tuple[dict, list[tuple[str, dict]]]:
    """Colour by open flags for signed-in users, by records for the public (who sees no flags)."""
    field, word = ("open_flags", N_("Open flags")) if frame.with_flags else ("records", N_("Records"))
    legend = [(f"{frame.tr(word)}: {label}", {**FILLED, "fillColor": color}) for label, color in zip(LABELS, COLORS)]
    if frame.scoped:
        legend.append((frame.tr(N_("Outside your provinces")), {**FILLED, **UNCOUNTED}))
    return {"field": field, "breaks": BREAKS, "colors": COLORS, "uncounted": UNCOUNTED}, legend


def named(unit: Unit) -> str:
    """A unit as readers name it: its name with its code beside (a code alone means two provinces)."""
    return f"{unit.name} ({unit.code})"


def tooltip(name: str, code: str, row: dict, tr) -> str:
    """A unit's tooltip as HTML, every value escaped: its name and code, its records and open flags."""
    lines = [Markup("<strong>{}</strong> ({})").format(name, code),
             Markup("{}: {}").format(tr(N_("Records")), row["records"])]
    if "open_flags" in row:  # flags are not shown to the anonymous public
        lines.append(Markup("{}: {}").format(tr(N_("Open flags")), row["open_flags"]))
    return str(Markup("<br>").join(lines))


def count_values(counts: dict[str, dict], names: dict[str, str], tr, with_flags: bool = True, href=None) -> dict:
    """The per-code values of a choropleth for every unit in ``names`` (zeros where nothing counts),
    each with its tooltip and, where allowed, the link a click follows.

    Units left out of ``names`` (outside the user's provinces) get no counts: their tooltip is the
    name the boundary layer carries, not a misleading zero.
    """
    zero = {"records": 0, "open_flags": 0} if with_flags else {"records": 0}
    values = {}
    for code, name in names.items():
        row = {key: counts.get(code, {}).get(key, 0) for key in zero}
        values[code] = {**row, "tip": tooltip(name, code, row, tr)}
        if href is not None and (link := href(code)):
            values[code]["href"] = link
    return {"values": values}


def province_map(frame: Frame, province: Unit, bounds, layer_url, data_url: str, popup_url: str):
    """New communes coloured by open flags and named when zoomed in; old district and province borders faint."""
    tr = frame.tr
    old, new = tr(N_("before 1 July 2025")), tr(N_("from 1 July 2025"))
    choropleth, legend = _choropleth(frame)
    layers = [
        LayerSpec(tr(N_("New communes")), layer_url("new_communes"), FILLED, caption=new, data=data_url,
                  choropleth=choropleth, popup=popup_url, label_zoom=0),
        LayerSpec(tr(N_("Old districts")), layer_url("old_districts"), OUTLINES["old_districts"], caption=old),
        LayerSpec(tr(N_("Old provinces")), layer_url("old_provinces"), OUTLINES["old_provinces"], caption=old),
        LayerSpec(tr(N_("New provinces")), layer_url("new_provinces"), OUTLINES["new_provinces"], caption=new),
    ]
    legend += [(tr(N_("Old districts")), OUTLINES["old_districts"]),
               (tr(N_("Old provinces")), OUTLINES["old_provinces"]),
               (tr(N_("New provinces")), OUTLINES["new_provinces"])]
    return build_map(frame, bounds or VIETNAM, layers, named(province), legend, attribution(tr))


def national_map(frame: Frame, vintage: str, layer_url, data_url: str):
    """The provinces of one vintage coloured by open flags, the other vintage's borders faint over them.

    New: the 34 provinces from 1 July 2025 over the 63 former ones; old: the other way round.
    """
    tr = frame.tr
    old, new = tr(N_("before 1 July 2025")), tr(N_("from 1 July 2025"))
    choropleth, legend = _choropleth(frame)
    filled, overlay = ("new_provinces", "old_provinces") if vintage == "new" else ("old_provinces", "new_provinces")
    titles = {"new_provinces": tr(N_("New provinces")), "old_provinces": tr(N_("Old provinces"))}
    captions = {"new_provinces": new, "old_provinces": old}
    layers = [
        LayerSpec(titles[filled], layer_url(filled), PROVINCES_FILLED, caption=captions[filled], data=data_url,
                  choropleth=choropleth, label_zoom=NATIONAL_LABEL_ZOOM),
        LayerSpec(titles[overlay], layer_url(overlay), OUTLINES["faint"], caption=captions[overlay],
                  interactive=False),
    ]
    legend.append((titles[overlay], OUTLINES["faint"]))
    title = tr(N_("34 provinces")) if vintage == "new" else tr(N_("63 former provinces"))
    return build_map(frame, VIETNAM, layers, title, legend, attribution(tr))
