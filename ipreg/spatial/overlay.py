"""Area shares of succession links, from geometry, vectorised over all linked pairs at once."""
from __future__ import annotations

from collections import defaultdict

import numpy as np
import shapely

from .projection import to_equal_area


def pair_shares(old: dict[str, object], new: dict[str, object], pairs: list[tuple[str, str]]
                ) -> dict[tuple[str, str], tuple[float, float]]:
    """For linked (old, new) pairs with both polygons: (share of the old unit, share of the new unit).

    Shares are normalised over the linked pairs only (not over every polygon that touches), because the
    layers come from different surveys: raw intersections would add slivers as false successors.
    ``old``/``new`` map codes to geometries already in the equal-area projection.
    """
    usable = [(o, n) for o, n in pairs if o in old and n in new]
    if not usable:
        return {}
    a = np.array([old[o] for o, _ in usable], dtype=object)
    b = np.array([new[n] for _, n in usable], dtype=object)
    areas = shapely.area(shapely.intersection(a, b, grid_size=None))
    by_old, by_new = defaultdict(float), defaultdict(float)
    for (o, n), area in zip(usable, areas):
        by_old[o] += area
        by_new[n] += area
    return {
        (o, n): (area / by_old[o] if by_old[o] else None, area / by_new[n] if by_new[n] else None)
        for (o, n), area in zip(usable, areas)
    }


def projected_by_code(codes: np.ndarray, geoms: np.ndarray) -> dict[str, object]:
    return dict(zip(codes.tolist(), to_equal_area(geoms).tolist()))
