"""Reading stops from map files: GPX, KML, KMZ, GeoJSON and CSV, each with its library.

:func:`read_stops` takes a file's bytes and name and returns a :class:`StopPlan`: the
stops it would create, in file order, and warnings. Nothing touches the database here.

Which points become stops:

* GPX: waypoints (``<wpt>``: name → title, desc or cmt → narrative); without waypoints,
  the points of its routes (``<rtept>``); without either, its tracks, simplified.
* KML/KMZ: Placemarks with a Point (name → title, description → narrative); without
  any, its LineStrings (and gx:Tracks) simplified. A KMZ is a zip holding a ``.kml``.
* GeoJSON: Point features (properties ``title`` or ``name``, ``narrative`` or
  ``description``); without any, LineStrings simplified.
* CSV: one stop a row, from ``lat``/``latitude``/``y`` and ``lon``/``lng``/
  ``longitude``/``x`` columns (decimal degrees, or degrees-minutes-seconds such as
  ``37°23'30"N``), a ``title``/``name`` column and ``narrative``/``description``.

A line (a track) becomes at most :data:`MAX_LINE_STOPS` stops: its start, its end and the
turns that stay after Ramer-Douglas-Peucker simplification; the plan's warnings say so.
A malformed file raises :class:`~.errors.InvalidValue` on ``file`` naming the line or
element at fault.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import warnings
from dataclasses import dataclass
from dataclasses import field

import geojson
import gpxpy
import gpxpy.geo
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from defusedxml.ElementTree import ParseError

from ..text import clean_text
from .errors import InvalidValue
from .errors import TooLarge
from .errors import translate as _
from .zips import read_member
from .zips import safe_members

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_STOPS = 500
MAX_LINE_STOPS = 12
TITLE_MAX = 200
NARRATIVE_MAX = 50_000
FORMATS = ("gpx", "kml", "kmz", "geojson", "csv")

with warnings.catch_warnings():  # fastkml warns at import when lxml is missing
    warnings.simplefilter("ignore")
    from fastkml import kml as fastkml
    from fastkml.geometry import LineString as KmlLineString
    from fastkml.geometry import MultiGeometry as KmlMultiGeometry
    from fastkml.geometry import Point as KmlPoint


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


def read_stops(data: bytes, filename: str) -> StopPlan:
    """The stops in a map file, its format told by its name's extension, else its bytes.

    :raise FileError: the file is empty, of no known format, malformed, or a stop in it has
        a bad coordinate or text (the message names the line or element).
    :raise TooLarge: the file (or a KMZ's KML) is larger than :data:`MAX_FILE_BYTES`.
    """
    if len(data) > MAX_FILE_BYTES:
        raise TooLarge("file", _("The file is larger than 10 MB."), location="files")
    if not data.strip():
        raise FileError(_("The file is empty."))
    kind = detect_format(data, filename)
    plan = READERS[kind](data)
    if not plan.stops:
        raise FileError(_("The file holds no point or line to make stops from."))
    if len(plan.stops) > MAX_STOPS:
        raise FileError(
            _("The file holds %(count)d points; at most %(max)d stops are imported at once.")
            % {"count": len(plan.stops), "max": MAX_STOPS}
        )
    return plan


def detect_format(data: bytes, filename: str) -> str:
    """``gpx``, ``kml``, ``kmz``, ``geojson`` or ``csv``.

    :raise FileError: neither the name nor the bytes say.
    """
    ext = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if ext in ("json",):
        ext = "geojson"
    if ext in ("tsv", "txt"):
        ext = "csv"
    if ext in FORMATS:
        return ext
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if data[:4] == b"PK\x03\x04":
        return "kmz"
    if head.startswith(b"{"):
        return "geojson"
    if head.startswith(b"<"):
        return "gpx" if b"<gpx" in data[:2048] else "kml"
    raise FileError(_("Send a GPX, KML, KMZ, GeoJSON or CSV file."))


# -- shared checks ---------------------------------------------------------------------


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileError(_("line %(line)d: the file is not UTF-8 text.") % {"line": line}) from None


def _coordinate(value, where: str, axis: str) -> float:
    """A latitude or longitude as a float within range.

    :raise FileError: not a number, not finite, or out of range (naming ``where``).
    """
    limit = 90 if axis == "lat" else 180
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = _dms(value) if isinstance(value, str) else None
        if number is None:
            message = (
                _("%(where)s: latitude %(value)s is not a number.")
                if axis == "lat"
                else _("%(where)s: longitude %(value)s is not a number.")
            )
            raise FileError(message % {"where": where, "value": _shown(value)}) from None
    if not math.isfinite(number) or not -limit <= number <= limit:
        message = (
            _("%(where)s: latitude %(value)s is out of range.")
            if axis == "lat"
            else _("%(where)s: longitude %(value)s is out of range.")
        )
        raise FileError(message % {"where": where, "value": _shown(value)})
    return number


_DMS = re.compile(
    r"""^\s*([NSEW])?\s*(\d+(?:\.\d+)?)\s*[°º:d\s]\s*
    (?:(\d+(?:\.\d+)?)\s*['′:m\s]?\s*)?
    (?:(\d+(?:\.\d+)?)\s*(?:["″s]|'')?\s*)?([NSEW])?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


def _dms(text: str) -> float | None:
    """``37°23'30"N``, ``N 37 23 30``, ``5°59.5'W``: degrees as a signed float, or None."""
    match = _DMS.match(text)
    if not match or (match[1] and match[5]):
        return None
    degrees, minutes, seconds = (float(part or 0) for part in match.group(2, 3, 4))
    if minutes >= 60 or seconds >= 60:
        return None
    value = degrees + minutes / 60 + seconds / 3600
    hemisphere = (match[1] or match[5] or "").upper()
    return -value if hemisphere in ("S", "W") else value


def _shown(value) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _text(value, where: str, what: str, limit: int) -> str:
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


def _stop(title, narrative, lat, lon, where: str) -> PlannedStop:
    return PlannedStop(
        title=_text(title, where, "title", TITLE_MAX),
        narrative=_text(narrative, where, "narrative", NARRATIVE_MAX),
        lat=_coordinate(lat, where, "lat"),
        lon=_coordinate(lon, where, "lon"),
        source=where,
    )


def _line_stops(lines: list[tuple[str, list[tuple[float, float]]]], plan: StopPlan) -> None:
    """Stops along lines (name, [(lat, lon)...]): start, end and the main turns."""
    for name, points in lines:
        where = name
        checked = [
            (_coordinate(lat, where, "lat"), _coordinate(lon, where, "lon")) for lat, lon in points
        ]
        if not checked:
            continue
        kept = _simplify(checked)
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


def _simplify(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """At most :data:`MAX_LINE_STOPS` points of a line: Ramer-Douglas-Peucker (gpxpy's)
    with a tolerance doubled from 25 m until few enough are left."""
    locations = [gpxpy.geo.Location(lat, lon) for lat, lon in points]
    tolerance = 25.0
    kept = locations
    while len(kept) > MAX_LINE_STOPS:
        kept = gpxpy.geo.simplify_polyline(locations, tolerance)
        tolerance *= 2
        if tolerance > 4e7:  # wider than the Earth: keep the ends
            kept = [locations[0], locations[-1]]
    return [(point.latitude, point.longitude) for point in kept]


# -- XML (GPX, KML) --------------------------------------------------------------------


def _check_xml(text: str) -> None:
    """Parse ``text`` with defusedxml first: no DTD, no entities (no billion laughs, no
    external files), and a syntax error is reported with its line.

    :raise FileError: malformed XML, or a DTD or entity declaration.
    """
    try:
        defused_fromstring(text.encode("utf-8"), forbid_dtd=True)
    except ParseError as exc:
        line, column = exc.position
        raise FileError(
            _("line %(line)d, column %(column)d: the XML is malformed.")
            % {"line": line, "column": column + 1}
        ) from None
    except DefusedXmlException:
        raise FileError(_("The file declares a DTD or entities, which are refused.")) from None


def read_gpx(data: bytes) -> StopPlan:
    text = _decode(data)
    _check_xml(text)
    try:
        gpx = gpxpy.parse(text)
    except gpxpy.gpx.GPXException as exc:
        raise FileError(_("Not a GPX file: %(reason)s") % {"reason": _shown(exc)}) from None
    plan = StopPlan("gpx")
    for n, point in enumerate(gpx.waypoints, start=1):
        where = _("waypoint %(n)d") % {"n": n}
        narrative = point.description or point.comment
        plan.stops.append(_stop(point.name, narrative, point.latitude, point.longitude, where))
    if not plan.stops:
        for r, route in enumerate(gpx.routes, start=1):
            for n, point in enumerate(route.points, start=1):
                where = _("route %(r)d, point %(n)d") % {"r": r, "n": n}
                narrative = point.description or point.comment
                plan.stops.append(
                    _stop(point.name, narrative, point.latitude, point.longitude, where)
                )
    if not plan.stops:
        lines = []
        for t, track in enumerate(gpx.tracks, start=1):
            name = track.name or _("Track %(n)d") % {"n": t}
            points = [(p.latitude, p.longitude) for s in track.segments for p in s.points]
            lines.append((_text(name, name, "title", TITLE_MAX), points))
        _line_stops(lines, plan)
    return plan


def read_kml(data: bytes) -> StopPlan:
    text = _decode(data)
    _check_xml(text)
    try:
        document = fastkml.KML.from_string(text.encode("utf-8"), strict=False)
    except Exception as exc:  # fastkml raises many kinds for files it cannot map
        raise FileError(_("Not a KML file: %(reason)s") % {"reason": _shown(exc)}) from None
    plan = StopPlan("kml")
    lines = []
    for n, placemark in enumerate(_placemarks(document), start=1):
        where = _("Placemark %(n)d") % {"n": n}
        if placemark.name:
            where += f" ({_shown(placemark.name)})"
        for geometry in _geometries(placemark.kml_geometry):
            if isinstance(geometry, KmlPoint):
                coords = geometry.kml_coordinates.coords if geometry.kml_coordinates else []
                if not coords:
                    raise FileError(
                        _("%(where)s: the point has no coordinates.") % {"where": where}
                    )
                lon, lat = coords[0][0], coords[0][1]
                plan.stops.append(_stop(placemark.name, placemark.description, lat, lon, where))
            elif isinstance(geometry, KmlLineString):
                coords = geometry.kml_coordinates.coords if geometry.kml_coordinates else []
                name = _text(placemark.name or _("Line %(n)d") % {"n": n}, where, "title", 200)
                lines.append((name, [(c[1], c[0]) for c in coords]))
        for track_points in _gx_tracks(placemark):
            name = _text(placemark.name or _("Line %(n)d") % {"n": n}, where, "title", 200)
            lines.append((name, track_points))
    if not plan.stops:
        _line_stops(lines, plan)
    return plan


def _placemarks(container):
    for feature in getattr(container, "features", None) or []:
        if isinstance(feature, fastkml.Placemark):
            yield feature
        else:
            yield from _placemarks(feature)


def _geometries(geometry):
    if geometry is None:
        return
    if isinstance(geometry, KmlMultiGeometry):
        for part in geometry.kml_geometries:
            yield from _geometries(part)
    else:
        yield geometry


def _gx_tracks(placemark):
    """(lat, lon) lists of a placemark's gx:Track and gx:MultiTrack."""
    geometry = placemark.kml_geometry
    tracks = getattr(geometry, "tracks", None)
    if tracks is None and hasattr(geometry, "track_items"):
        tracks = [geometry]
    for track in tracks or []:
        points = []
        for item in getattr(track, "track_items", None) or []:
            coord = getattr(item, "coord", None)
            if coord is not None:
                points.append((coord.y, coord.x))
        if points:
            yield points


def read_kmz(data: bytes) -> StopPlan:
    """A KMZ: its first ``.kml`` member (``doc.kml`` by convention), read as KML."""
    with safe_members(io.BytesIO(data), MAX_FILE_BYTES, 1000) as (archive, members):
        kml_names = sorted(
            (m.filename for m in members if m.filename.lower().endswith(".kml")),
            key=lambda name: (name.lower() != "doc.kml", name.count("/"), name),
        )
        if not kml_names:
            raise FileError(_("The KMZ file holds no .kml document."))
        kml = read_member(archive, kml_names[0], MAX_FILE_BYTES)
    plan = read_kml(kml)
    plan.format = "kmz"
    return plan


# -- GeoJSON ---------------------------------------------------------------------------


def read_geojson(data: bytes) -> StopPlan:
    text = _decode(data)
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileError(
            _("line %(line)d, column %(column)d: the JSON is malformed (%(reason)s).")
            % {"line": exc.lineno, "column": exc.colno, "reason": exc.msg}
        ) from None
    if not isinstance(raw, dict):
        raise FileError(_("Not GeoJSON: the file is not a JSON object."))
    if raw.get("type") == "Feature":
        raw = {"type": "FeatureCollection", "features": [raw]}
    if raw.get("type") != "FeatureCollection" or not isinstance(raw.get("features"), list):
        raise FileError(_("Not GeoJSON: expected a FeatureCollection or a Feature."))
    plan = StopPlan("geojson")
    lines = []
    for n, raw_feature in enumerate(raw["features"], start=1):
        where = _("feature %(n)d") % {"n": n}
        feature = _geojson_feature(raw_feature, where)
        props = feature.get("properties") or {}
        title = props.get("title") or props.get("name")
        if isinstance(title, dict):  # a tourbuilder export: {"en": "..."}
            title = next(iter(title.values()), "")
        narrative = props.get("narrative") or props.get("description")
        if isinstance(narrative, dict):
            narrative = next(iter(narrative.values()), "")
        geometry = feature.get("geometry") or {}
        coords = geometry.get("coordinates")
        if geometry.get("type") == "Point":
            plan.stops.append(_stop(title, narrative, coords[1], coords[0], where))
        elif geometry.get("type") == "LineString":
            lines.append(
                (_text(title or where, where, "title", 200), [(c[1], c[0]) for c in coords])
            )
        elif geometry.get("type") == "MultiLineString":
            points = [(c[1], c[0]) for part in coords for c in part]
            lines.append((_text(title or where, where, "title", 200), points))
    if not plan.stops:
        _line_stops(lines, plan)
    return plan


def _geojson_feature(raw, where: str) -> dict:
    """:raise FileError: ``raw`` is not a valid GeoJSON Feature (the geojson library says
    why)."""
    if not isinstance(raw, dict) or raw.get("type") != "Feature":
        raise FileError(_("%(where)s: not a GeoJSON Feature.") % {"where": where})
    geometry = raw.get("geometry")
    if geometry is not None:
        try:
            obj = geojson.GeoJSON.to_instance(geometry, strict=True)
        except (ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
            raise FileError(f"{where}: {_shown(exc) or 'invalid geometry'}") from None
        errors = obj.errors() if hasattr(obj, "errors") else None
        if errors:
            raise FileError(f"{where}: {_shown(errors)}")
    return raw


# -- CSV -------------------------------------------------------------------------------

LAT_COLUMNS = ("lat", "latitude", "y", "latitud", "latitude_deg")
LON_COLUMNS = ("lon", "lng", "long", "longitude", "x", "longitud", "longitude_deg")
TITLE_COLUMNS = ("title", "name", "titulo", "título", "nom", "nombre", "nome")
NARRATIVE_COLUMNS = ("narrative", "description", "desc", "descripción", "descripcion")


def read_csv(data: bytes) -> StopPlan:
    text = _decode(data)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise FileError(_("line 1: the CSV file has no header.")) from None
    columns = [name.strip().lower() for name in header]

    def find(names):
        return next((columns.index(name) for name in names if name in columns), None)

    lat_col, lon_col = find(LAT_COLUMNS), find(LON_COLUMNS)
    if lat_col is None or lon_col is None:
        raise FileError(
            _(
                "line 1: the header needs a latitude column (lat, latitude or y) and a "
                "longitude column (lon, lng, longitude or x)."
            )
        )
    title_col, narrative_col = find(TITLE_COLUMNS), find(NARRATIVE_COLUMNS)
    plan = StopPlan("csv")
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            where = _("line %(line)d") % {"line": reader.line_num}

            def cell(col, row=row, where=where):
                if col is None:
                    return ""
                if col >= len(row):
                    raise FileError(
                        _("%(where)s: the row has %(count)d cells, fewer than the header.")
                        % {"where": where, "count": len(row)}
                    )
                return row[col].strip()

            lat, lon = cell(lat_col), cell(lon_col)
            plan.stops.append(_stop(cell(title_col), cell(narrative_col), lat, lon, where))
            if len(plan.stops) > MAX_STOPS:
                break
    except csv.Error as exc:
        raise FileError(f"{_('line %(line)d') % {'line': reader.line_num}}: {exc}") from None
    return plan


READERS = {
    "gpx": read_gpx,
    "kml": read_kml,
    "kmz": read_kmz,
    "geojson": read_geojson,
    "csv": read_csv,
}


def add_planned_stops(tour, plan: StopPlan, language: str) -> list:
    """Append the plan's stops to ``tour`` (its lock taken by each ``add_stop``), texts in
    ``language``; returns the new stops."""
    from .tours import add_stop

    return [
        add_stop(
            tour,
            title={language: stop.title} if stop.title else {},
            narrative={language: stop.narrative} if stop.narrative else {},
            lat=stop.lat,
            lon=stop.lon,
        )
        for stop in plan.stops
    ]
