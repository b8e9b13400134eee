"""What a map file would add to a tour: planned stops and warnings, and the checks every
reader shares (coordinates, text through the project's normaliser, lines simplified).

Messages name the line or element at fault and are in the interface language of the
request (``translate``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from dataclasses import field

import gpxpy.geo

from ..text import clean_name
from ..text import clean_text
from .errors import InvalidValue
from .errors import translate as _

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_LINE_STOPS = 12
RDP_POINTS = 400
TITLE_MAX = 200
NARRATIVE_MAX = 50_000


@dataclass
class PlannedStop:
    """A stop a file would create; ``source`` names where it came from (``line 4``)."""

    title: str
    lat: float
    lon: float
    narrative: str = ""
    source: str = ""


@dataclass
class StopPlan:
    format: str
    stops: list[PlannedStop] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class FileError(InvalidValue):
    """A file that cannot be read as stops: a fault of the form field ``file``."""

    def __init__(self, message: str):
        super().__init__("file", message, location="files")


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileError(_("line %(line)d: the file is not UTF-8 text.") % {"line": line}) from None


def coordinate(value, where: str, axis: str) -> float:
    """A latitude or longitude as a float within range.

    :raise FileError: not a number, not finite, or out of range (naming ``where``).
    """
    limit = 90 if axis == "lat" else 180
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = dms(value) if isinstance(value, str) else None
        if number is None:
            message = (
                _("%(where)s: latitude %(value)s is not a number.")
                if axis == "lat"
                else _("%(where)s: longitude %(value)s is not a number.")
            )
            raise FileError(message % {"where": where, "value": shown(value)}) from None
    if not math.isfinite(number) or not -limit <= number <= limit:
        message = (
            _("%(where)s: latitude %(value)s is out of range.")
            if axis == "lat"
            else _("%(where)s: longitude %(value)s is out of range.")
        )
        raise FileError(message % {"where": where, "value": shown(value)})
    return number


DMS = re.compile(
    r"""^\s*([NSEW])?\s*(\d+(?:\.\d+)?)\s*[°º:d\s]\s*
    (?:(\d+(?:\.\d+)?)\s*['′:m\s]?\s*)?
    (?:(\d+(?:\.\d+)?)\s*(?:["″s]|'')?\s*)?([NSEW])?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


def dms(text: str) -> float | None:
    """``37°23'30"N``, ``N 37 23 30``, ``5°59.5'W``: degrees as a signed float, or None."""
    if len(text) > 40:  # no coordinate is longer; the pattern need not search a page
        return None
    match = DMS.match(text)
    if not match or (match[1] and match[5]):
        return None
    degrees, minutes, seconds = (float(part or 0) for part in match.group(2, 3, 4))
    if minutes >= 60 or seconds >= 60:
        return None
    value = degrees + minutes / 60 + seconds / 3600
    hemisphere = (match[1] or match[5] or "").upper()
    return -value if hemisphere in ("S", "W") else value


def shown(value) -> str:
    """A value from the file as a message may quote it: printable, at most 40 characters."""
    text = clean_name(str(value))
    return text if len(text) <= 40 else text[:39] + "…"


def text_field(value, where: str, what: str, limit: int) -> str:
    """Text from the file through the project's normaliser, trimmed.

    :raise FileError: a control character or broken character, or too long.
    """
    if value is None:
        return ""
    try:
        text = clean_text(str(value), what).strip()
    except InvalidValue as exc:
        raise FileError(f"{where}: {what}: {exc.message}") from None
    if len(text) > limit:
        raise FileError(
            _("%(where)s: the %(what)s is longer than %(max)d characters.")
            % {"where": where, "what": what, "max": limit}
        )
    return text


def planned_stop(title, narrative, lat, lon, where: str) -> PlannedStop:
    return PlannedStop(
        title=text_field(title, where, "title", TITLE_MAX),
        narrative=text_field(narrative, where, "narrative", NARRATIVE_MAX),
        lat=coordinate(lat, where, "lat"),
        lon=coordinate(lon, where, "lon"),
        source=where,
    )


def line_stops(lines: list[tuple[str, list[tuple[float, float]]]], plan: StopPlan) -> None:
    """Stops along lines (name, [(lat, lon)...]): start, end and the main turns."""
    for name, points in lines:
        where = name
        checked = [
            (coordinate(lat, where, "lat"), coordinate(lon, where, "lon")) for lat, lon in points
        ]
        if not checked:
            continue
        kept = simplify(checked)
        for n, (lat, lon) in enumerate(kept, start=1):
            title = f"{name} ({n})"
            plan.stops.append(PlannedStop(title=title[:TITLE_MAX], lat=lat, lon=lon, source=where))
        plan.warnings.append(
            _(
                "%(name)s is a line of %(points)d points without waypoints: %(stops)d stops "
                "were placed at its start, its end and its main turns."
            )
            % {"name": name, "points": len(checked), "stops": len(kept)}
        )


def simplify(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """At most :data:`MAX_LINE_STOPS` points of a line, its ends kept: Ramer-Douglas-Peucker
    (gpxpy's) on at most :data:`RDP_POINTS` evenly taken points, with a tolerance doubled
    from 25 m until few enough are left; evenly spaced points where that cannot tell the
    turns apart (a loop that ends where it starts)."""
    if len(points) <= MAX_LINE_STOPS:
        return points
    # gpxpy's simplification recurses once per kept point and slices lists: bounded input
    locations = [gpxpy.geo.Location(lat, lon) for lat, lon in evenly(points, RDP_POINTS)]
    tolerance = 25.0
    while tolerance < 2e6:
        kept = gpxpy.geo.simplify_polyline(locations, tolerance)
        if len(kept) <= MAX_LINE_STOPS:
            distinct = {(point.latitude, point.longitude) for point in kept}
            if len(distinct) >= min(3, len(set(points))):
                return [(point.latitude, point.longitude) for point in kept]
            break
        tolerance *= 2
    return evenly(points, MAX_LINE_STOPS)


def evenly(points: list, count: int) -> list:
    """``count`` points taken evenly along ``points``, the first and the last included."""
    if len(points) <= count:
        return points
    step = (len(points) - 1) / (count - 1)
    return [points[round(n * step)] for n in range(count)]
