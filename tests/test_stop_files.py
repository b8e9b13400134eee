"""Stops read from real map files, and malformed files refused with the line or element
named. No database: the readers only turn bytes into planned stops."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tourbuilder.services.errors import InvalidValue
from tourbuilder.services.errors import TooLarge
from tourbuilder.services.stop_files import MAX_LINE_STOPS
from tourbuilder.services.stop_files import read_stops

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
needs_fixtures = pytest.mark.skipif(not FIXTURES.exists(), reason="shared/fixtures is absent")

GPX_WAYPOINTS = b"""<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <wpt lat="37.3861" lon="-5.9926"><name>Huerto del Rey Moro</name>
    <desc>Un huerto comunitario &amp; vecinal</desc></wpt>
  <wpt lat="37.3925" lon="-5.9889"><name>\xd8\xb3\xd9\x88\xd9\x82</name></wpt>
  <trk><trkseg><trkpt lat="37.0" lon="-5.0"/><trkpt lat="37.1" lon="-5.1"/></trkseg></trk>
</gpx>"""

KML = b"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Ruta</name>
  <Folder><Placemark><name>Mercado</name><description>Puestos de la cooperativa</description>
    <Point><coordinates>-5.99,37.39,0</coordinates></Point></Placemark></Folder>
  <Placemark><name>Plaza</name><Point><coordinates>-5.98,37.40</coordinates></Point></Placemark>
</Document></kml>"""

GEOJSON = b"""{"type": "FeatureCollection", "features": [
 {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-5.99, 37.39]},
  "properties": {"name": "Mercado", "description": "Puestos"}},
 {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-5.98, 37.40]},
  "properties": {"title": "Plaza"}},
 {"type": "Feature", "geometry": null, "properties": {"name": "sin lugar"}}
]}"""


def test_gpx_waypoints_become_stops_and_the_track_is_ignored():
    plan = read_stops(GPX_WAYPOINTS, "walk.gpx")
    assert plan.format == "gpx"
    assert [(s.title, s.lat, s.lon) for s in plan.stops] == [
        ("Huerto del Rey Moro", 37.3861, -5.9926),
        ("سوق", 37.3925, -5.9889),
    ]
    assert plan.stops[0].narrative == "Un huerto comunitario & vecinal"
    assert plan.warnings == []


@needs_fixtures
def test_gpx_track_without_waypoints_gives_its_ends_and_main_turns():
    plan = read_stops((FIXTURES / "Mojstrovka.gpx").read_bytes(), "Mojstrovka.gpx")
    assert 2 <= len(plan.stops) <= MAX_LINE_STOPS
    assert (plan.stops[0].lat, plan.stops[0].lon) == (46.434981, 13.748273)  # the first point
    assert "184 points" in plan.warnings[0]


@needs_fixtures
def test_kml_points_of_a_real_my_tracks_file():
    plan = read_stops((FIXTURES / "multitrack.kml").read_bytes(), "multitrack.kml")
    assert [s.title for s in plan.stops] == ["8/8/2013 17:20 (Start)", "8/8/2013 17:20 (End)"]
    assert plan.stops[0].lat == pytest.approx(51.050362)


def test_kml_placemarks_in_folders():
    plan = read_stops(KML, "ruta.kml")
    assert [(s.title, s.narrative, s.lat, s.lon) for s in plan.stops] == [
        ("Mercado", "Puestos de la cooperativa", 37.39, -5.99),
        ("Plaza", "", 37.40, -5.98),
    ]


