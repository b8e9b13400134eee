"""Coordinates people type: one owner for reading a position from text.

Accepted, for a pair (latitude first):

- decimal degrees: ``36.8065, 10.1815``, ``36.8065; 10.1815``, ``36.8065 10.1815``,
  ``-33.9, -70.6``;
- degrees, minutes, seconds with hemisphere letters: ``36°48'23.4"N 10°10'53.4"E``,
  ``36 48 23.4 N, 10 10 53.4 E``, ``36d48m23.4s N 10d10m53.4s E``, ``N 36°48.39' E 10°10.89'``;
  typographic primes (``′ ″``) and ``O`` for west (Spanish, Portuguese, French, Catalan
  "oeste/ouest") too.

Each half is read by lat-lon-parser (a small, well-kept parser for one coordinate); this
module splits the pair, checks hemisphere letters (N/S only on the latitude, E/W only on
the longitude) and the ranges, and refuses with a :class:`CoordinateError` that says what
is wrong. The messages are lazily translated: the API shows them in English, forms in the
reader's language. ``static/js/position-picker.js`` mirrors these rules for instant
feedback; the server's answer is this module's.
"""

from __future__ import annotations

import math
import re

import lat_lon_parser
from flask_babel import lazy_gettext as _l

LAT_LETTERS = "NS"
LON_LETTERS = "EWO"
# Minus signs people paste: hyphen-minus, the real minus sign, en dash.
MINUS = str.maketrans({"\u2212": "-", "\u2013": "-"})
# A hemisphere letter standing alone (not part of "36d48m" or a word).
LETTER = re.compile(r"(?<![A-Za-z])([NSEWO])(?![A-Za-z])", re.IGNORECASE)
# A lowercase "s" after minutes is the seconds unit ("48m23.4s"), not south.
SECONDS_UNIT = re.compile(r"((?:['′m]|\d\s)\s*\d+(?:\.\d+)?)\s*s(?![A-Za-z])")
DECIMAL_PAIR = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*[,;\s]\s*([-+]?\d+(?:\.\d+)?)\s*$")
MAX_LENGTH = 100


class CoordinateError(ValueError):
    """Text that is not a position; ``field`` is ``"lat"``, ``"lon"`` or ``None`` (the pair)
    and ``message`` a lazily translated sentence saying what to fix."""

    def __init__(self, field: str | None, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def check_range(lat: float, lon: float) -> tuple[float, float]:
    """``(lat, lon)`` when both are finite and in range.

    :raise CoordinateError: a value is NaN, infinite or out of range.
    """
    if not (isinstance(lat, int | float) and math.isfinite(lat) and -90 <= lat <= 90):
        raise CoordinateError("lat", _l("Latitude must be between -90 and 90."))
    if not (isinstance(lon, int | float) and math.isfinite(lon) and -180 <= lon <= 180):
        raise CoordinateError("lon", _l("Longitude must be between -180 and 180."))
    return float(lat), float(lon)


def parse_position(text: str | None) -> tuple[float, float] | None:
    """The ``(lat, lon)`` written in ``text``; None when it is empty (no position).

    :raise CoordinateError: not a position, letters on the wrong half, out of range.
    """
    text = (text or "").strip().translate(MINUS)
    if not text:
        return None
    if len(text) > MAX_LENGTH:
        raise CoordinateError(None, _l("This is too long to be a position."))
    text = SECONDS_UNIT.sub(r'\1"', text)
    match = DECIMAL_PAIR.match(text)
    if match:
        return check_range(float(match.group(1)), float(match.group(2)))
    lat_text, lon_text = split_pair(text)
    return check_range(parse_one(lat_text, "lat"), parse_one(lon_text, "lon"))


def split_pair(text: str) -> tuple[str, str]:
    """The latitude's text and the longitude's, split at a comma or semicolon, else at
    the hemisphere letters.

    :raise CoordinateError: the text does not hold two coordinates.
    """
    for separator in (";", ","):
        parts = text.split(separator)
        if len(parts) == 2 and all(p.strip() for p in parts):
            return parts[0].strip(), parts[1].strip()
    letters = list(LETTER.finditer(text))
    if len(letters) == 2:
        first, second = letters
        if first.start() == 0:  # letters lead: "N 36 48 E 10 10"
            return text[: second.start()].strip(), text[second.start() :].strip()
        return text[: first.end()].strip(), text[first.end() :].strip()
    raise CoordinateError(
        None,
        _l(
            "Write the latitude, then the longitude: 36.8065, 10.1815 or "
            "36°48'23.4\"N 10°10'53.4\"E."
        ),
    )


def parse_one(text: str, field: str) -> float:
    """One coordinate: decimal or degrees, minutes, seconds, with an optional hemisphere
    letter that must fit ``field`` (``"lat"``: N/S; ``"lon"``: E/W/O).

    :raise CoordinateError: unreadable, or a letter of the other half.
    """
    letters = [m.group(1).upper() for m in LETTER.finditer(text)]
    allowed = LAT_LETTERS if field == "lat" else LON_LETTERS
    if len(letters) > 1 or any(letter not in allowed for letter in letters):
        if field == "lat":
            message = _l("The latitude's letter must be N or S.")
        else:
            message = _l("The longitude's letter must be E or W.")
        raise CoordinateError(field, message)
    if letters == ["O"]:
        text = LETTER.sub("W", text)
    try:
        value = lat_lon_parser.parse(text)
    except (ValueError, TypeError):
        value = None
    if value is None or not math.isfinite(value):
        if field == "lat":
            raise CoordinateError(field, _l("The latitude could not be read."))
        raise CoordinateError(field, _l("The longitude could not be read."))
    return value


def format_position(lat: float | None, lon: float | None) -> str:
    """``"36.8065, 10.1815"``: how a stored position is written back into a field."""
    if lat is None or lon is None:
        return ""
    return f"{decimal(lat)}, {decimal(lon)}"


def decimal(value: float) -> str:
    """Six decimals (about 10 cm), trailing zeros dropped, never an exponent."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
