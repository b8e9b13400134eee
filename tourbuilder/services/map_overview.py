"""The first view of the map of every project, drawn before its layer has downloaded.

The home map clusters the full GeoJSON layer in the browser (supercluster, in a Web
Worker: ``static/js/home-map-worker.js``). On a phone over a slow connection that layer
(about 20 bytes a site gzipped) takes seconds; the page itself carries this overview, so
the projects are on the map as soon as Leaflet is:

- ``bounds``: ``[[south, west], [north, east]]`` of every public site, where the map opens;
- ``views``: for each zoom the opening view can have (the bounds fitted into a map from a
  phone's to a projector's size), the sites grouped as supercluster groups them (the
  sites within its radius of each other), as ``clusters`` ``[lat, lon, count, south,
  west, north, east]`` (a click fits the map to the group's bounds) and the sites of
  smaller groups as ``points`` ``[lat, lon, id, name]``. The home page adds each group's
  count as the reader's language writes it (views/public.py), so the browser formats no
  number before the map is up.

It is a preview: once the layer is indexed, the next move of the map draws supercluster's
clusters. Its size grows with the map's area in pixels (there is at most one group per
radius), not with the number of sites, and is held under ``BUDGET``: the larger zooms,
with the most groups, are left out first.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict

# supercluster's options on the home map (home-map-worker.js): its radius of 60 is in
# units of a 512-wide tile (its default extent), 30 pixels of Leaflet's 256-pixel tiles
RADIUS = 60 * 256 / 512
MIN_POINTS = 3
# the map sizes the opening view is fitted into: a phone's to a projector's, less the
# 30-pixel padding home-map.js gives the bounds on each side
WIDTHS = (280, 2600)
HEIGHTS = (240, 1400)
PADDING = 30
MAX_ZOOM = 13
MAX_VIEWS = 5
# the views' share of the home page, in bytes of JSON: a view that would pass it is left
# out (a map opening at that zoom waits for the index, as with filters)
BUDGET = 24_000
DECIMALS = 4  # about 10 m: enough to place a group on the screen


def world_pixel(lat: float, lon: float, zoom: int) -> tuple[float, float]:
    """Web Mercator pixel coordinates of a position at ``zoom`` (256-pixel tiles)."""
    scale = 256 * 2**zoom
    sin = min(max(math.sin(math.radians(lat)), -0.9999), 0.9999)
    x = (lon + 180) / 360 * scale
    y = (0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)) * scale
    return x, y


def fitted_zoom(bounds, width: int, height: int) -> int:
    """The zoom Leaflet's ``fitBounds`` (whole zoom steps) chooses for ``bounds`` in a map
    of ``width`` by ``height`` pixels with ``PADDING``, up to ``MAX_ZOOM``."""
    (south, west), (north, east) = bounds
    x0, y0 = world_pixel(north, west, 0)
    x1, y1 = world_pixel(south, east, 0)
    dx, dy = x1 - x0, y1 - y0
    room_x, room_y = width - 2 * PADDING, height - 2 * PADDING
    scales = [room / extent for room, extent in ((room_x, dx), (room_y, dy)) if extent > 0]
    if not scales:
        return MAX_ZOOM
    return max(0, min(MAX_ZOOM, math.floor(math.log2(min(scales)))))


def _groups(sites: list[tuple], zoom: int) -> list[list[tuple]]:
    """The sites grouped as supercluster groups them at one zoom: each site not yet taken,
    in order, takes the untaken sites within ``RADIUS`` pixels; fewer than ``MIN_POINTS``
    stay single sites (looked up on a grid of ``RADIUS``-pixel cells)."""
    pixels = [world_pixel(site[0], site[1], zoom) for site in sites]
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, (x, y) in enumerate(pixels):
        cells[(int(x // RADIUS), int(y // RADIUS))].append(i)
    taken = [False] * len(sites)
    groups = []
    for i, (x, y) in enumerate(pixels):
        if taken[i]:
            continue
        cx, cy = int(x // RADIUS), int(y // RADIUS)
        near = [
            j
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
            for j in cells.get((cx + dx, cy + dy), ())
            if not taken[j] and math.hypot(pixels[j][0] - x, pixels[j][1] - y) <= RADIUS
        ]
        members = near if len(near) >= MIN_POINTS else [i]
        for j in members:
            taken[j] = True
        groups.append([sites[j] for j in members])
    return groups


def _view(sites: list[tuple], zoom: int) -> dict:
    clusters, points = [], []
    for group in _groups(sites, zoom):
        if len(group) < MIN_POINTS:
            points.extend(
                [round(lat, DECIMALS), round(lon, DECIMALS), site_id, name]
                for lat, lon, site_id, name in group
            )
            continue
        lats = [g[0] for g in group]
        lons = [g[1] for g in group]
        clusters.append(
            [
                round(sum(lats) / len(lats), DECIMALS),
                round(sum(lons) / len(lons), DECIMALS),
                len(group),
                *(round(v, DECIMALS) for v in (min(lats), min(lons), max(lats), max(lons))),
            ]
        )
    return {"clusters": clusters, "points": points}


def overview(sites: list[tuple]) -> dict:
    """The overview of ``sites``, given as ``(lat, lon, id, name)``; ``{}`` without any."""
    if not sites:
        return {}
    lats = [s[0] for s in sites]
    lons = [s[1] for s in sites]
    bounds = [[min(lats), min(lons)], [max(lats), max(lons)]]
    zooms = sorted({fitted_zoom(bounds, w, h) for w in WIDTHS for h in HEIGHTS})
    lowest, highest = zooms[0], min(zooms[-1], zooms[0] + MAX_VIEWS - 1)
    views, size = {}, 0
    for zoom in range(lowest, highest + 1):  # the fewer groups first
        view = _view(sites, zoom)
        size += len(json.dumps(view, ensure_ascii=False, separators=(",", ":")))
        if size > BUDGET:
            break
        views[str(zoom)] = view
    return {"bounds": bounds, "views": views}
