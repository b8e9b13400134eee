"""A basemap that never goes grey: with every tile request blocked, the home and tour pages
draw the built-in basemap (land, coastlines, borders) and say so in a status note; with
the tile server up, a second view of an area comes from the app's tile cache."""

from __future__ import annotations

import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

DEMO = "/tours/sevilla-solidaria"
MAP_STATE = "Object.values(window.tourbuilderMaps)[0]"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def doc_shot(page, name: str) -> None:
    """The screenshot under docs/screenshots with ``TB_DOC_SHOTS=1`` (to refresh the
    docs), else in /tmp/tb-shots, so test runs leave the work tree alone."""
    folder = DOCS if os.environ.get("TB_DOC_SHOTS") == "1" else Path("/tmp/tb-shots")
    folder.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => window.scrollTo(0, 0)")  # element screenshots may have scrolled
    page.screenshot(path=str(folder / f"{name}.png"), scale="css")


def block_tiles(page):
    """Abort every tile request, and forgive the console the failed loads that follows."""
    page.route("**/tiles/**", lambda route: route.abort())
    page.on("console", lambda _message: forgive_tile_errors(page))


def forgive_tile_errors(page):
    page.watch.errors[:] = [e for e in page.watch.errors if "/tiles/" not in e]


def wait_for_basemap(page):
    page.wait_for_function(f"() => window.tourbuilderMaps && {MAP_STATE}.basemap === 'shown'")
    page.wait_for_function(
        "() => document.querySelectorAll('.leaflet-tb-basemap-pane path').length >= 2"
    )
    page.locator(".tb-map-note:not(:empty)").wait_for()


def basemap_pixels(page) -> dict:
    """How the map's pixels look: the share of land colour (the basemap's fill)."""
    png = page.locator(".leaflet-container").screenshot()
    from io import BytesIO

    from PIL import Image

    img = Image.open(BytesIO(png)).convert("RGB").resize((160, 100))
    raw = img.tobytes()
    pixels = [tuple(raw[i : i + 3]) for i in range(0, len(raw), 3)]
    land = sum(
        1 for p in pixels if abs(p[0] - 243) < 6 and abs(p[1] - 240) < 6 and abs(p[2] - 231) < 6
    )
    grey = sum(1 for p in pixels if p in ((232, 236, 234), (221, 221, 221)))
    return {"land": land / len(pixels), "grey": grey / len(pixels)}


@pytest.mark.parametrize("path", ["/", DEMO])
def test_blocked_tiles_show_the_built_in_basemap_and_a_note(new_page, path):
    page = new_page()
    block_tiles(page)
    page.goto(path + "?lang=en")
    wait_for_basemap(page)
    note = page.locator(".tb-map-note")
    assert note.get_attribute("role") == "status"
    assert note.inner_text() == "Detailed map unavailable — showing a simplified map"
    assert page.locator("img.leaflet-tile-loaded").count() == 0
    pixels = basemap_pixels(page)
    assert pixels["land"] > 0.5, pixels  # Seville is on land: the map is land, not grey
    assert pixels["grey"] < 0.05, pixels
    # the markers are still there, above the basemap
    assert page.locator(".tb-stop-marker, .tb-pin").count() == 6
    forgive_tile_errors(page)


def test_the_whole_world_shows_coasts_and_borders(new_page):
    page = new_page(viewport={"width": 1366, "height": 768})
    block_tiles(page)
    page.goto("/?lang=en")
    wait_for_basemap(page)
    page.evaluate(f"() => {MAP_STATE}.map.setView([36, 10], 4, {{animate: false}})")
    page.wait_for_timeout(400)
    paths = page.locator(".leaflet-tb-basemap-pane path")
    assert paths.count() == 2  # land (with its coastline) and the borders
    pixels = basemap_pixels(page)
    assert 0.2 < pixels["land"] < 0.8, pixels  # the Mediterranean: land and sea
    doc_shot(page, "basemap-offline-en-1366")
    forgive_tile_errors(page)


def test_arabic_phone_gets_the_note_on_the_left(new_page):
    page = new_page(viewport={"width": 390, "height": 844}, locale="ar")
    block_tiles(page)
    page.goto(DEMO + "?lang=ar")
    wait_for_basemap(page)
    note = page.locator(".tb-map-note")
    assert note.inner_text() == "الخريطة المفصلة غير متاحة — تُعرض خريطة مبسطة"
    map_box = page.locator(".tour-map").bounding_box()
    note_box = note.bounding_box()
    assert note_box["x"] < map_box["x"] + map_box["width"] / 2  # mirrored: top left
    page.evaluate(f"() => {MAP_STATE}.map.setView([33, 20], 3, {{animate: false}})")
    page.wait_for_timeout(400)
    doc_shot(page, "basemap-offline-ar-390")
    forgive_tile_errors(page)


def test_working_tiles_load_no_basemap(page):
    page.goto(DEMO + "?lang=en")
    page.wait_for_selector("img.leaflet-tile-loaded")
    page.wait_for_load_state("networkidle")
    assert page.evaluate(f"() => {MAP_STATE}.basemap") == "none"
    assert page.locator(".tb-map-note").inner_text() == ""
    requested = page.evaluate(
        "() => performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(n => n.includes('world-atlas') || n.includes('topojson'))"
    )
    assert requested == []


def settled(tile_server) -> int:
    """The tile server's request count once it has stopped changing (tiles the browser
    gave up on are still fetched, and kept, by the app)."""
    count = -1
    while count != len(tile_server.requests):
        count = len(tile_server.requests)
        time.sleep(0.5)
    return count


def test_a_second_view_comes_from_the_tile_cache(new_page, tile_server):
    first = new_page()
    first.goto(DEMO + "?lang=en")
    first.wait_for_selector("img.leaflet-tile-loaded")
    first.wait_for_load_state("networkidle")
    shown = first.evaluate(
        "() => [...document.querySelectorAll('img.leaflet-tile-loaded')].map(i => i.src)"
    )
    assert shown and all("/tiles/" in src for src in shown)
    before = settled(tile_server)

    second = new_page()  # a new browser context: nothing in the browser's own cache
    second.goto(DEMO + "?lang=en")
    second.wait_for_selector("img.leaflet-tile-loaded")
    second.wait_for_load_state("networkidle")
    again = second.evaluate(
        "() => [...document.querySelectorAll('img.leaflet-tile-loaded')].map(i => i.src)"
    )
    assert set(again) == set(shown)
    settled(tile_server)
    # None of the tiles on screen was asked of the tile server again: all from the cache.
    # (Leaflet may start, then drop, a tile of the view before fitBounds; whether that one
    # reached the app the first time depends on timing, so only tiles shown count.)
    upstream_again = set(tile_server.requests[before:])
    on_screen = {urlsplit(src).path.removeprefix("/tiles") for src in again}
    assert on_screen and not on_screen & upstream_again


def test_an_unreachable_tile_server_falls_back_within_seconds(new_page, live_server):
    """No internet at the workshop: the app's cache cannot reach the tile server, answers
    502 at once, and the page draws its own basemap."""
    config = live_server.app.config
    kept = config["TILE_URL"]
    config["TILE_URL"] = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # nothing listens there
    try:
        page = new_page()
        page.on("console", lambda _message: forgive_tile_errors(page))
        started = time.monotonic()
        page.goto(DEMO + "?lang=en")
        wait_for_basemap(page)
        assert time.monotonic() - started < 8
        assert page.locator("img.leaflet-tile-loaded").count() == 0
        forgive_tile_errors(page)
    finally:
        config["TILE_URL"] = kept
