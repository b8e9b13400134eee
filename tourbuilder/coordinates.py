"""Coordinates people type: a latitude and longitude pair, in decimal degrees or in
degrees, minutes and seconds, read into two numbers.

One owner for the whole app (the tour editor, the sites pages, importers): each value is
read by ``lat_lon_parser`` (NOAA's parser: ``37.3891``, ``37°23'21"N``, ``5 59 4 W``,
``-5,98``), this module only finds the two halves of the pair and checks the ranges.

Accepted pairs, latitude first unless the hemisphere letters say otherwise::

    37.3891, -5.9845            37.3891 -5.9845            37,3891; -5,9845
    37°23'21"N 5°59'4"W         5°59'4"W, 37°23'21"N       N 37 23 21 W 5 59 4
"""

from __future__ import annotations

import math
import re

from lat_lon_parser import parse as parse_angle

from .services.errors import InvalidValue

MAX_LENGTH = 100
_LAT_LETTERS = "NS"
_LON_LETTERS = "EW"
# A hemisphere letter ends the first half ("37°23'N 5°59'W") or starts it ("N 37 23 W 5").
_LETTER_AFTER = re.compile(r"^(.*?\d[^A-Za-z]*[NSEWnsew])[\s,;]+(.+)$")
_LETTER_BEFORE = re.compile(r"^([NSEWnsew]\s*[^A-Za-z]+?)[\s,;]+([NSEWnsew].+)$")
EXAMPLE = "37.3891, -5.9845 · 37°23'21\"N 5°59'4\"W"


class CoordinateError(InvalidValue):
    """The text is no coordinate pair, or one of its values is out of range."""


def _halves(text: str) -> tuple[str, str]:
    """The two halves of a typed pair. :raise CoordinateError: no two halves found."""
    if ";" in text:
        parts = text.split(";")
    elif match := (_LETTER_BEFORE.match(text) or _LETTER_AFTER.match(text)):
        parts = [match[1], match[2]]
    elif "," in text and ("." in text or text.count(",") == 1):
        parts = text.split(",")
    else:
        parts = text.split()
    parts = [part.strip(" ,") for part in parts]
    if len(parts) != 2 or not all(parts):
        raise CoordinateError("position", f"Type a latitude and a longitude, e.g. {EXAMPLE}.")
    return parts[0], parts[1]


def _hemisphere(part: str) -> str:
    letters = {ch for ch in part.upper() if ch in _LAT_LETTERS + _LON_LETTERS}
    if letters & set(_LAT_LETTERS):
        return "lat"
    if letters & set(_LON_LETTERS):
        return "lon"
    return ""


def _angle(part: str) -> float:
    try:
        value = float(parse_angle(part))
    except (ValueError, TypeError, IndexError):
        raise CoordinateError(
            "position", f"{part!r} is not a coordinate, e.g. {EXAMPLE}."
        ) from None
    if not math.isfinite(value):
        raise CoordinateError("position", f"{part!r} is not a coordinate.")
    return value


def parse_position(text: str) -> tuple[float, float]:
    """``(lat, lon)`` from a pair people typed (see the module docstring).

    :raise CoordinateError: the text is empty or too long, is no pair of coordinates, or
        a value is out of range (latitude −90…90, longitude −180…180).
    """
    text = (text or "").strip()
    if not text:
        raise CoordinateError("position", "Type a latitude and a longitude.")
    if len(text) > MAX_LENGTH:
        raise CoordinateError("position", "Too long for a pair of coordinates.")
    first, second = _halves(text)
    if _hemisphere(first) == "lon" or _hemisphere(second) == "lat":
        first, second = second, first
    lat, lon = _angle(first), _angle(second)
    if not -90 <= lat <= 90:
        raise CoordinateError("position", "The latitude must be between -90 and 90.")
    if not -180 <= lon <= 180:
        raise CoordinateError("position", "The longitude must be between -180 and 180.")
    return round(lat, 7), round(lon, 7)


def format_position(lat: float, lon: float) -> str:
    """The pair as people read it back: ``37.3891, -5.9845`` (at most 6 decimals)."""
    return f"{lat:.6f}".rstrip("0").rstrip(".") + ", " + f"{lon:.6f}".rstrip("0").rstrip(".")
