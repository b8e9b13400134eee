"""The tour page as a story in Chromium: the map follows the reader stop by stop."""

from __future__ import annotations

import pytest

from tourbuilder.services.demo import STOPS

pytestmark = pytest.mark.browser

DEMO = "/tours/sevilla-solidaria"
CENTRE = (
    "([lat, lon]) => { const m = Object.values(window.tourbuilderMaps)[0].map;"
    " const c = m.getCenter(); return Math.abs(c.lat - lat) < 1e-4"
    " && Math.abs(c.lng - lon) < 1e-4; }"
)


def at_stop(page, number):
    spec = STOPS[number - 1]
    page.wait_for_function(CENTRE, arg=[spec["lat"], spec["lon"]])
    page.wait_for_function("n => window.tourbuilderStory.current === n - 1", arg=number)
    assert "is-active" in page.locator(".tb-stop-marker").nth(number - 1).get_attribute("class")
    assert page.url.split("?")[0].endswith(f"{DEMO}/stops/{number}")


def test_keys_buttons_and_scrolling_move_the_map(page, shot):
    page.goto(DEMO + "?lang=en")
    page.wait_for_selector(".tb-stop-marker")
    page.locator("h1").click()  # focus on the page, not the map
    page.keyboard.press("ArrowRight")
    at_stop(page, 2)
    position = page.locator(".story-position")
    assert position.inner_text() == f"Stop 2 of 6: {STOPS[1]['name']['en']}"
    assert position.get_attribute("aria-live") == "polite"
    page.get_by_role("button", name="Next").click()
    at_stop(page, 3)
    page.keyboard.press("ArrowLeft")
    at_stop(page, 2)
    # scrolling the story with the mouse wheel to a stop moves the map there
    page.mouse.move(900, 500)  # over the story column
    for _ in range(60):
        page.mouse.wheel(0, 200)
        page.wait_for_timeout(30)
        if page.evaluate("() => window.tourbuilderStory.current") >= 4:
            break
    page.wait_for_timeout(400)
    reached = page.evaluate("() => window.tourbuilderStory.current") + 1
    assert reached >= 5
    at_stop(page, reached)
    # the page itself never scrolls on wide screens: only the story beside the map
    assert page.evaluate("() => window.scrollY") == 0
    shot(page, "story-desktop")


def test_each_stop_has_its_own_address(page):
    page.goto(DEMO + "/stops/4?lang=en")
    at_stop(page, 4)
    assert page.locator("#stop-4").get_attribute("aria-current") == "step"
    assert page.request.get(DEMO + "/stops/7").status == 404
    assert page.request.get(DEMO + "/stops/0").status == 404


def test_all_stops_grid_returns_to_a_stop(page):
    page.goto(DEMO + "?lang=en")
    page.get_by_role("button", name="All stops").click()
    grid = page.locator("#all-stops")
    assert grid.is_visible() and not page.locator(".stops").is_visible()
    cards = grid.locator("a")
    assert cards.count() == 6
    cards.nth(2).click()
    assert page.locator(".stops").is_visible()
    at_stop(page, 3)


def test_right_to_left_arrows_follow_the_reading_direction(new_page):
    page = new_page(locale="ar")
    page.goto(DEMO + "?lang=ar")
    page.wait_for_selector(".tb-stop-marker")
    page.locator("h1").click()
    page.keyboard.press("ArrowLeft")  # forward, in Arabic
    page.wait_for_function("() => window.tourbuilderStory.current === 1")


def test_a_greek_reader_who_accepts_english_gets_english(new_page):
    page = new_page(locale="el-GR")
    # what a Greek browser that also reads English sends (Playwright's locale sends one)
    accept = "el-GR,el;q=0.9,en;q=0.8"
    page.route(
        "**/tours/**",
        lambda route: route.continue_(headers={**route.request.headers, "accept-language": accept}),
    )
    page.goto(DEMO)
    assert page.locator("html").get_attribute("lang") == "el"  # the interface is Greek
    assert page.locator("h1").inner_text() == "Solidarity Seville"  # the tour in English
    assert page.locator("h1").get_attribute("lang") == "en"
    notice = page.locator(".content-fallback")
    assert "Αγγλικά" in notice.inner_text()  # says it shows English, in Greek
    page.locator(".content-languages a[lang=es]").click()
    assert page.locator("h1").inner_text() == "Sevilla solidaria"
