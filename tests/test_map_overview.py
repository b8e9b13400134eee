"""The home map's first view, drawn before its layer has downloaded."""

from __future__ import annotations

import json
import random

from tourbuilder.services import map_overview
from tourbuilder.services.map_overview import fitted_zoom
from tourbuilder.services.map_overview import overview
from tourbuilder.services.map_overview import world_pixel


def sites(count: int, seed: int = 7, box=((30.0, -10.0), (46.0, 36.0))):
    rng = random.Random(seed)
    (south, west), (north, east) = box
    return [
        (rng.uniform(south, north), rng.uniform(west, east), i, f"Site {i}") for i in range(count)
    ]


def members(view: dict) -> int:
    return sum(c[2] for c in view["clusters"]) + len(view["points"])


def test_every_site_is_in_each_view_once():
    placed = sites(3000)
    made = overview(placed)
    assert made["bounds"][0] == [min(s[0] for s in placed), min(s[1] for s in placed)]
    assert made["views"], "no view for the opening zoom"
    for zoom, view in made["views"].items():
        assert members(view) == 3000, zoom
        shown = [p[2] for p in view["points"]]
        assert len(shown) == len(set(shown))
        for lat, lon, count, south, west, north, east in view["clusters"]:
            assert count >= map_overview.MIN_POINTS
            assert south <= lat <= north and west <= lon <= east  # a click fits these bounds


def test_views_cover_a_phone_to_a_projector():
    made = overview(sites(300))
    bounds = made["bounds"]
    for width, height in ((390, 500), (1366, 520), (1920, 700)):
        assert str(fitted_zoom(bounds, width, height)) in made["views"], (width, height)
    # the Mediterranean fits a phone's map at zoom 3 and a projector's at zoom 5
    assert fitted_zoom(bounds, 390, 500) == 3
    assert fitted_zoom(bounds, 1920, 700) == 5


def test_groups_are_within_supercluster_radius_and_apart_sites_stay_pins():
    # three sites a few pixels apart group; a fourth 200 pixels away stays a pin
    zoom = 10
    x, y = world_pixel(37.38, -5.99, zoom)
    near = [(37.38, -5.99, 1, "a"), (37.3801, -5.9899, 2, "b"), (37.3799, -5.9901, 3, "c")]
    far = (37.38, -5.99 + 200 * 360 / (256 * 2**zoom), 4, "d")
    view = map_overview._view([*near, far], zoom)
    assert [c[2] for c in view["clusters"]] == [3]
    assert view["points"] == [[37.38, round(far[1], 4), 4, "d"]]
    assert world_pixel(*far[:2], zoom)[0] - x > map_overview.RADIUS


def test_one_place_opens_close_in_and_nothing_makes_no_overview():
    assert overview([]) == {}
    made = overview([(37.38, -5.99, 1, "only")])
    assert list(made["views"]) == [str(map_overview.MAX_ZOOM)]
    assert made["views"]["13"]["points"] == [[37.38, -5.99, 1, "only"]]


def test_its_size_stays_within_its_share_of_the_page_however_many_sites():
    for count in (2000, 20000):
        made = overview(sites(count))
        assert len(json.dumps(made, ensure_ascii=False, separators=(",", ":"))) < 25_000
        # the smallest maps' views are kept; the largest, with the most groups, go first
        assert str(fitted_zoom(made["bounds"], 390, 500)) in made["views"]
