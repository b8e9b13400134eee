"""Tours as files over the API: stops imported from map files (with a dry run), exports
re-read by their own libraries, and who may export what."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import geojson
import gpxpy
import pytest
from fastkml import kml as fastkml

from tourbuilder.extensions import db
from tourbuilder.models import Site
from tourbuilder.models import Stop
from tourbuilder.models import Tour

from ..test_stop_files import FIXTURES
from ..test_stop_files import GEOJSON
from ..test_stop_files import GPX_WAYPOINTS
from ..test_stop_files import KML
from ..test_stop_files import kmz
from ..test_stop_files import needs_fixtures

V1 = "/api/v1"
HOSTILE = '=HYPERLINK("http://x") </name>]]><script>alert(1)</script> & \'q\' "dq"'
CSV = b"title;lat;lon;narrative\nMercado;37.39;-5.99;Puestos\nPlaza;37.40;-5.98;\n"


def stop_titles(app, tour_id) -> list[str]:
    with app.app_context():
        return [stop.text("title") for stop in db.session.get(Tour, tour_id).stops]


def import_stops(api, actor, tour_id, data, name, headers=None, **form):
    body = {"file": (io.BytesIO(data), name), **form}
    url = f"{V1}/tours/{tour_id}/stops/import"
    return api.post(actor, url, data=body, headers=headers or {})


def test_dry_run_previews_and_creates_nothing(app, api, world):
    tour_id = world.tours["draft"].id
    before = stop_titles(app, tour_id)
    response = import_stops(api, "editor", tour_id, CSV, "puntos.csv", dry_run="true")
    assert response.status_code == 200, response.json
    assert response.json["dry_run"] is True and response.json["stop_ids"] == []
    assert [(s["title"], s["lat"], s["lon"], s["narrative_excerpt"], s["source"])
            for s in response.json["stops"]] == [
        ("Mercado", 37.39, -5.99, "Puestos", "line 2"),
        ("Plaza", 37.40, -5.98, "", "line 3"),
    ]  # fmt: skip
    assert stop_titles(app, tour_id) == before


@pytest.mark.parametrize(
    ("data", "name", "titles"),
    [
        (GPX_WAYPOINTS, "walk.gpx", ["Huerto del Rey Moro", "سوق"]),
        (KML, "ruta.kml", ["Mercado", "Plaza"]),
        (kmz({"doc.kml": KML}), "ruta.kmz", ["Mercado", "Plaza"]),
        (GEOJSON, "ruta.geojson", ["Mercado", "Plaza"]),
        (CSV, "puntos.csv", ["Mercado", "Plaza"]),
    ],
)
def test_import_appends_stops_in_the_given_language(app, api, world, data, name, titles):
    tour_id = world.tours["draft"].id
    before = stop_titles(app, tour_id)
    response = import_stops(api, "editor", tour_id, data, name, language="es")
    assert response.status_code == 200, response.json
    assert len(response.json["stop_ids"]) == len(titles)
    assert stop_titles(app, tour_id) == before + titles
    with app.app_context():
        new = db.session.get(Stop, response.json["stop_ids"][0])
        assert set(new.title) == {"es"} and new.position == len(before)


@needs_fixtures
def test_import_of_a_real_track_says_how_it_placed_the_stops(app, api, world):
    data = (FIXTURES / "around-visnjan-with-car.gpx").read_bytes()
    response = import_stops(api, "editor", world.tours["draft"].id, data, "car.gpx")
    assert response.status_code == 200, response.json
    assert 2 <= len(response.json["stop_ids"]) <= 12
    assert "without waypoints" in response.json["warnings"][0]


def test_malformed_file_is_a_422_naming_the_line_and_nothing_is_added(app, api, world):
    tour_id = world.tours["draft"].id
    before = stop_titles(app, tour_id)
    data = b"title,lat,lon\nA,37.1,-5.9\nB,37.2,-5.9\nC,37.3,-5.9\nD,37.4,-5.9\nE,37,-5\nF,123,4\n"
    response = import_stops(api, "editor", tour_id, data, "bad.csv")
    assert response.status_code == 422
    message = response.json["errors"]["files"]["file"][0]
    assert message == "line 7: latitude 123 is out of range."
    assert stop_titles(app, tour_id) == before


def test_malformed_file_message_in_the_interface_language(api, world):
    data = b"title,lat,lon\nA,123,4\n"
    response = import_stops(
        api, "editor", world.tours["draft"].id, data, "bad.csv", headers={"Accept-Language": "es"}
    )
    assert response.status_code == 422
    assert response.json["errors"]["files"]["file"][0] == (
        "línea 2: la latitud 123 está fuera de rango."
    )


def test_a_stop_file_over_the_limit_is_refused_as_it_streams(api, world):
    data = b"title,lat,lon\n" + b"A,37.1,-5.9\n" * 1_000_000  # 12 MB
    response = import_stops(api, "editor", world.tours["draft"].id, data, "big.csv")
    assert response.status_code == 413


def set_hostile_texts(app, tour_id):
    with app.app_context():
        tour = db.session.get(Tour, tour_id)
        tour.stops[0].title = {"es": HOSTILE, "en": HOSTILE}
        tour.stops[0].narrative = {"es": HOSTILE}
        db.session.commit()


def export(api, actor, tour_id, fmt, lang="es"):
    return api.get(actor, f"{V1}/tours/{tour_id}/export?format={fmt}&lang={lang}")


def test_exports_are_read_back_by_their_libraries_with_hostile_text_intact(app, api, world):
    tour = world.tours["public"]
    set_hostile_texts(app, tour.id)
    responses = {fmt: export(api, "anon", tour.id, fmt) for fmt in ("geojson", "kml", "gpx", "csv")}
    for fmt, response in responses.items():
        assert response.status_code == 200, (fmt, response.data[:300])
        disposition = response.headers["Content-Disposition"]
        assert disposition == f'attachment; filename="{tour.slug}.{fmt}"'

    collection = geojson.loads(responses["geojson"].get_data(as_text=True))
    assert collection.is_valid
    first = collection["features"][0]["properties"]
    assert first["title"]["es"] == HOSTILE and first["number"] == 1

    document = fastkml.KML.from_string(responses["kml"].data)
    placemarks = list(document.features[0].features)
    assert placemarks[0].name == f"1. {HOSTILE}" and placemarks[0].description == HOSTILE

    gpx = gpxpy.parse(responses["gpx"].get_data(as_text=True))
    assert gpx.waypoints[0].name == HOSTILE and gpx.waypoints[0].description == HOSTILE
    assert len(gpx.routes[0].points) == 2

    text = responses["csv"].data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["title"] == "'" + HOSTILE  # a spreadsheet shows it as text
    assert rows[0]["number"] == "1" and float(rows[0]["lon"]) == pytest.approx(-5.99)


def test_exported_csv_imports_back_as_the_same_stops(app, api, world):
    exported = export(api, "editor", world.tours["public"].id, "csv", lang="en")
    target = world.tours["draft"].id
    before = stop_titles(app, target)
    response = import_stops(api, "editor", target, exported.data, "back.csv", language="en")
    assert response.status_code == 200, response.json
    assert stop_titles(app, target) == before + ["Stop 1", "Stop 2"]


def test_approximate_sites_are_rounded_for_those_who_may_not_edit(app, api, world):
    tour_id = world.tours["public"].id
    with app.app_context():
        stop = db.session.get(Tour, tour_id).stops[1]
        stop.lat = stop.lon = None
        stop.site = db.session.get(Site, world.public_site.id)  # approximate: 37.38456, -5.98765
        db.session.commit()
    public = geojson.loads(export(api, "anon", tour_id, "geojson").get_data(as_text=True))
    assert public["features"][1]["geometry"]["coordinates"] == [-5.99, 37.38]
    assert public["features"][1]["properties"]["site"]["lat"] == 37.38
    editor = geojson.loads(export(api, "editor", tour_id, "geojson").get_data(as_text=True))
    assert editor["features"][1]["geometry"]["coordinates"] == [-5.98765, 37.38456]
    gpx = gpxpy.parse(export(api, "other", tour_id, "gpx").get_data(as_text=True))
    assert (gpx.waypoints[1].latitude, gpx.waypoints[1].longitude) == (37.38, -5.99)


@pytest.mark.parametrize(
    ("actor", "tour", "fmt", "status"),
    [
        ("anon", "draft", "geojson", 404),
        ("other", "draft", "kml", 404),
        ("facilitator", "draft", "gpx", 200),
        ("facilitator", "draft", "zip", 403),
        ("anon", "public", "zip", 401),
        ("other", "public", "zip", 403),
        ("editor", "draft", "zip", 200),
        ("anon", "draft", "pdf", 422),
    ],
)
def test_who_may_export(api, world, actor, tour, fmt, status):
    response = export(api, actor, world.tours[tour].id, fmt)
    assert response.status_code == status, response.data[:300]


def test_archive_export_of_a_tour_whose_original_is_missing_is_a_conflict(api, world):
    response = export(api, "editor", world.tours["public"].id, "zip")  # the world's photo
    assert response.status_code == 409
    assert "market.jpg" in response.json["message"]


def test_archive_export_is_a_zip_with_its_description(api, world):
    response = export(api, "editor", world.tours["draft"].id, "zip")
    assert response.headers["Content-Type"] == "application/zip"
    slug = world.tours["draft"].slug
    assert f"filename={slug}.zip" in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        document = json.loads(archive.read("tour.json"))
    assert document["format"] == "tourbuilder-tour" and document["version"] == 1
    assert [stop["title"] for stop in document["stops"]] == [{"en": "Stop 1"}, {"en": "Stop 2"}]


def test_geojson_lists_only_the_media_the_viewer_may_see(app, api, world):
    from tourbuilder.models import Consent
    from tourbuilder.models import MediaItem

    tour_id = world.tours["public"].id
    public = geojson.loads(export(api, "anon", tour_id, "geojson").get_data(as_text=True))
    shown = public["features"][0]["properties"]["media"]
    assert [m["kind"] for m in shown] == ["photo"]  # the world's publishable photo
    assert "original" not in json.dumps(shown) and "originals/" not in json.dumps(shown)
    with app.app_context():
        db.session.get(MediaItem, world.media_id).consent = Consent.NOT_YET
        db.session.commit()
    public = geojson.loads(export(api, "anon", tour_id, "geojson").get_data(as_text=True))
    assert public["features"][0]["properties"]["media"] == []
    team = geojson.loads(export(api, "facilitator", tour_id, "geojson").get_data(as_text=True))
    assert len(team["features"][0]["properties"]["media"]) == 1
