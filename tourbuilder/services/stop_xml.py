"""Stops from XML map files: GPX (gpxpy), KML and KMZ (fastkml). Each file is parsed by
defusedxml first, so a DTD or an entity declaration is refused and a syntax error names
its line and column; the libraries then read what is known to be plain XML."""

from __future__ import annotations

import io
import warnings

import gpxpy
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from defusedxml.ElementTree import ParseError

from .errors import translate as _
from .stop_plan import decode
from .stop_plan import FileError
from .stop_plan import line_stops
from .stop_plan import MAX_FILE_BYTES
from .stop_plan import planned_stop
from .stop_plan import shown
from .stop_plan import StopPlan
from .stop_plan import text_field
from .stop_plan import TITLE_MAX
from .zips import read_member
from .zips import safe_members

with warnings.catch_warnings():  # fastkml warns at import when lxml is missing
    warnings.simplefilter("ignore")
    from fastkml import kml as fastkml
    from fastkml.geometry import LineString as KmlLineString
    from fastkml.geometry import MultiGeometry as KmlMultiGeometry
    from fastkml.geometry import Point as KmlPoint


def check_xml(text: str) -> None:
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
    text = decode(data)
    check_xml(text)
    try:
        gpx = gpxpy.parse(text)
    except gpxpy.gpx.GPXException as exc:
        raise FileError(_("Not a GPX file: %(reason)s") % {"reason": shown(exc)}) from None
    plan = StopPlan("gpx")
    for n, point in enumerate(gpx.waypoints, start=1):
        where = _("waypoint %(n)d") % {"n": n}
        narrative = point.description or point.comment
        plan.stops.append(
            planned_stop(point.name, narrative, point.latitude, point.longitude, where)
        )
    if not plan.stops:
        for r, route in enumerate(gpx.routes, start=1):
            for n, point in enumerate(route.points, start=1):
                where = _("route %(r)d, point %(n)d") % {"r": r, "n": n}
                narrative = point.description or point.comment
                plan.stops.append(
                    planned_stop(point.name, narrative, point.latitude, point.longitude, where)
                )
    if not plan.stops:
        lines = []
        for t, track in enumerate(gpx.tracks, start=1):
            name = track.name or _("Track %(n)d") % {"n": t}
            points = [(p.latitude, p.longitude) for s in track.segments for p in s.points]
            lines.append((text_field(name, name, "title", TITLE_MAX), points))
        line_stops(lines, plan)
    return plan


def read_kml(data: bytes) -> StopPlan:
    text = decode(data)
    check_xml(text)
    try:
        document = fastkml.KML.from_string(text.encode("utf-8"), strict=False)
    except Exception as exc:  # fastkml raises many kinds for files it cannot map
        raise FileError(_("Not a KML file: %(reason)s") % {"reason": shown(exc)}) from None
    plan = StopPlan("kml")
    lines = []
    for n, placemark in enumerate(_placemarks(document), start=1):
        where = _("Placemark %(n)d") % {"n": n}
        if placemark.name:
            where += f" ({shown(placemark.name)})"
        for geometry in _geometries(placemark.kml_geometry):
            if isinstance(geometry, KmlPoint):
                coords = _coordinates(geometry)
                if not coords:
                    raise FileError(
                        _("%(where)s: the point has no coordinates.") % {"where": where}
                    )
                lon, lat = coords[0][0], coords[0][1]
                plan.stops.append(
                    planned_stop(placemark.name, placemark.description, lat, lon, where)
                )
            elif isinstance(geometry, KmlLineString):
                coords = _coordinates(geometry)
                name = text_field(placemark.name or _("Line %(n)d") % {"n": n}, where, "title", 200)
                lines.append((name, [(c[1], c[0]) for c in coords]))
        for track_points in _gx_tracks(placemark):
            name = text_field(placemark.name or _("Line %(n)d") % {"n": n}, where, "title", 200)
            lines.append((name, track_points))
    if not plan.stops:
        line_stops(lines, plan)
    return plan


def _coordinates(geometry) -> list:
    """A KML geometry's coordinate tuples that have both a longitude and a latitude."""
    coords = geometry.kml_coordinates.coords if geometry.kml_coordinates else []
    return [c for c in coords if len(c) >= 2]


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
