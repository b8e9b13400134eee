"""Static files: versioned URLs a browser keeps for a year, and compressed answers
(tourbuilder/static_files.py)."""

from __future__ import annotations

import gzip
import hashlib
import re
import time
from pathlib import Path

import brotli

from tourbuilder.static_files import file_version
from tourbuilder.static_files import IMMUTABLE

STATIC = Path(__file__).resolve().parent.parent / "static"
STATIC_URL = re.compile(r'(?:src|href)="(/static/([^"?]+)\?v=([0-9a-f]+))"')


def test_pages_name_static_files_by_their_content_and_browsers_keep_them(client, make):
    tour = make.tour(make.team())
    html = client.get(f"/tours/{tour.slug}").get_data(as_text=True)
    found = STATIC_URL.findall(html)
    names = {name for _url, name, _v in found}
    assert {"css/app.css", "js/map.js", "vendor/leaflet/dist/leaflet.js"} <= names
    assert not re.search(r'(?:src|href)="/static/[^"?]+"', html), "an unversioned asset"
    for url, name, version in found:
        assert version == hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == IMMUTABLE, url
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_unversioned_or_stale_static_urls_are_checked_each_time(client):
    for url in ("/static/css/app.css", "/static/css/app.css?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200
        assert "immutable" not in response.headers.get("Cache-Control", "")
        assert response.headers.get("ETag")


def test_a_changed_file_gets_a_new_version(tmp_path):
    (tmp_path / "a.css").write_text("body { color: red }")
    first = file_version(str(tmp_path), "a.css")
    assert file_version(str(tmp_path), "a.css") == first
    time.sleep(0.01)
    (tmp_path / "a.css").write_text("body { color: blue }")
    assert file_version(str(tmp_path), "a.css") != first
    assert file_version(str(tmp_path), "missing.css") is None


def test_text_is_sent_compressed_as_the_browser_accepts(client, make):
    tour = make.tour(make.team())
    css = (STATIC / "css/app.css").read_bytes()
    response = client.get("/static/css/app.css", headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(response.get_data()) == css
    assert "Accept-Encoding" in response.headers["Vary"]

    page = client.get(f"/tours/{tour.slug}", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    html = gzip.decompress(page.get_data()).decode()
    assert "<!doctype html>" in html.lower()
    plain = client.get(f"/tours/{tour.slug}")  # asked for nothing: sent as it is
    assert "Content-Encoding" not in plain.headers

    api = client.get("/api/v1/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert api.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(api.get_data()).startswith(b"{")

    # the map layer is gzipped once when built: not compressed again
    layer = client.get("/api/v1/sites.geojson", headers={"Accept-Encoding": "br, gzip"})
    assert layer.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(layer.get_data()).startswith(b"{")


def test_versioned_files_are_compressed_once_and_nothing_else_is_kept(app, client, make):
    from tourbuilder.static_files import compress

    tour = make.tour(make.team())
    html = client.get(f"/tours/{tour.slug}").get_data(as_text=True)
    url = next(u for u, name, _v in STATIC_URL.findall(html) if name.endswith("leaflet.js"))
    script = (STATIC / "vendor/leaflet/dist/leaflet.js").read_bytes()
    first = client.get(url, headers={"Accept-Encoding": "br"})
    again = client.get(url, headers={"Accept-Encoding": "br"})
    assert first.headers["Content-Encoding"] == again.headers["Content-Encoding"] == "br"
    assert brotli.decompress(first.get_data()) == brotli.decompress(again.get_data()) == script
    assert int(again.headers["Content-Length"]) == len(again.get_data())
    # each encoding its own copy, and its own ETag
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gzip.decompress(zipped.get_data()) == script
    assert zipped.headers["ETag"] != first.headers["ETag"]

    # pages, API answers and unversioned URLs are compressed afresh: never kept
    client.get(f"/tours/{tour.slug}", headers={"Accept-Encoding": "br"})
    client.get("/api/v1/openapi.json", headers={"Accept-Encoding": "br"})
    client.get("/static/css/app.css", headers={"Accept-Encoding": "br"})
    kept = list(compress.cache._kept)
    assert kept and all(";static:/static/" in key and "?v=" in key for key in kept)
