"""The public pages in a real Chromium: maps drawn offline, stops linked to the map,
hostile text shown literally, Arabic mirrored, phones get the map on top."""

from __future__ import annotations

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import Site
from tourbuilder.models import SiteVisibility
from tourbuilder.models import Stop
from tourbuilder.models import Team
from tourbuilder.models import Tour
from tourbuilder.models import TourPublication
from tourbuilder.models import TourVisibility
from tourbuilder.services import publishing
from tourbuilder.services.demo import STOPS

pytestmark = pytest.mark.browser

DEMO = "/tours/sevilla-solidaria"
HOSTILE = (
    '${alert(1)}</script><script>alert(2)</script>"><img src=x onerror=alert(3)>\u2028`${alert(4)}`'
)
MAP_STATE = "Object.values(window.tourbuilderMaps)[0]"


@pytest.fixture(scope="module")
def hostile(live_server):
    """A public site and tour whose names try every way out of text into code."""
    with live_server.app.app_context():
        team = Team(name="Hostile", country="ES", languages=["en"])
        site = Site(
            team=team,
            name={"en": HOSTILE},
            themes=[HOSTILE],
            lat=37.41,
            lon=-5.97,
            visibility=SiteVisibility.PUBLIC,
        )
        tour = Tour(
            team=team,
            slug="hostile",
            title={"en": HOSTILE},
            summary={"en": HOSTILE},
            visibility=TourVisibility.PUBLIC,
        )
        tour.stops.append(Stop(site=site, title={"en": HOSTILE}))
        tour.stops.append(Stop(title={"en": "`${alert(5)}`"}, lat=37.42, lon=-5.96))
        db.session.add_all([team, site, tour])
        db.session.flush()
        tour.publication = TourPublication(document=publishing.document(tour))
        db.session.commit()
        return {"site": site.id, "tour": "/tours/hostile"}


def wait_for_map(page, markers: str, count: int):
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length === n", arg=[markers, count]
    )
    # tiles drawn: at least one tile image loaded
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.leaflet-tile')].some(i => i.complete"
        " && i.naturalWidth > 0)"
    )


def test_home_shows_the_projects_and_the_tour_offline(page, tile_server, shot):
    before = len(tile_server.requests)
    page.goto("/?lang=en")
    wait_for_map(page, ".tb-pin", len(STOPS))
    card = page.locator(".tour-card")
    assert card.count() >= 1
    assert "Solidarity Seville" in card.first.inner_text()
    assert "6 stops" in card.first.inner_text()
    # tiles come through the app's tile cache, which asked the tile server (now or earlier)
    tile = page.locator("img.leaflet-tile-loaded").first.get_attribute("src")
    assert tile.startswith("/tiles/")
    assert len(tile_server.requests) > before or tile_server.requests
    page.locator(".tb-pin").first.click()
    popup = page.locator(".tb-popup")
    popup.locator(".tb-popup-link").wait_for()
    assert popup.locator(".tb-popup-link").get_attribute("href").startswith("/sites/")
    # built when it opens: a thumbnail, the team and its country, the tours stopping there
    assert "Spain" in popup.inner_text()
    assert popup.locator("a", has_text="Solidarity Seville").get_attribute("href") == DEMO
    popup.locator("img.tb-popup-thumb").wait_for()
    shot(page, "home-desktop")
    shot(page, "home-desktop-full", full_page=True)
    assert page.watch.external == []


