"""The province viewer and the national overview: cached boundary layers, counts joined in the browser.

The boundaries of a province or of the nation are the same for every user and change only with the
gazetteer, so they are served from the cache as they are; what depends on the user and the day (records
and open flags within the user's provinces) comes in a small JSON joined to the features by code.
"""
from __future__ import annotations

from markupsafe import Markup

from ..core.errors import N_
from ..gazetteer.snapshot import Unit
from .base import VIETNAM, LayerSpec, build_map
from .record import OUTLINES, attribution

BREAKS = [1, 3, 10, 30]  # open flags: 0 | 1-2 | 3-9 | 10-29 | 30+
COLORS = ["#f5f5f5", "#fde0c5", "#f9a66c", "#e4572e", "#a51c1c"]
CHOROPLETH = {"field": "open_flags", "breaks": BREAKS, "colors": COLORS}
FILLED = {"color": "#455a64", "weight": 1, "fillOpacity": 0.75, "fillColor": COLORS[0]}


def _flag_legend(tr) -> list[tuple[str, dict]]:
    labels = ["0", "1–2", "3–9", "10–29", "30+"]
    word = tr(N_("Open flags"))
    return [(f"{word}: {label}", {**FILLED, "fillColor": color}) for label, color in zip(labels, COLORS)]


def count_values(counts: dict[str, dict], tr, href=None) -> dict:
    """The per-code values of a choropleth, with an escaped tooltip line and a link where allowed."""
    values = {}
    for code, row in counts.items():
        tip = Markup("<br>{}: {}").format(tr(N_("Records")), row["records"])
        if "open_flags" in row:  # flags are not shown to the anonymous public
            tip += Markup(" · {}: {}").format(tr(N_("Open flags")), row["open_flags"])
        values[code] = {**row, "tip": str(tip)}
        if href is not None and (link := href(code)):
            values[code]["href"] = link
    return {"values": values}


def province_map(static_url: str, province: Unit, bounds, layer_url, data_url: str, popup_url: str, tr):
    """New communes coloured by open flags, with old district and province borders drawn over them."""
    old, new = tr(N_("before 1 July 2025")), tr(N_("from 1 July 2025"))
    layers = [
        LayerSpec(tr(N_("New communes")), layer_url("new_communes"), FILLED, caption=new, data=data_url,
                  choropleth=CHOROPLETH, popup=popup_url),
        LayerSpec(tr(N_("Old districts")), layer_url("old_districts"), OUTLINES["old_districts"], caption=old),
        LayerSpec(tr(N_("Old provinces")), layer_url("old_provinces"), OUTLINES["old_provinces"], caption=old),
        LayerSpec(tr(N_("New provinces")), layer_url("new_provinces"), OUTLINES["new_provinces"], caption=new),
    ]
    legend = _flag_legend(tr) + [(tr(N_("Old districts")), OUTLINES["old_districts"]),
                                 (tr(N_("Old provinces")), OUTLINES["old_provinces"]),
                                 (tr(N_("New provinces")), OUTLINES["new_provinces"])]
    return build_map(static_url, bounds or VIETNAM, layers, province.name, legend, attribution(tr))


def overview_map(static_url: str, layer_url, data_url: str, tr):
    """The 34 new provinces coloured by open flags, the 63 old ones drawn over them."""
    layers = [
        LayerSpec(tr(N_("New provinces")), layer_url("new_provinces"), {**FILLED, "weight": 2, "color": "#212121"},
                  caption=tr(N_("from 1 July 2025")), data=data_url, choropleth=CHOROPLETH),
        LayerSpec(tr(N_("Old provinces")), layer_url("old_provinces"), OUTLINES["old_provinces"],
                  caption=tr(N_("before 1 July 2025"))),
    ]
    legend = _flag_legend(tr) + [(tr(N_("Old provinces")), OUTLINES["old_provinces"])]
    return build_map(static_url, VIETNAM, layers, tr(N_("Provinces")), legend, attribution(tr))
