"""The portable tour archive: a tour with photos, two languages and a site goes out of
one tourbuilder and into another on an empty database, identical; damaged or hostile
archives are refused with the element named, creating nothing."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy import select

from tourbuilder import create_app
from tourbuilder.extensions import db
from tourbuilder.models import MediaItem
from tourbuilder.models import MediaStatus
from tourbuilder.models import Site
from tourbuilder.models import Team
from tourbuilder.models import Tour
from tourbuilder.models import TourVisibility
from tourbuilder.services.archive_schema import SCHEMA
from tourbuilder.storage import get_storage

from .conftest import AuthActions
from .conftest import Factories
from .conftest import fresh_database
from .conftest import settings_for
from .test_stop_files import FIXTURES
from .test_stop_files import needs_fixtures

V1 = "/api/v1"
ROOT = Path(__file__).resolve().parents[1]
PHOTOS = ("flower.jpg", "hopper.png", "door-knocker.jpg")


def build_tour(client, team) -> int:
    """Through the API, as an editor would: photos with captions, alt text and consent, a
    site, a tour in English and Arabic with three stops."""
    media = []
    for n, name in enumerate(PHOTOS):
        with open(FIXTURES / name, "rb") as fh:
            uploaded = client.post(
                f"{V1}/media", data={"team_id": str(team.id), "file": (fh, name)}
            )
        assert uploaded.status_code == 201, uploaded.json
        changed = client.patch(
            f"{V1}/media/{uploaded.json['id']}",
            json={
                "caption": {"en": f"Photo {n} <b>&", "ar": f"صورة {n}"},
                "alt_text": {"en": f"What photo {n} shows", "ar": f"ما تظهره الصورة {n}"},
                "credit": "Cooperativa La Huerta",
                "licence": "CC BY 4.0",
                "consent": ["no_people", "consent_recorded", "not_yet"][n],
            },
        )
        assert changed.status_code == 200, changed.json
        media.append(uploaded.json["id"])
    site = client.post(
        f"{V1}/sites",
        json={
            "team_id": team.id,
            "name": {"en": "Community garden", "ar": "حديقة مجتمعية"},
            "description": {"en": "Run by neighbours."},
            "lat": 37.38456,
            "lon": -5.98765,
            "approximate_location": True,
            "themes": ["food", "commons"],
        },
    )
    assert site.status_code == 201, site.json
    tour = client.post(
        f"{V1}/tours",
        json={
            "team_id": team.id,
            "title": {"en": "Market walk", "ar": "جولة السوق"},
            "summary": {"en": "Three stops.", "ar": "ثلاث محطات."},
            "languages": ["en", "ar"],
            "theme": "night",
            "cover_id": media[1],
        },
    )
    assert tour.status_code == 201, tour.json
    stops = [
        {"lat": 37.39, "lon": -5.99, "zoom": 17, "media_ids": [media[0], media[1]]},
        {"site_id": site.json["id"], "media_ids": [media[2]]},
        {"lat": -33.5, "lon": 151.25, "layout": "wide"},
    ]
    for n, fields in enumerate(stops):
        created = client.post(
            f"{V1}/tours/{tour.json['id']}/stops",
            json={
                "title": {"en": f"Stop {n} =1+1", "ar": f"المحطة {n}"},
                "narrative": {"en": f"**Story** {n}", "ar": f"قصة {n}"},
                "presenter_notes": {"en": f"Ask about {n}"},
                **fields,
            },
        )
        assert created.status_code == 201, created.json
    return tour.json["id"]


def snapshot(app, tour_id) -> dict:
    """Everything an archive promises to carry, without database ids."""

    def media(item):
        stored = get_storage().open(item.original_key).read()
        return {
            "sha256": item.sha256,
            "stored_sha256": hashlib.sha256(stored).hexdigest(),
            "name": item.original_name,
            "kind": str(item.kind),
            "caption": item.caption,
            "alt_text": item.alt_text,
            "credit": item.credit,
            "licence": item.licence,
            "consent": str(item.consent),
            "ready": item.status is MediaStatus.READY and bool(item.derivatives),
        }

    with app.app_context():
        tour = db.session.get(Tour, tour_id)
        return {
            "title": tour.title,
            "summary": tour.summary,
            "languages": tour.languages,
            "theme": tour.theme,
            "cover": tour.cover.sha256,
            "stops": [
                {
                    "texts": (stop.title, stop.narrative, stop.presenter_notes),
                    "place": (stop.lat, stop.lon, stop.zoom, stop.layout),
                    "site": stop.site
                    and (
                        stop.site.name,
                        stop.site.description,
                        stop.site.lat,
                        stop.site.lon,
                        stop.site.approximate_location,
                        stop.site.themes,
                    ),
                    "media": [media(item) for item in stop.media],
                }
                for stop in tour.stops
            ],
        }


@pytest.fixture
def second_app(db_backend, tmp_path):
    """Another tourbuilder, on an empty database of its own."""
    (tmp_path / "second-db").mkdir()
    with fresh_database(db_backend, tmp_path / "second-db") as url:
        second = create_app({**settings_for(tmp_path / "second"), "SQLALCHEMY_DATABASE_URI": url})
        with second.app_context():
            db.create_all()
        yield second
        with second.app_context():
            db.session.remove()
            db.engine.dispose()


@needs_fixtures
def test_round_trip_to_another_tourbuilder_on_an_empty_database(
    app, make, client, auth, second_app
):
    themes = [
        {"key": "food", "labels": {"en": "Food", "ar": "غذاء"}},
        {"key": "commons", "labels": {"en": "Commons", "ar": "مشاعات"}},
    ]
    team = make.team(languages=["en", "ar"], themes=themes)
    auth.login(make.user(team))
    tour_id = build_tour(client, team)
    exported = client.get(f"{V1}/tours/{tour_id}/export?format=zip")
    assert exported.status_code == 200, exported.data[:300]
    source = snapshot(app, tour_id)
    assert all(m["ready"] for stop in source["stops"] for m in stop["media"])

    factories = Factories(second_app)
    other_team = factories.team(name="Equipo de destino", languages=["ar", "en"])
    other_client = second_app.test_client()
    AuthActions(other_client).login(factories.user(other_team))
    response = other_client.post(
        f"{V1}/tours/import",
        data={"team_id": str(other_team.id), "file": (io.BytesIO(exported.data), "tour.zip")},
    )
    assert response.status_code == 201, response.json
    assert response.json["media_created"] == 3 and response.json["media_reused"] == []
    assert response.json["tour"]["visibility"] == "draft"
    assert snapshot(second_app, response.json["tour"]["id"]) == source
    with second_app.app_context():  # the themes came with their labels
        arrived = db.session.get(Team, other_team.id)
        assert arrived.theme_label("commons", "ar") == "مشاعات"

    with second_app.app_context():  # derivatives were rebuilt by the real pipeline
        items = db.session.scalars(select(MediaItem)).all()
        assert len(items) == 3
        assert all(get_storage().exists(e["key"]) for i in items for e in i.derivatives.values())

    again = other_client.post(
        f"{V1}/tours/import",
        data={"team_id": str(other_team.id), "file": (io.BytesIO(exported.data), "tour.zip")},
    )
    assert again.status_code == 201
    assert again.json["media_created"] == 0 and len(again.json["media_reused"]) == 3
    assert again.json["tour"]["slug"] != response.json["tour"]["slug"]


def archive(document: dict | bytes | None, files: dict | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        if document is not None:
            data = document if isinstance(document, bytes) else json.dumps(document).encode()
            zf.writestr("tour.json", data)
        for name, content in (files or {}).items():
            zf.writestr(name, content)
    return out.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"x" * 100
PNG_SHA = hashlib.sha256(PNG).hexdigest()


def document(**changes) -> dict:
    doc = {
        "format": "tourbuilder-tour",
        "version": 1,
        "tour": {"title": {"en": "Walk"}, "languages": ["en"]},
        "sites": [],
        "stops": [{"title": {"en": "One"}, "lat": 37.0, "lon": -5.0, "media": ["media-1"]}],
        "media": [{"ref": "media-1", "file": f"media/{PNG_SHA}.png", "sha256": PNG_SHA}],
    }
    doc.update(changes)
    return doc


GOOD_FILES = {f"media/{PNG_SHA}.png": PNG}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 broken", "not a zip file, or it is damaged"),
        (archive(b'{"format": "tourbuilder-tour",\n "version": 1,,}'), "tour.json, line 2"),
        (archive(document(version=7), GOOD_FILES), "version 7; this tourbuilder reads version 1"),
        (archive(document(format="something-else"), GOOD_FILES), "not describe a tourbuilder"),
        (archive(document(), {}), f"media/{PNG_SHA}.png described in tour.json is missing"),
        (
            archive(document(), {f"media/{PNG_SHA}.png": PNG + b"!"}),
            "does not match its SHA-256",
        ),
        (
            archive(document(stops=[{"title": {"en": "x"}, "lat": 123, "lon": 0}]), GOOD_FILES),
            "tour.json, stops/0/lat: 123 is greater than the maximum of 90",
        ),
        (
            archive(document(stops=[{"media": ["media-9"]}]), GOOD_FILES),
            "stops/0/media: media-9 is not described",
        ),
        (
            archive(document(tour={"title": {"en": "bell\u0007"}}), GOOD_FILES),
            "tour.json, tour.title.en: Control character U+0007",
        ),
        (archive(document(), {**GOOD_FILES, "../../etc/cron.d/x": b"x"}), "unsafe name"),
        (archive(document(), {**GOOD_FILES, "/abs.txt": b"x"}), "unsafe name"),
        (archive(None, {"readme.txt": b"hello"}), "The archive has no tour.json"),
    ],
)
def test_a_bad_archive_is_refused_and_creates_nothing(app, make, client, auth, data, message):
    team = make.team()
    auth.login(make.user(team))
    counts = _counts(app)
    response = client.post(
        f"{V1}/tours/import", data={"team_id": str(team.id), "file": (io.BytesIO(data), "t.zip")}
    )
    assert response.status_code == 422, response.json
    assert message in response.json["errors"]["files"]["file"][0]
    assert _counts(app) == counts


def _counts(app):
    with app.app_context():
        return [
            db.session.scalar(select(func.count()).select_from(m)) for m in (Tour, Site, MediaItem)
        ]


def test_a_zip_bomb_archive_is_refused_before_it_is_read(app, make, client, auth):
    app.config["TOUR_ARCHIVE_MAX_BYTES"] = 10 * 1024 * 1024
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("tour.json", json.dumps(document()))
        zf.writestr(f"media/{PNG_SHA}.png", b"\0" * (20 * 1024 * 1024))
    team = make.team()
    auth.login(make.user(team))
    response = client.post(
        f"{V1}/tours/import",
        data={"team_id": str(team.id), "file": (io.BytesIO(out.getvalue()), "bomb.zip")},
    )
    assert response.status_code == 413


@pytest.mark.parametrize(("role", "status"), [("facilitator", 403), ("other", 403), (None, 401)])
def test_only_editors_of_the_team_import(app, make, client, auth, role, status):
    from tourbuilder.models import Role

    team = make.team()
    if role == "facilitator":
        auth.login(make.user(team, Role.FACILITATOR))
    elif role == "other":
        auth.login(make.user(make.team()))
    data = archive(document(), GOOD_FILES)
    response = client.post(
        f"{V1}/tours/import", data={"team_id": str(team.id), "file": (io.BytesIO(data), "t.zip")}
    )
    assert response.status_code == status


def test_cli_export_then_import_into_another_team(app, make, runner, tmp_path):
    team = make.team(name="Origen")
    make.team(name="Destino")
    tour = make.tour(team, stops=3, visibility=TourVisibility.PUBLIC)
    out = tmp_path / "walk.zip"
    result = runner.invoke(args=["export-tour", tour.slug, str(out)])
    assert result.exit_code == 0, result.output
    assert f"Exported 3 stop(s) of /tours/{tour.slug}" in result.output
    result = runner.invoke(args=["import-tour", str(out), "--team", "Destino"])
    assert result.exit_code == 0, result.output
    assert "with 3 stop(s)" in result.output
    with app.app_context():
        imported = db.session.scalars(select(Tour).where(Tour.slug != tour.slug)).one()
        assert imported.visibility is TourVisibility.DRAFT and imported.team.name == "Destino"
        assert [s.title for s in imported.stops] == [{"en": f"Stop {n}"} for n in (1, 2, 3)]


def test_cli_import_of_a_bad_archive_is_one_line_and_creates_nothing(app, make, runner, tmp_path):
    make.team(name="Destino")
    bad = tmp_path / "bad.zip"
    bad.write_bytes(archive(document(version=2), GOOD_FILES))
    result = runner.invoke(args=["import-tour", str(bad), "--team", "Destino"])
    assert result.exit_code == 1
    assert "format version 2" in result.output
    assert _counts(app) == [0, 0, 0]
    assert runner.invoke(args=["export-tour", "no-such-tour", str(bad)]).exit_code == 1


def test_the_documented_schema_is_the_one_the_importer_uses():
    written = json.loads((ROOT / "docs" / "tour-archive.schema.json").read_text())
    assert written == json.loads(json.dumps(SCHEMA))


@needs_fixtures
def test_a_video_keeps_its_webvtt_captions(app, make, client, auth, second_app):
    team = make.team(languages=["es", "ar"])
    auth.login(make.user(team))
    name = "bbb_480p_vp9_opus_1second.webm"
    with open(FIXTURES / name, "rb") as fh:
        body = {"team_id": str(team.id), "file": (fh, name, "video/webm")}
        video = client.post(f"{V1}/media", data=body).json
    for lang, text in (("es", "Hola <b>mundo</b>"), ("ar", "مرحبا")):
        vtt = f"WEBVTT\n\n00:00.000 --> 00:00.900\n{text}\n".encode()
        put = client.put(
            f"{V1}/media/{video['id']}/captions/{lang}",
            data={"file": (io.BytesIO(vtt), f"{lang}.vtt")},
        )
        assert put.status_code == 200, put.json
    tour = client.post(f"{V1}/tours", json={"team_id": team.id, "title": "Vídeo"}).json
    stop = {"title": "Uno", "lat": 37.39, "lon": -5.99, "media_ids": [video["id"]]}
    assert client.post(f"{V1}/tours/{tour['id']}/stops", json=stop).status_code == 201
    exported = client.get(f"{V1}/tours/{tour['id']}/export?format=zip")
    with zipfile.ZipFile(io.BytesIO(exported.data)) as zf:
        entry = json.loads(zf.read("tour.json"))["media"][0]
        assert sorted(entry["captions_files"]) == ["ar", "es"]
        source_vtt = zf.read(entry["captions_files"]["ar"])

    factories = Factories(second_app)
    other_team = factories.team(languages=["ar"])
    other_client = second_app.test_client()
    AuthActions(other_client).login(factories.user(other_team))
    response = other_client.post(
        f"{V1}/tours/import",
        data={"team_id": str(other_team.id), "file": (io.BytesIO(exported.data), "v.zip")},
    )
    assert response.status_code == 201, response.json
    with second_app.app_context():
        item = db.session.scalars(select(MediaItem)).one()
        assert item.kind.value == "video" and item.status is MediaStatus.READY
        assert {"captions-es.vtt", "captions-ar.vtt"} <= set(item.derivatives)
        stored = get_storage().open(item.derivatives["captions-ar.vtt"]["key"]).read()
        assert stored == source_vtt and "مرحبا".encode() in stored
