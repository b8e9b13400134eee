"""The handout's drawing of the stops: in the frame, in order, to scale."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from tourbuilder import qr
from tourbuilder.sharing import plain_excerpt
from tourbuilder.stopmap import nice_length
from tourbuilder.stopmap import Point
from tourbuilder.stopmap import stop_map_svg

SVG = "{http://www.w3.org/2000/svg}"


def circles(svg: str) -> list[tuple[float, float]]:
    root = ET.fromstring(svg)
    return [(float(c.get("cx")), float(c.get("cy"))) for c in root.iter(f"{SVG}circle")]


def test_stops_are_placed_inside_the_frame_north_up():
    points = [Point(1, 37.40, -6.00), Point(2, 37.38, -5.98), Point(3, 37.39, -5.99)]
    svg = stop_map_svg(points, 'Map "of" <stops>')
    placed = circles(svg)
    assert all(0 < x < 800 and 0 < y < 500 for x, y in placed)
    (north, south, middle) = placed
    assert north[1] < middle[1] < south[1] and north[0] < middle[0] < south[0]
    root = ET.fromstring(svg)
    assert root.get("aria-label") == 'Map "of" <stops>'
    assert [t.text for t in root.iter(f"{SVG}text")][:3] == ["1", "2", "3"]
    assert root.find(f"{SVG}polyline") is not None


def test_one_stop_is_centred_and_no_stop_draws_an_empty_frame():
    assert circles(stop_map_svg([Point(1, 0.0, 0.0)])) == [(400.0, 250.0)]
    assert circles(stop_map_svg([])) == []


def test_scale_bar_reads_a_round_distance():
    svg = stop_map_svg([Point(1, 37.38, -5.99), Point(2, 37.39, -5.99)])
    assert re.search(r">(100|200|500) m<", svg)
    assert nice_length(730) == 500 and nice_length(1999) == 1000 and nice_length(3) == 2


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [("  a\n b  ", 200, "a b"), ("one two three", 9, "one two…"), ("abcdefghij", 5, "abcd…")],
)
def test_plain_excerpt(text, limit, expected):
    assert plain_excerpt(text, limit) == expected


def test_qr_png_refuses_scales_out_of_range():
    with pytest.raises(ValueError):
        qr.png("http://x/", 0)
