"""Offline tour packs: a published tour with photos, a video with captions and stops in
Seville packed into a zip whose pages name only files inside it; drafts refused; who may
pack; the status and build API and the download; a rebuild reuses what is cached.
(Opened from file:// in Chromium: tests/browser/test_offline_pack.py.)"""

from __future__ import annotations

import io
import json
import posixpath
import re
import zipfile
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from tests.tile_server import TileServer
from tourbuilder.extensions import db
from tourbuilder.models import Role
from tourbuilder.models import Tour
from tourbuilder.models import TourVisibility
from tourbuilder.services import pack_area
from tourbuilder.services import pack_build
from tourbuilder.services import tour_pack

from .api.api_helpers import login
from .test_stop_files import FIXTURES
from .test_stop_files import needs_fixtures

V1 = "/api/v1"
VTT = b"WEBVTT\n\n00:00.000 --> 00:00.900\nBienvenidas\n"
pytestmark = needs_fixtures


@pytest.fixture(scope="module")
def tiles():
    server = TileServer()
    yield server
    server.close()


@pytest.fixture
def app_config(app_config, tiles, tmp_path):
    return {
        **app_config,
        "TILE_URL": tiles.url + "/{z}/{x}/{y}.png",
        "PACK_CACHE_DIR": str(tmp_path / "packs"),
        "TILE_CACHE_DIR": str(tmp_path / "tiles"),
    }


def upload(client, team_id: int, name: str) -> int:
    with open(FIXTURES / name, "rb") as fh:
        response = client.post(
            f"{V1}/media",
            data={"team_id": str(team_id), "file": (fh, name)},
            content_type="multipart/form-data",
        )
    assert response.status_code == 201 and response.json["status"] == "ready", response.json
    item_id = response.json["id"]
    changed = client.patch(
        f"{V1}/media/{item_id}",
        json={"consent": "no_people", "alt_text": {"es": f"Foto {name}", "en": f"Photo {name}"}},
    )
    assert changed.status_code == 200, changed.json
    return item_id


@pytest.fixture(scope="module")
def world(module_app, module_make):
    """Team A (editor, facilitator) with a workshop-only tour of three stops in Seville
    (two photos, a video with Spanish captions) published, and a draft; team B's editor."""
    team = module_make.team(languages=["es", "en"])
    editor = module_make.user(team, Role.EDITOR)
    facilitator = module_make.user(team, Role.FACILITATOR)
    outsider = module_make.user(module_make.team(), Role.EDITOR)
    client = module_app.test_client()
    login(client, editor.email)
    photos = [upload(client, team.id, name) for name in ("flower.jpg", "door-knocker.jpg")]
    video = upload(client, team.id, "sample.mp4")
    captions = client.put(
        f"{V1}/media/{video}/captions/es",
        data={"file": (io.BytesIO(VTT), "c.vtt")},
        content_type="multipart/form-data",
    )
    assert captions.status_code == 200, captions.json
    tour = client.post(
        f"{V1}/tours",
        json={
            "team_id": team.id,
            "title": {"es": "Paseo del mercado", "en": "Market walk"},
            "languages": ["es", "en"],
        },
    )
    assert tour.status_code == 201, tour.json
    tour_id = tour.json["id"]
    places = [
        (37.3891, -5.9845, 16, photos),
        (37.3925, -5.9870, 17, [video]),
        (37.386, -5.99, 15, []),
    ]
    for n, (lat, lon, zoom, media) in enumerate(places, start=1):
        created = client.post(
            f"{V1}/tours/{tour_id}/stops",
            json={
                "title": {"es": f"Parada {n}", "en": f"Stop {n}"},
                "narrative": {"es": f"Historia {n}", "en": f"Story {n}"},
                "presenter_notes": {"es": f"Pregunta {n}"},
                "lat": lat,
                "lon": lon,
                "zoom": zoom,
                "media_ids": media,
            },
        )
        assert created.status_code == 201, created.json
    published = client.post(f"{V1}/tours/{tour_id}/publish", json={"visibility": "workshop"})
    assert published.status_code == 200, published.json
    draft = module_make.tour(team, visibility=TourVisibility.DRAFT)
    return SimpleNamespace(
        team=team,
        editor=editor,
        facilitator=facilitator,
        outsider=outsider,
        tour_id=tour_id,
        slug=tour.json["slug"],
        draft=draft,
        video=video,
    )


