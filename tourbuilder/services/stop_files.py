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

import geojson

from .errors import TooLarge
from .errors import translate as _
from .stop_plan import decode
from .stop_plan import FileError
from .stop_plan import line_stops
from .stop_plan import MAX_FILE_BYTES
from .stop_plan import MAX_LINE_STOPS  # noqa: F401 (part of this module's interface)
from .stop_plan import planned_stop
from .stop_plan import PlannedStop  # noqa: F401
from .stop_plan import shown
from .stop_plan import StopPlan
from .stop_plan import text_field
from .stop_xml import read_gpx
from .stop_xml import read_kml
from .stop_xml import read_kmz

MAX_STOPS = 500
FORMATS = ("gpx", "kml", "kmz", "geojson", "csv")


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


# -- GeoJSON ---------------------------------------------------------------------------


def read_geojson(data: bytes) -> StopPlan:
    text = decode(data)
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
        props = feature.get("properties")
        props = props if isinstance(props, dict) else {}
        title = props.get("title") or props.get("name")
        if isinstance(title, dict):  # a tourbuilder export: {"en": "..."}
            title = next(iter(title.values()), "")
        narrative = props.get("narrative") or props.get("description")
        if isinstance(narrative, dict):
            narrative = next(iter(narrative.values()), "")
        geometry = feature.get("geometry") or {}
        coords = geometry.get("coordinates")
        if geometry.get("type") == "Point":
            plan.stops.append(planned_stop(title, narrative, coords[1], coords[0], where))
        elif geometry.get("type") == "LineString":
            lines.append(
                (text_field(title or where, where, "title", 200), [(c[1], c[0]) for c in coords])
            )
        elif geometry.get("type") == "MultiLineString":
            points = [(c[1], c[0]) for part in coords for c in part]
            lines.append((text_field(title or where, where, "title", 200), points))
    if not plan.stops:
        line_stops(lines, plan)
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
            raise FileError(f"{where}: {shown(exc) or 'invalid geometry'}") from None
        errors = obj.errors() if hasattr(obj, "errors") else None
        if errors:
            raise FileError(f"{where}: {shown(errors)}")
    return raw


# -- CSV -------------------------------------------------------------------------------

LAT_COLUMNS = ("lat", "latitude", "y", "latitud", "latitude_deg")
LON_COLUMNS = ("lon", "lng", "long", "longitude", "x", "longitud", "longitude_deg")
TITLE_COLUMNS = ("title", "name", "titulo", "título", "nom", "nombre", "nome")
NARRATIVE_COLUMNS = ("narrative", "description", "desc", "descripción", "descripcion")


def read_csv(data: bytes) -> StopPlan:
    text = decode(data)
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
            plan.stops.append(planned_stop(cell(title_col), cell(narrative_col), lat, lon, where))
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
