"""What people type never runs, on any public page, in a real Chromium.

Every field people write that public pages show (a team's name, a theme's label, a site's
name, summary and description, a tour's title and summary, a stop's title and narrative, a
media item's caption and alt text) holds markup that would run if it were ever inserted as
HTML. The tour is made and published through the services, like the editor does; then the
home map (its pin's tooltip and popup, the tour card, the filters, a search that finds the
site), the tour page (tooltips, the "All stops" grid), the site page and the embed are
visited: ``window.__pwned`` stays undefined and the text is shown as it was typed. The
browser ignores the app's Content-Security-Policy here, so what is tested is the escaping
itself, not the policy that would also stop it.
"""

from __future__ import annotations

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import Site
from tourbuilder.models import SiteVisibility
from tourbuilder.models import Tour
from tourbuilder.services import publishing
from tourbuilder.services import sites
from tourbuilder.services import team_settings
from tourbuilder.services import teams
from tourbuilder.services import tours
from tourbuilder.services.demo import draw_photo
from tourbuilder.services.demo import store_demo_file
from tourbuilder.services.library import update_item

pytestmark = pytest.mark.browser

IMG = "<img src=x onerror=window.__pwned=1>"
SCRIPT = '"><script>window.__pwned=1</script>'


def hostile(field: str) -> str:
    """A field's text: a word naming it (to find it, and for search), then both attacks."""
    return f"Zork{field} {IMG} {SCRIPT}"


# a theme's label is at most 60 characters: one attack each
THEMES = (f"Zorktheme {IMG}", f"Zorktheme2 {SCRIPT}")


@pytest.fixture(scope="module")
def planted(live_server):
    """A team, theme, site, photo and published tour whose every text is hostile. The site
    is in Tunis, far from the demo's Seville, so it is a pin of its own on the home map."""
    with live_server.app.app_context():
        team = teams.create_team(hostile("team"), "TN", ["en"])
        themes = [team_settings.add_theme(team, {"en": label}) for label in THEMES]
        site = sites.create_site(
            team,
            name={"en": hostile("site")},
            summary={"en": hostile("summary")},
            description={"en": hostile("description")},
            themes=themes,
            lat=36.8065,
            lon=10.1815,
            visibility=SiteVisibility.PUBLIC,
        )
        photo = store_demo_file(team, draw_photo("", (200, 120, 40), 77), "zork.jpg")
        update_item(
            photo,
            caption={"en": hostile("caption")},
            alt_text={"en": hostile("alt")},
            site_id=site.id,
        )
        tour = tours.create_tour(
            team,
            {"en": hostile("tour")},
            slug="zork-tour",
            summary={"en": hostile("toursummary")},
            languages=["en"],
        )
        tours.add_stop(
            tour,
            site_id=site.id,
            title={"en": hostile("stop")},
            narrative={"en": hostile("narrative")},
            media_ids=[photo.id],
        )
        tours.add_stop(tour, title={"en": hostile("second")}, lat=36.81, lon=10.19)
        publishing.publish(tour)
        db.session.commit()
        ids = {"site": site.id, "tour": tour.id}
    yield {"site": f"/sites/{ids['site']}", "tour": "/tours/zork-tour"}
    # off the public pages again: other modules count the home map's pins
    with live_server.app.app_context():
        publishing.unpublish(db.session.get(Tour, ids["tour"]))
        sites.update_site(db.session.get(Site, ids["site"]), visibility=SiteVisibility.DRAFT)
        db.session.commit()


@pytest.fixture
def page(new_page):
    """A page without the app's Content-Security-Policy: the policy would stop an inline
    handler from running, and this test is about the escaping underneath it."""
    return new_page(bypass_csp=True)


def assert_safe(page, where: str) -> None:
    page.wait_for_timeout(200)  # an onerror would have fired by now
    assert page.evaluate("() => typeof window.__pwned") == "undefined", where
    assert page.locator('img[src="x"]').count() == 0, where
    assert page.watch.dialogs == []


def shows(page, selector: str, field: str) -> None:
    """The element shows the field's text exactly as typed (both theme labels)."""
    texts = [" ".join(t.split()) for t in page.locator(selector).all_text_contents()]
    for wanted in THEMES if field == "theme" else (hostile(field),):
        assert any(wanted in text for text in texts), (selector, wanted, texts)


def test_hostile_text_stays_text_on_the_home_map(page, planted):
    page.goto("/?lang=en")
    page.wait_for_function("() => window.tourbuilderHome && window.tourbuilderHome.ready")
    assert_safe(page, "home")
    shows(page, ".tour-card h3", "tour")
    shows(page, ".tour-card .tour-card-summary", "toursummary")
    shows(page, "#filter-team option", "team")
    shows(page, "#filter-theme option", "theme")
    pin = page.locator(".tb-pin").and_(page.get_by_title(hostile("site"), exact=True))
    pin.hover()
    shows(page, ".tb-tooltip", "site")
    pin.click()
    page.locator(".leaflet-popup .tb-popup-link").wait_for()
    shows(page, ".leaflet-popup .tb-popup-title", "site")
    shows(page, ".leaflet-popup .tb-popup-meta", "team")
    shows(page, ".leaflet-popup .tb-popup-tours a", "tour")
    assert_safe(page, "home popup")

    # the search finds the site by its name: the map shows it alone, its text intact
    page.fill("#filter-q", "Zorksite")
    page.wait_for_function("() => window.tourbuilderHome.shown === 1")
    assert page.locator(".tb-pin").count() == 1
    assert page.locator(".tb-pin").get_attribute("title") == hostile("site")
    page.locator(".tb-pin").click()
    page.locator(".leaflet-popup .tb-popup-link").wait_for()
    shows(page, ".leaflet-popup .tb-popup-title", "site")
    assert_safe(page, "home search")


def test_hostile_text_stays_text_on_the_tour_page(page, planted):
    page.goto(planted["tour"] + "?lang=en")
    page.wait_for_selector(".tb-stop-marker")
    shows(page, "h1", "tour")
    shows(page, ".tour-header .lead", "toursummary")
    shows(page, ".stop-title", "stop")
    shows(page, ".narrative", "narrative")
    shows(page, ".stop figcaption", "caption")
    assert page.locator(".stop img").first.get_attribute("alt") == hostile("alt")
    page.locator(".tb-stop-marker").first.hover()
    shows(page, ".tb-tooltip", "stop")
    assert_safe(page, "tour")
    page.locator(".story-view").click()
    page.locator("#all-stops").wait_for()
    shows(page, "#all-stops li", "stop")
    shows(page, "#all-stops li", "second")
    assert_safe(page, "all stops")


def test_hostile_text_stays_text_on_the_site_page_and_the_embed(page, planted):
    page.goto(planted["site"] + "?lang=en")
    page.wait_for_selector(".tb-pin")
    shows(page, "h1", "site")
    shows(page, "main", "description")
    shows(page, "main", "theme")
    shows(page, "main", "caption")
    page.locator(".tb-pin").hover()
    shows(page, ".tb-tooltip", "site")
    page.locator(".tb-pin").click()
    shows(page, ".leaflet-popup .tb-popup-title", "site")
    shows(page, ".leaflet-popup .tb-popup-meta", "theme")
    assert_safe(page, "site")

    page.goto(planted["tour"] + "/embed?lang=en")
    page.wait_for_selector(".tb-stop-marker")
    shows(page, "body", "tour")
    shows(page, ".stop-title", "stop")
    page.locator(".tb-stop-marker").first.hover()
    shows(page, ".tb-tooltip", "stop")
    assert_safe(page, "embed")