def test_tour_shows_numbered_stops_linked_to_the_map(page, shot):
    page.goto(DEMO + "?lang=en")
    wait_for_map(page, ".tb-stop-marker", 6)
    numbers = page.locator(".stop .stop-number").all_inner_texts()
    assert numbers == ["1", "2", "3", "4", "5", "6"]
    titles = page.locator(".stop .stop-locate span[lang]").all_inner_texts()
    assert titles == [spec["name"]["en"] for spec in STOPS]
    assert page.locator(".tour-map path.leaflet-interactive").count() == 1  # the route line
    shot(page, "tour-desktop")

    # a marker shows its stop in the list
    page.locator(".tb-stop-marker").nth(1).click()
    page.wait_for_function("() => document.getElementById('stop-2').matches('.is-active')")

    # and clicking a stop in the list flies the map to it
    fourth = STOPS[3]
    page.locator(".stop-locate").nth(3).click()
    page.wait_for_function(
        f"([lat, lon]) => {{ const c = {MAP_STATE}.map.getCenter();"
        " return Math.abs(c.lat - lat) < 1e-4 && Math.abs(c.lng - lon) < 1e-4; }",
        arg=[fourth["lat"], fourth["lon"]],
    )
    assert "is-active" in page.locator("#stop-4").get_attribute("class")
    assert "is-active" in page.locator(".tb-stop-marker").nth(3).get_attribute("class")


@pytest.mark.parametrize("where", ["tour", "site", "home"])
def test_hostile_titles_stay_text(new_page, hostile, where):
    page = new_page()
    url = {"tour": hostile["tour"], "site": f"/sites/{hostile['site']}", "home": "/"}[where]
    page.goto(url + "?lang=en")
    marker = ".tb-stop-marker" if where == "tour" else ".tb-pin"
    page.wait_for_selector(marker)
    if where != "home":
        assert page.locator("h1").inner_text().replace("\u2028", "") == HOSTILE.replace(
            "\u2028", ""
        )
    target = page.locator(marker).first
    if where == "home":
        target = page.locator(marker).and_(page.get_by_title(HOSTILE, exact=True))
    target.hover()
    tooltip = page.locator(".tb-tooltip")
    tooltip.wait_for()
    assert "${alert(1)}" in tooltip.inner_text()
    if where != "tour":
        target.click()
        page.locator(".tb-popup-title").wait_for()
        assert page.locator(".tb-popup-title").text_content() == HOSTILE
        if where == "home":  # the card fetched for the popup is text too
            page.locator(".tb-popup .tb-popup-meta").first.wait_for()
            assert page.locator(".tb-popup-title").text_content() == HOSTILE
    page.wait_for_timeout(300)
    assert page.watch.dialogs == []
    assert page.locator('img[src="x"]').count() == 0


def test_arabic_page_is_right_to_left_and_mirrored(new_page, shot):
    page = new_page(locale="ar")
    page.goto(DEMO + "?lang=ar")
    wait_for_map(page, ".tb-stop-marker", 6)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    map_box = page.locator(".tour-map").bounding_box()
    story_box = page.locator(".tour-story").bounding_box()
    assert map_box["x"] > story_box["x"]  # the map column is on the right
    zoom = page.locator(".leaflet-control-zoom").bounding_box()
    assert zoom["x"] > map_box["x"] + map_box["width"] / 2
    shot(page, "tour-ar")


def test_phone_layout_puts_the_map_above_the_stops(new_page, shot):
    page = new_page(viewport={"width": 390, "height": 844})
    page.goto(DEMO + "?lang=en")
    wait_for_map(page, ".tb-stop-marker", 6)
    map_box = page.locator(".tour-map").bounding_box()
    stops_box = page.locator(".stops").bounding_box()
    assert map_box["width"] == pytest.approx(390, abs=1)
    assert map_box["y"] + map_box["height"] <= stops_box["y"] + 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    shot(page, "tour-mobile")


def test_site_page_shows_the_project_and_its_tours(page, shot):
    page.goto("/sites/1?lang=en")
    wait_for_map(page, ".tb-pin", 1)
    assert page.locator("h1").inner_text() == STOPS[0]["name"]["en"]
    assert "Solidarity Seville" in page.locator("#site-tours + ul").inner_text()
    assert page.locator(".photo img").count() == 1
    shot(page, "site-desktop")
