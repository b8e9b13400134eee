"""A tour's stops drawn as an SVG for print: the route in order, numbered markers and a
scale bar, in Web Mercator like the on-screen map.

The printed handout shows this rather than the Leaflet map: it is part of the page, so
it prints at once, offline and with no tiles to wait for, and stays sharp at any size.
Only numbers are written into the picture (no text people wrote); the SVG is built with
ElementTree, which escapes whatever it is given. No Flask import.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass

WIDTH, HEIGHT, MARGIN = 800, 500, 48
#: Half the span shown around a single stop, in degrees of latitude (about 550 m).
LONE_STOP_SPAN = 0.005
EARTH_CIRCUMFERENCE_M = 40_075_016.686
INK, ROUTE, PAPER, GRID = "#1d2327", "#0b6e4f", "#f4f1ea", "#e2ddd2"


@dataclass(frozen=True)
class Point:
    number: int
    lat: float
    lon: float


def mercator(lat: float, lon: float) -> tuple[float, float]:
    """Web Mercator in units of the world's width (0..1), y growing southwards."""
    lat = max(min(lat, 85.05), -85.05)
    x = (lon + 180) / 360
    y = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2
    return x, y


def nice_length(metres: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ metres not above ``metres``."""
    power = 10 ** math.floor(math.log10(metres))
    return max(step * power for step in (1, 2, 5) if step * power <= metres)


def distance_label(metres: float) -> str:
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


def stop_map_svg(points: list[Point], label: str = "") -> str:
    """An SVG (``viewBox`` 800×500, scaling to its box) of ``points`` in order; ``label``
    becomes its accessible name. Empty points: an empty frame."""
    svg = ET.Element(
        "svg",
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {WIDTH} {HEIGHT}",
        role="img",
        direction="ltr",  # numbers and the scale stay put on right-to-left pages
        **{"class": "stop-map"},
    )
    if label:
        svg.set("aria-label", label)
    ET.SubElement(svg, "rect", width=str(WIDTH), height=str(HEIGHT), fill=PAPER)
    for x in range(0, WIDTH + 1, 50):
        ET.SubElement(svg, "path", d=f"M{x} 0V{HEIGHT}", stroke=GRID, **{"stroke-width": "1"})
    for y in range(0, HEIGHT + 1, 50):
        ET.SubElement(svg, "path", d=f"M0 {y}H{WIDTH}", stroke=GRID, **{"stroke-width": "1"})
    if points:
        project, metres_per_unit = _fit(points)
        placed = [(p.number, *project(p)) for p in points]
        if len(placed) > 1:
            route = " ".join(f"{x:.1f},{y:.1f}" for _, x, y in placed)
            ET.SubElement(
                svg, "polyline", points=route, fill="none", stroke=ROUTE,
                **{"stroke-width": "4", "stroke-dasharray": "10 8", "stroke-linecap": "round"},
            )  # fmt: skip
        for number, x, y in placed:
            ET.SubElement(
                svg, "circle", cx=f"{x:.1f}", cy=f"{y:.1f}", r="17", fill=ROUTE,
                stroke="#fff", **{"stroke-width": "3"},
            )  # fmt: skip
            text = ET.SubElement(
                svg, "text", x=f"{x:.1f}", y=f"{y + 6:.1f}", fill="#fff",
                **{"text-anchor": "middle", "font-size": "17", "font-weight": "700",
                   "font-family": "system-ui, sans-serif"},
            )  # fmt: skip
            text.text = str(number)
        _scale_bar(svg, metres_per_unit)
    return ET.tostring(svg, encoding="unicode")


def _fit(points: list[Point]):
    """A projection of ``points`` into the frame (margins kept, aspect kept) and the
    metres one SVG unit stands for at their middle latitude."""
    xy = [mercator(p.lat, p.lon) for p in points]
    xs, ys = [x for x, _ in xy], [y for _, y in xy]
    span = max(max(xs) - min(xs), max(ys) - min(ys))
    if span < 1e-9:  # one stop, or all at one place: show the neighbourhood
        lat = points[0].lat
        span = abs(mercator(lat + LONE_STOP_SPAN, 0)[1] - mercator(lat - LONE_STOP_SPAN, 0)[1])
    scale = min(
        (WIDTH - 2 * MARGIN) / max(max(xs) - min(xs), span * 0.2),
        (HEIGHT - 2 * MARGIN) / max(max(ys) - min(ys), span * 0.2),
    )
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    middle_lat = sum(p.lat for p in points) / len(points)
    metres_per_unit = EARTH_CIRCUMFERENCE_M * math.cos(math.radians(middle_lat)) / scale

    def project(p: Point) -> tuple[float, float]:
        x, y = mercator(p.lat, p.lon)
        return WIDTH / 2 + (x - cx) * scale, HEIGHT / 2 + (y - cy) * scale

    return project, metres_per_unit


def _scale_bar(svg: ET.Element, metres_per_unit: float) -> None:
    metres = nice_length(metres_per_unit * WIDTH / 4)
    length = metres / metres_per_unit
    x, y = 20, HEIGHT - 20
    ET.SubElement(
        svg, "path", d=f"M{x} {y - 6}V{y}H{x + length:.1f}V{y - 6}", fill="none", stroke=INK,
        **{"stroke-width": "2"},
    )  # fmt: skip
    text = ET.SubElement(
        svg, "text", x=str(x), y=str(y - 10), fill=INK,
        **{"font-size": "14", "font-family": "system-ui, sans-serif"},
    )  # fmt: skip
    text.text = distance_label(metres)