class References(HTMLParser):
    """Every src/href/data-*-js/css attribute of a page."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (name in ("src", "href", "poster") or name.startswith("data-viewer")):
                self.found.append(value)


def local_references(html: str) -> set[str]:
    parser = References()
    parser.feed(html)
    refs = {unquote(v.split("#")[0].split("?")[0]) for v in parser.found}
    return {r for r in refs if r and not r.startswith(("data:", "http://", "https://", "#"))}


def data_of(html: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="presentation-data">(.*?)</script>', html, re.S
    )
    assert match, "the page carries its data inline"
    return json.loads(match.group(1))


def urls_in(value):
    """Every ``src``/``poster``/``thumb`` string in the presentation data."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in ("src", "poster", "thumb") and isinstance(inner, str) and inner:
                yield inner
            else:
                yield from urls_in(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from urls_in(inner)


def test_the_pack_holds_every_file_its_pages_name(app, world, runner, tmp_path, tiles):
    out = tmp_path / "walk.zip"
    result = runner.invoke(args=["pack", world.slug, str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.output and "MB" in result.output
    archive = zipfile.ZipFile(out)
    names = set(archive.namelist())
    assert {"index.html", "presenter.html", "check.html", "README.txt"} <= names
    pages = {n: archive.read(n).decode() for n in ("index.html", "presenter.html", "check.html")}
    for name, html in pages.items():
        missing = local_references(html) - names
        assert not missing, f"{name} names files the pack lacks: {missing}"
        # no address that leaves the laptop: only the tile provider's credit may link out
        outside = set(re.findall(r"https?://[^\s\"'<>)\\]+", html))
        attribution = set(re.findall(r"https?://[^\s\"'<>)\\]+", app.config["TILE_ATTRIBUTION"]))
        assert outside <= attribution | {f"http://localhost/tours/{world.slug}"}, outside
    audience = data_of(pages["index.html"])
    assert [s["title"] for s in audience["stops"]] == ["Stop 1", "Stop 2", "Stop 3"]
    for url in urls_in(audience):
        assert url.startswith("data:") or url in names, url
    video = audience["stops"][1]["media"][0]
    assert video["type"] == "video" and video["src"].endswith("video-720.mp4")
    assert video["tracks"][0]["src"].startswith(
        "data:text/vtt;base64,"
    )  # <track> from file:// is refused
    assert "notes" not in audience["stops"][0]  # presenter notes only in the presenter view
    assert data_of(pages["presenter.html"])["stops"][0]["notes"] == "Pregunta 1"
    # what stylesheets load (pictures, fonts) comes along
    for css in (n for n in names if n.endswith(".css")):
        folder = posixpath.dirname(css)
        for ref in re.findall(r"url\(['\"]?([^'\")]+)", archive.read(css).decode()):
            if not ref.startswith(("data:", "#", "http")):
                assert posixpath.normpath(posixpath.join(folder, ref.split("?")[0])) in names, ref
    manifest = json.loads(
        archive.read("assets/pack-manifest.js").decode().split("=", 1)[1].rstrip(";\n")
    )
    assert manifest["tiles"] and set(manifest["tiles"]) <= names
    area = manifest["area"]
    assert area["min_zoom"] == 12 and area["max_zoom"] == 17 and area["tiles"] <= 1500
    # the map's tile layer asks only for what the pack holds
    assert re.search(r'"bounds": \[\s*\[', pages["index.html"])
    assert '"minZoom": 12' in pages["index.html"] and '"maxNativeZoom": 17' in pages["index.html"]
    assert "tiles/{z}/{x}/{y}.png" in pages["index.html"]
    # our own scripts in the pack read nothing with fetch or XHR on file://
    for name in ("assets/js/present.js", "assets/js/present-deck.js", "assets/js/panorama.js"):
        script = archive.read(name).decode()
        assert "XMLHttpRequest" not in script and "fetch(" not in script, name
    # fonts and pictures stylesheets load are inside
    assert "assets/vendor/leaflet/dist/images/layers.png" in names
    assert "assets/vendor/world-atlas/countries-110m.js" in names
    assert not any(n.startswith("assets/vendor/bootstrap") for n in names)  # only what is used


def test_download_again_is_instant_and_a_rebuild_reuses_the_tile_cache(app, world, tiles):
    with app.app_context():
        tour = db.session.get(Tour, world.tour_id)
        plan = tour_pack.plan_pack(tour, lang="es")
        first = pack_build.build_pack(plan)
        assert not first.reused and first.counts["tiles"] == plan.area.count
        fetched = len(tiles.requests)
        again = pack_build.build_pack(tour_pack.plan_pack(tour, lang="es"))
        assert again.reused and again.path == first.path
        # a changed and published stop makes another pack; its tiles come from the cache
        tour.stops[0].title = {"es": "Plaza nueva", "en": "New square"}
        db.session.flush()
        from tourbuilder.services import publishing

        publishing.publish(tour, TourVisibility.WORKSHOP)
        changed = tour_pack.plan_pack(tour, lang="es")
        assert changed.key != plan.key
        rebuilt = pack_build.build_pack(changed)
        assert not rebuilt.reused and rebuilt.path != first.path
        assert len(tiles.requests) == fetched
        assert "Plaza nueva" in zipfile.ZipFile(rebuilt.path).read("index.html").decode()
        english = tour_pack.plan_pack(tour, lang="en")
        assert english.key != changed.key  # one pack per language


def test_drafts_cannot_be_packed(app, world, client, auth, runner, tmp_path):
    auth.login(world.editor)
    response = client.post(f"{V1}/tours/{world.draft.id}/pack")
    assert response.status_code == 409
    assert "Drafts cannot be packed" in response.json["message"]
    assert client.get(f"{V1}/tours/{world.draft.id}/pack").status_code == 409
    page = client.get(f"/tours/{world.draft.slug}/pack")
    assert page.status_code == 409 and "Drafts cannot be packed" in page.get_data(as_text=True)
    result = runner.invoke(args=["pack", world.draft.slug, str(tmp_path / "d.zip")])
    assert result.exit_code == 1 and "Drafts cannot be packed" in result.output
    assert not (tmp_path / "d.zip").exists()


@pytest.mark.parametrize(
    ("who", "page", "api"),
    [("facilitator", 200, 200), ("editor", 200, 200), ("outsider", 404, 404), (None, 302, 404)],
)
def test_who_may_pack_a_workshop_tour(app, world, client, auth, who, page, api):
    if who:
        auth.login(getattr(world, who))
    assert client.get(f"/tours/{world.slug}/pack").status_code == page
    assert client.get(f"{V1}/tours/{world.tour_id}/pack").status_code == api


def test_the_page_builds_then_downloads_the_pack(app, world, client, auth):
    auth.login(world.facilitator)
    page = client.get(f"/tours/{world.slug}/pack")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Download for offline presenting" in text
    # linked from the tour page (for those who may present it) and its publishing page
    assert f'href="/tours/{world.slug}/pack"' in client.get(f"/tours/{world.slug}").get_data(
        as_text=True
    )
    status = client.get(f"{V1}/tours/{world.tour_id}/pack").json
    assert status["state"] == "none" and status["estimate"] > 0
    assert status["stops"] == 3 and status["media"] >= 4 and status["tiles"] > 0
    started = client.post(f"{V1}/tours/{world.tour_id}/pack")
    assert started.status_code == 202  # the job queue runs at once in tests
    ready = client.get(f"{V1}/tours/{world.tour_id}/pack").json
    assert ready["state"] == "ready" and ready["progress"] == 1.0
    download = client.get(ready["download_url"])
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert f"filename={world.slug}-offline.zip" in download.headers["Content-Disposition"]
    assert len(download.data) == ready["size"]
    # once the area's tiles are in the tile cache, the estimate is their real size
    assert 0.85 < ready["estimate"] / ready["size"] < 1.15
    names = zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    assert "index.html" in names
    with app.app_context():
        assert db.session.scalar(select(Tour.visibility).where(Tour.id == world.tour_id)) is (
            TourVisibility.WORKSHOP
        )


def test_the_tile_area_fits_the_budget_and_covers_each_stop():
    stops = [(37.3891, -5.9845, 16), (37.3925, -5.9870, 17)]
    area = pack_area.plan_area(stops, budget=1500)
    assert (area.min_zoom, area.max_zoom) == (13, 17) and area.count <= 1500
    for lat, lon, _zoom in stops:
        assert area.south < lat < area.north and area.west < lon < area.east
    assert area.count == sum(1 for _ in area.tiles())
    smaller = pack_area.plan_area(stops, budget=200)
    assert smaller.max_zoom < 17 and smaller.count <= 200
    # stops on two continents: a coarse map of both rather than none
    far = pack_area.plan_area([(37.39, -5.98, 16), (-33.87, 151.21, 16)], budget=1500)
    assert far is not None and far.count <= 1500 and far.max_zoom <= 6
    assert far.min_zoom == far.max_zoom - 3
    assert pack_area.plan_area([], budget=1500) is None
