"""Areas in an equal-area projection: Albers conic fitted to Vietnam's latitudes (8°N-23.5°N)."""
from __future__ import annotations

import numpy as np
import shapely
from pyproj import Transformer

EQUAL_AREA = "+proj=aea +lat_0=15 +lon_0=106 +lat_1=10 +lat_2=21 +datum=WGS84 +units=m +no_defs"
_TO_EQUAL_AREA = Transformer.from_crs("EPSG:4326", EQUAL_AREA, always_xy=True)


def to_equal_area(geoms: np.ndarray) -> np.ndarray:
    """Project lon/lat geometries (vectorised) so that ``shapely.area`` gives square metres."""
    return shapely.transform(geoms, lambda xy: np.column_stack(_TO_EQUAL_AREA.transform(xy[:, 0], xy[:, 1])))
