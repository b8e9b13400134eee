"""The map area an offline tour pack carries tiles for: the tour's stops as a projector
shows them, at a sensible range of zooms, within a tile budget.

Plain arithmetic (no Flask, no database): :func:`plan_area` takes the stops' positions
and zooms and returns a :class:`TileArea`, which lists its tiles and gives the Leaflet
options that keep the map from asking for any tile the pack does not hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..tile_grid import count_tiles
from ..tile_grid import MAX_LATITUDE
from ..tile_grid import tiles_in_bbox

#: The screen the area is planned for (a 1080p projector): each stop's view at its zoom
#: on such a screen is inside the area.
SCREEN = (1920, 1080)
#: Zoom levels kept below the lowest stop zoom (the flight between stops, the overview).
ZOOMS_BELOW = 3
TILE_SIZE = 256
#: Leaflet is told a box a hair inside the packed one, so rounding at an edge never makes
#: it ask for a tile just outside.
INSET = 1e-7


@dataclass(frozen=True)
class TileArea:
    """A box (degrees) and a zoom range; ``count`` tiles in all."""

    south: float
    west: float
    north: float
    east: float
    min_zoom: int
    max_zoom: int
    count: int

    def tiles(self):
        """Every ``(z, x, y)`` of the area, zoom by zoom."""
        return tiles_in_bbox(
            self.south, self.west, self.north, self.east, self.min_zoom, self.max_zoom
        )

    def leaflet_options(self, tiles_max_zoom: int) -> tuple:
        """TileLayer options: only tiles inside the box, none below ``min_zoom`` (the
        built-in basemap shows there), tiles of ``max_zoom`` scaled up beyond it."""
        bounds = [
            [self.south + INSET, self.west + INSET],
            [self.north - INSET, self.east - INSET],
        ]
        return (
            ("bounds", bounds),
            ("min_zoom", self.min_zoom),
            ("max_native_zoom", min(self.max_zoom, tiles_max_zoom)),
        )

    def as_json(self) -> dict:
        return {
            "bbox": [self.south, self.west, self.north, self.east],
            "min_zoom": self.min_zoom,
            "max_zoom": self.max_zoom,
            "tiles": self.count,
        }


def _degrees_per_pixel(zoom: int) -> float:
    return 360.0 / (TILE_SIZE * 2**zoom)


def _view_box(lat: float, lon: float, zoom: int) -> tuple[float, float, float, float]:
    """``(south, west, north, east)`` a SCREEN-sized map centred on the point shows."""
    half_w = SCREEN[0] / 2 * _degrees_per_pixel(zoom)
    # Web Mercator stretches latitudes by 1/cos(lat): a pixel spans fewer degrees there.
    half_h = SCREEN[1] / 2 * _degrees_per_pixel(zoom) * math.cos(math.radians(lat))
    return (
        max(-MAX_LATITUDE, lat - half_h),
        max(-180.0, lon - half_w),
        min(MAX_LATITUDE, lat + half_h),
        min(180.0, lon + half_w),
    )


def plan_area(
    stops: list[tuple[float, float, int]],
    *,
    budget: int,
    max_zoom: int | None = None,
    server_max_zoom: int = 19,
) -> TileArea | None:
    """The area for stops given as ``(lat, lon, zoom)``: every stop's SCREEN view at its
    zoom, from ``ZOOMS_BELOW`` under the lowest stop zoom up to the highest (or
    ``max_zoom``), the highest zoom lowered until the tiles fit in ``budget``. None when
    no stop has a place or the budget is below the tiles of one zoom."""
    if not stops or budget < 1:
        return None
    top = max(zoom for _lat, _lon, zoom in stops)
    if max_zoom is not None:
        top = max_zoom
    top = max(0, min(top, server_max_zoom))
    low = max(0, min(min(zoom for _la, _lo, zoom in stops), top) - ZOOMS_BELOW)
    boxes = [_view_box(lat, lon, min(zoom, top)) for lat, lon, zoom in stops]
    south = min(b[0] for b in boxes)
    west = min(b[1] for b in boxes)
    north = max(b[2] for b in boxes)
    east = max(b[3] for b in boxes)
    # Lower the highest zoom until the tiles fit (and the lowest with it, for stops so far
    # apart that only a coarse map of them all fits).
    for high in range(top, -1, -1):
        bottom = max(0, min(low, high - ZOOMS_BELOW))
        count = count_tiles(south, west, north, east, bottom, high)
        if count <= budget:
            return TileArea(south, west, north, east, bottom, high, count)
    return None
