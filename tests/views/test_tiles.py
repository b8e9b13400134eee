"""``/tiles/{z}/{x}/{y}.png`` over HTTP: tiles with caching headers and 304s, pages that
use it, a Content-Security-Policy without the tile server, and nothing else fetched
through it."""

from __future__ import annotations

import time

import pytest

from tests.tile_server import TileServer


@pytest.fixture(scope="module")
def upstream():
    server = TileServer()
    yield server
    server.close()


@pytest.fixture
def app_config(app_config, upstream, tmp_path):
    upstream.reset()
    return {**app_config, "TILE_URL": upstream.template, "TILE_CACHE_DIR": str(tmp_path / "t")}


def test_a_tile_comes_through_the_cache_with_caching_headers(client, upstream):
    response = client.get("/tiles/3/4/2.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data == upstream.tile
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    etag = response.headers["ETag"]
    again = client.get("/tiles/3/4/2.png", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert upstream.requests == ["/3/4/2.png"]


@pytest.mark.parametrize(
    "path",
    [
        "/tiles/20/0/0.png",
        "/tiles/2/4/0.png",
        "/tiles/2/0/4.png",
        "/tiles/-1/0/0.png",
        "/tiles/1/0/0.jpg",
        "/tiles/1/0/0",
        "/tiles/99999999999999999999999999/0/0.png",
        "/tiles/3/99999999999999999999999999/0.png",
        "/tiles/1/0/../../../etc/passwd",
        "/tiles/1/0/0.png/../../x",
        "/tiles/http://127.0.0.1:9/0/0.png",
        "/tiles/1/0/%2e%2e%2f0.png",
        "/tiles/1/0x1/0.png",
    ],
)
def test_nothing_but_tiles_in_range_is_fetched(client, upstream, path):
    response = client.get(path)
    assert response.status_code == 404
    assert upstream.requests == []


def test_query_strings_change_nothing(client, upstream):
    response = client.get("/tiles/1/0/0.png?url=http://127.0.0.1:9/&host=example.org")
    assert response.status_code == 200
    assert upstream.requests == ["/1/0/0.png"]


def test_a_failing_server_answers_502_quickly(app, client, upstream):
    upstream.status = 503
    started = time.monotonic()
    response = client.get("/tiles/2/1/1.png")
    assert response.status_code == 502
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/plain"
    # a dead server: the next answers come at once
    app.config["TILE_URL"] = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    for x in range(4):
        assert client.get(f"/tiles/2/{x}/0.png").status_code == 502
    assert time.monotonic() - started < 3


def test_pages_load_tiles_from_the_app_and_the_policy_omits_the_server(client, make, upstream):
    tour = make.tour(make.team())
    html = client.get(f"/tours/{tour.slug}").get_data(as_text=True)
    assert '"/tiles/{z}/{x}/{y}.png"' in html
    assert upstream.url not in html
    assert "openstreetmap.org/copyright" in html  # the provider's attribution stays
    policy = client.get("/").headers["Content-Security-Policy"]
    img_src = next(d for d in policy.split("; ") if d.startswith("img-src")).split()[1:]
    assert set(img_src) == {"'self'", "data:", "blob:"}


def test_without_the_proxy_browsers_ask_the_tile_server(app, client, make, upstream):
    app.config["TILE_PROXY"] = False
    tour = make.tour(make.team())
    html = client.get(f"/tours/{tour.slug}").get_data(as_text=True)
    assert upstream.template in html
    assert client.get("/tiles/1/0/0.png").status_code == 404
    policy = client.get("/").headers["Content-Security-Policy"]
    assert upstream.url in policy
    assert upstream.requests == []


def test_another_tile_server_never_gets_the_first_ones_tiles(app, client, upstream):
    assert client.get("/tiles/1/1/1.png").status_code == 200
    app.config["TILE_URL"] = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    assert client.get("/tiles/1/1/1.png").status_code == 502


def test_tourbuilder_check_reports_the_tile_cache(app, runner, tmp_path):
    result = runner.invoke(args=["check"])
    assert "[ok  ] tile cache: " in result.output
    assert "set TILE_USER_AGENT" in result.output
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app.config["TILE_CACHE_DIR"] = str(blocker)
    result = runner.invoke(args=["check"])
    assert "[FAIL] tile cache" in result.output and "TILE_CACHE_DIR" in result.output
    assert result.exit_code == 1