def kmz(members: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_kmz_reads_its_doc_kml():
    plan = read_stops(kmz({"files/icon.png": b"x", "doc.kml": KML}), "ruta.kmz")
    assert plan.format == "kmz" and len(plan.stops) == 2


def test_geojson_points_and_a_feature_without_place_is_skipped():
    plan = read_stops(GEOJSON, "ruta.geojson")
    assert [(s.title, s.narrative) for s in plan.stops] == [("Mercado", "Puestos"), ("Plaza", "")]


def test_csv_with_bom_semicolons_and_degrees_minutes_seconds():
    data = (
        "\ufeffNombre;Latitude;Longitude;Description\n"
        "Mercado;37.39;-5.99;Puestos\n"
        "\n"
        "Plaza;37°23'30\"N;5°59'W;\n"
    ).encode()
    plan = read_stops(data, "puntos.csv")
    assert [(s.title, s.narrative, s.source) for s in plan.stops] == [
        ("Mercado", "Puestos", "line 2"),
        ("Plaza", "", "line 4"),
    ]
    assert plan.stops[1].lat == pytest.approx(37.391667) and plan.stops[1].lon == -5.983333333333333


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"title,lat,lon\nA,37.1,-5.9\nB,37.2,-5.9\nC,123,4\n", "a.csv", "line 4: latitude 123"),
        (b"title,lat,lon\nA,nan,-5.9\n", "a.csv", "line 2: latitude nan is out of range"),
        (b"title,lat,lon\nA,37,east\n", "a.csv", "line 2: longitude east is not a number"),
        (b"title,lat,lon\nA,37\n", "a.csv", "line 2: the row has 2 cells"),
        (b"title,where\nA,here\n", "a.csv", "line 1: the header needs a latitude column"),
        (b"title,lat,lon\nA\x07b,37,-5\n", "a.csv", "line 2: title: Control character U+0007"),
        (b"title,lat,lon\n\xff,37,-5\n", "a.csv", "line 2: the file is not UTF-8"),
        (
            b'<gpx xmlns="http://www.topografix.com/GPX/1/1">\n<wpt lat="1" lon="2">\n</gpx>',
            "a.gpx",
            "line 3, column 3: the XML is malformed",
        ),
        (
            b'<gpx xmlns="http://www.topografix.com/GPX/1/1"><wpt lat="95" lon="2"/></gpx>',
            "a.gpx",
            "waypoint 1: latitude 95.0 is out of range",
        ),
        (
            b'<!DOCTYPE gpx [<!ENTITY a "aaaa">]><gpx>&a;</gpx>',
            "a.gpx",
            "DTD or entities",
        ),
        (
            KML.replace(b"-5.98,37.40", b"-5.98,137.40"),
            "a.kml",
            "Placemark 2 (Plaza): latitude 137.4 is out of range",
        ),
        (KML.replace(b"</Folder>", b""), "a.kml", "the XML is malformed"),
        (
            GEOJSON.replace(b"[-5.98, 37.40]", b"[-5.98]"),
            "a.geojson",
            "feature 2:",
        ),
        (b'{"type": "FeatureCollection",\n "features": [}', "a.geojson", "line 2, column 15"),
        (b'{"type": "Topology"}', "a.geojson", "expected a FeatureCollection"),
        (
            KML.replace(b"-5.98,37.40", b"-5.98"),
            "a.kml",
            "Placemark 2 (Plaza): the point has no coordinates",
        ),
        (b"title,lat,lon\nA,1\x00,2\n", "a.csv", "line 2: latitude 1 is not a number"),
        (kmz({"../evil.kml": KML}), "a.kmz", "unsafe name"),
        (kmz({"readme.txt": b"hi"}), "a.kmz", "no .kml document"),
        (b"PK\x03\x04 not really", "a.kmz", "not a zip file"),
        (b"   ", "a.csv", "The file is empty"),
        (b"\x00\x01binary", "a.bin", "Send a GPX, KML, KMZ, GeoJSON or CSV file"),
    ],
)
def test_malformed_files_name_the_line_or_element(data, name, message):
    with pytest.raises(InvalidValue) as refused:
        read_stops(data, name)
    assert message in refused.value.message
    assert refused.value.field == "file"


def test_a_zip_bomb_kmz_is_refused_before_it_is_inflated():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.kml", b"\0" * (11 * 1024 * 1024))  # 11 MB of zeros, ~11 KB packed
    assert len(out.getvalue()) < 200_000
    with pytest.raises(TooLarge):
        read_stops(out.getvalue(), "bomb.kmz")


def test_a_symlink_in_a_kmz_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        info = zipfile.ZipInfo("doc.kml")
        info.external_attr = (0o120777) << 16
        archive.writestr(info, "/etc/passwd")
    with pytest.raises(InvalidValue, match="symbolic link"):
        read_stops(out.getvalue(), "link.kmz")


def test_a_long_loop_track_gives_distinct_stops_without_deep_recursion():
    import math

    points = "".join(
        f'<trkpt lat="{37.39 + 0.01 * math.sin(2 * math.pi * n / 10_000):.7f}" '
        f'lon="{-5.99 + 0.01 * math.cos(2 * math.pi * n / 10_000):.7f}"/>'
        for n in range(10_001)
    )  # a circle walked back to its start: 10,001 points
    data = f'<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{points}'
    data += "</trkseg></trk></gpx>"
    plan = read_stops(data.encode(), "loop.gpx")
    places = {(s.lat, s.lon) for s in plan.stops}
    assert 3 <= len(plan.stops) <= MAX_LINE_STOPS and len(places) >= len(plan.stops) - 1
