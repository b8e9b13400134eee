"""The XYZ tile grid: which tiles exist, which cover an area, and a tile server's URL of one.

Plain arithmetic on integers and degrees, shared by the tile cache (tourbuilder.tiles) and
whatever needs the tiles of an area (offline packs).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

MAX_LATITUDE = 85.0511287798  # where Web Mercator's square ends
MAX_ZOOM = 24  # deeper than any tile server goes


def grid_problem(z, x, y, max_zoom: int) -> str | None:
    """What is wrong with ``z/x/y`` as a tile of the grid up to ``max_zoom``, or None."""
    if not all(type(v) is int for v in (z, x, y)):
        return "tile coordinates must be integers"
    if not 0 <= z <= max_zoom:
        return f"zoom must be between 0 and {max_zoom}"
    if not (0 <= x < 2**z and 0 <= y < 2**z):
        return f"x and y must be between 0 and {2**z - 1} at zoom {z}"
    return None


def upstream_url(template: str, z: int, x: int, y: int) -> str:
    """The tile server's URL of one tile (placeholders replaced, nothing else)."""
    url = template.replace("{s}", "abc"[(x + y) % 3]).replace("{r}", "")
    return url.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y))


def tiles_in_bbox(
    south: float, west: float, north: float, east: float, min_zoom: int, max_zoom: int
) -> Iterator[tuple[int, int, int]]:
    """Every ``(z, x, y)`` covering the box, zoom by zoom (for offline packs).

    :raise ValueError: a box or zoom range that makes no sense.
    """
    for z, xs, ys in _ranges(south, west, north, east, min_zoom, max_zoom):
        for x in xs:
            for y in ys:
                yield z, x, y


def count_tiles(south, west, north, east, min_zoom, max_zoom) -> int:
    """How many tiles :func:`tiles_in_bbox` lists, without listing them."""
    return sum(
        len(xs) * len(ys) for _z, xs, ys in _ranges(south, west, north, east, min_zoom, max_zoom)
    )


def _ranges(south, west, north, east, min_zoom, max_zoom):
    """``(z, xs, ys)`` per zoom; a box across the antimeridian (west > east) wraps."""
    if not (-90 <= south <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
        raise ValueError("the box must be south <= north, longitudes within ±180")
    if not 0 <= min_zoom <= max_zoom <= MAX_ZOOM:
        raise ValueError(f"zooms must be 0 <= min_zoom <= max_zoom <= {MAX_ZOOM}")
    for z in range(min_zoom, max_zoom + 1):
        n = 2**z
        x0, y0 = _tile_of(north, west, z)
        x1, y1 = _tile_of(south, east, z)
        xs = range(x0, x1 + 1) if x0 <= x1 else [*range(x0, n), *range(0, x1 + 1)]
        yield z, xs, range(y0, y1 + 1)


def _tile_of(lat: float, lon: float, z: int) -> tuple[int, int]:
    n = 2**z
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    x = int((lon + 180.0) / 360.0 * n)
    rad = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(rad)) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)
