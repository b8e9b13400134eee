"""A tour written as GeoJSON, KML, GPX or CSV for another map program, as a viewer may see
it: positions through ``Stop.position_for(viewer)`` (approximate sites rounded for anyone
who may not edit them), presenter notes only for those who may present the tour.

Each format is written by its library (geojson, fastkml, gpxpy, csv), which escapes what
people wrote; CSV text cells that a spreadsheet would read as a formula get a leading
quote. The portable archive with media is :mod:`.tour_archive`.
"""

from __future__ import annotations

import csv
import io
import warnings
from dataclasses import dataclass

import geojson
import gpxpy.gpx

from ..models import Stop
from ..models import Tour
from .library import shown_to

with warnings.catch_warnings():  # fastkml warns at import when lxml is missing
    warnings.simplefilter("ignore")
    from fastkml import kml as fastkml
    from fastkml.geometry import LineString as KmlLineString
    from fastkml.geometry import Point as KmlPoint

FORMATS = {
    "geojson": ("application/geo+json", "geojson"),
    "kml": ("application/vnd.google-earth.kml+xml", "kml"),
    "gpx": ("application/gpx+xml", "gpx"),
    "csv": ("text/csv; charset=utf-8", "csv"),
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Export:
    """A written file: its bytes, its media type and a safe file name."""

    data: bytes
    mimetype: str
    filename: str


def export_tour(tour: Tour, fmt: str, viewer, language: str | None = None) -> Export:
    """``tour`` as ``fmt`` (``geojson``, ``kml``, ``gpx`` or ``csv``) for ``viewer``; text
    in ``language`` where a format has room for one language only.

    :raise KeyError: an unknown format (adapters check it first).
    """
    mimetype, extension = FORMATS[fmt]
    rows = list(_rows(tour, viewer, language or tour.fallback_language()))
    data = WRITERS[fmt](tour, rows, language or tour.fallback_language(), viewer)
    return Export(data, mimetype, f"{safe_file_stem(tour.slug)}.{extension}")


def safe_file_stem(slug: str) -> str:
    """A file name part from a slug: ASCII letters, digits and hyphens only."""
    stem = "".join(c for c in slug if c.isascii() and (c.isalnum() or c == "-"))
    return stem[:80] or "tour"


@dataclass
class _Row:
    number: int
    stop: Stop
    position: tuple[float, float] | None
    title: str
    narrative: str


def _rows(tour: Tour, viewer, language: str):
    for number, stop in enumerate(tour.stops, start=1):
        yield _Row(
            number=number,
            stop=stop,
            position=stop.position_for(viewer),
            title=stop.display_title(language),
            narrative=stop.text("narrative", language) or "",
        )


def _site_properties(stop: Stop, viewer) -> dict | None:
    site = stop.site
    if site is None or not site.can_view(viewer):
        return None
    lat, lon = site.position_for(viewer)
    return {
        "name": dict(site.name),
        "description": dict(site.description),
        "lat": lat,
        "lon": lon,
        "approximate_location": site.approximate_location,
        "themes": list(site.themes or []),
    }


def _media_properties(stop: Stop, viewer) -> list[dict]:
    """The stop's media ``viewer`` may see (all for the team; publishable ones for anyone
    else): the address of each web version, captions and alt text. Never the original."""
    return [
        {
            "kind": str(item.kind),
            "caption": dict(item.caption),
            "alt_text": dict(item.alt_text),
            "credit": item.credit,
            "licence": item.licence,
            "derivatives": {name: f"/media/{item.id}/{name}" for name in item.derivatives},
        }
        for item in shown_to(stop.media, viewer)
    ]


def write_geojson(tour: Tour, rows: list[_Row], language: str, viewer) -> bytes:
    features = []
    for row in rows:
        stop = row.stop
        geometry = geojson.Point((row.position[1], row.position[0])) if row.position else None
        properties = {
            "number": row.number,
            "title": dict(stop.title),
            "title_text": row.title,
            "narrative": dict(stop.narrative),
            "zoom": stop.zoom,
            "site": _site_properties(stop, viewer),
            "media": _media_properties(stop, viewer),
        }
        features.append(geojson.Feature(geometry=geometry, properties=properties))
    collection = geojson.FeatureCollection(
        features, tour={"slug": tour.slug, "title": dict(tour.title), "languages": tour.languages}
    )
    return geojson.dumps(collection, ensure_ascii=False, indent=1).encode("utf-8")


def write_kml(tour: Tour, rows: list[_Row], language: str, viewer) -> bytes:
    document = fastkml.Document(name=tour.text("title", language) or tour.slug)
    for row in rows:
        placemark = fastkml.Placemark(
            name=f"{row.number}. {row.title}" if row.title else str(row.number),
            description=row.narrative or None,
            kml_geometry=KmlPoint(kml_coordinates=_kml_coords([row.position]))
            if row.position
            else None,
        )
        document.append(placemark)
    points = [row.position for row in rows if row.position]
    if len(points) >= 2:
        document.append(
            fastkml.Placemark(
                name=tour.text("title", language) or tour.slug,
                kml_geometry=KmlLineString(kml_coordinates=_kml_coords(points)),
            )
        )
    document_kml = fastkml.KML(features=[document])
    text = document_kml.to_string(prettyprint=True)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode("utf-8")


def _kml_coords(points):
    from fastkml.geometry import Coordinates

    return Coordinates(coords=[(lon, lat) for lat, lon in points])


def write_gpx(tour: Tour, rows: list[_Row], language: str, viewer) -> bytes:
    gpx = gpxpy.gpx.GPX()
    gpx.name = tour.text("title", language) or tour.slug
    gpx.creator = "tourbuilder"
    route = gpxpy.gpx.GPXRoute(name=gpx.name)
    for row in rows:
        if not row.position:
            continue
        lat, lon = row.position
        name = row.title or str(row.number)
        gpx.waypoints.append(
            gpxpy.gpx.GPXWaypoint(lat, lon, name=name, description=row.narrative or None)
        )
        route.points.append(gpxpy.gpx.GPXRoutePoint(lat, lon, name=name))
    if route.points:
        gpx.routes.append(route)
    return gpx.to_xml(version="1.1").encode("utf-8")


def spreadsheet_safe(text: str) -> str:
    """A text cell a spreadsheet shows as text: a leading quote before ``= + - @``."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(tour: Tour, rows: list[_Row], language: str, viewer) -> bytes:
    languages = list(dict.fromkeys([*tour.languages, language]))
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(
        ["number", "lat", "lon", "title", "narrative", "site"]
        + [f"title_{lang}" for lang in languages]
        + [f"narrative_{lang}" for lang in languages]
    )
    for row in rows:
        stop = row.stop
        site = stop.site.text("name", language) if stop.site is not None else ""
        texts = [row.title, row.narrative, site]
        texts += [stop.title.get(lang, "") for lang in languages]
        texts += [stop.narrative.get(lang, "") for lang in languages]
        lat, lon = row.position if row.position else ("", "")
        writer.writerow([row.number, lat, lon, *(spreadsheet_safe(t) for t in texts)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM: spreadsheets read UTF-8


WRITERS = {"geojson": write_geojson, "kml": write_kml, "gpx": write_gpx, "csv": write_csv}
