"""Presentation mode and the presenter view in Chromium: the keys a clicker sends through
every stop of the demo tour, jumps, black screen, map/media, arrows that never pan the
map, hidden stops, and the two windows in step both ways over BroadcastChannel."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from tourbuilder.extensions import db
from tourbuilder.models import Membership
from tourbuilder.models import Role
from tourbuilder.models import Team
from tourbuilder.models import User
from tourbuilder.services.demo import DEMO_SLUG
from tourbuilder.services.demo import DEMO_TEAM

from .conftest import sign_in

pytestmark = pytest.mark.browser

PASSWORD = "present-pass-123"
EMAIL = "facilitator-present@example.org"
AUDIENCE = f"/tours/{DEMO_SLUG}/present"
PRESENTER = f"/tours/{DEMO_SLUG}/present/presenter"
PROJECTOR = {"width": 1920, "height": 1080}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def facilitator(live_server):
    """A facilitator of the demo team (presents; edits nothing)."""
    with live_server.app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == DEMO_TEAM))
        if db.session.scalar(select(User).where(User.email == EMAIL)) is None:
            user = User(email=EMAIL, name="Facilitator", language="en")
            user.set_password(PASSWORD)
            db.session.add_all([user, Membership(user=user, team=team, role=Role.FACILITATOR)])
            db.session.commit()
    return EMAIL


def open_presentation(new_page, lang="en", viewport=PROJECTOR, motion="reduce"):
    page = new_page(viewport=viewport, locale=lang)
    page.emulate_media(reduced_motion=motion)
    sign_in(page, EMAIL, lang, password=PASSWORD)
    page.goto(f"{AUDIENCE}?lang={lang}")
    page.wait_for_function("() => window.tourbuilderPresent && window.tourbuilderPresent.ready")
    return page


def data_of(page) -> dict:
    return json.loads(page.locator("#presentation-data").text_content())


def where(page) -> tuple[int, int]:
    state = page.evaluate("window.tourbuilderPresent")
    return state["stop"], state["step"]


def expected_walk(data, hidden=()) -> list[tuple[int, int]]:
    """Every position PageDown visits from the title slide: each photo of each stop."""
    walk = []
    for stop in data["stops"]:
        if stop["number"] not in hidden:
            walk += [(stop["number"], step) for step in range(max(1, len(stop["media"])))]
    return walk + [(len(data["stops"]) + 1, 0)]


def watch(page):
    """Fail on errors of a page the new_page fixture did not make (a popup)."""
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_clicker_keys_go_through_every_stop_and_back(new_page, facilitator):
    page = open_presentation(new_page)
    data = data_of(page)
    assert len(data["stops"]) == 6
    walk = expected_walk(data)
    assert len(walk) > 7  # the demo's video, sound and panorama are steps of their stops
    assert where(page) == (0, 0)
    assert page.locator("#present-title-slide").is_visible()
    forward = ["PageDown", " ", "ArrowRight"]
    for index, position in enumerate(walk):
        page.keyboard.press(forward[index % 3])
        assert where(page) == position
        stop = position[0]
        if stop <= 6:
            title = page.locator("#present-stop-title")
            assert title.text_content() == data["stops"][stop - 1]["title"]
            assert title.is_visible()
            assert page.locator("#present-number").text_content().startswith(f"Stop {stop} of 6")
    assert page.locator("#present-end-slide").is_visible()
    page.keyboard.press("PageDown")  # no next tour: the end stays the end
    assert where(page) == walk[-1]
    back = ["PageUp", "ArrowLeft"]
    for index, position in enumerate(reversed([(0, 0), *walk[:-1]])):
        page.keyboard.press(back[index % 2])
        assert where(page) == position
    assert page.locator("#present-title-slide").is_visible()


def test_the_map_flies_then_the_media_fill_the_screen(new_page, facilitator):
    page = open_presentation(new_page, motion="no-preference")
    page.keyboard.press("PageDown")
    state = page.evaluate("window.tourbuilderPresent")
    assert (state["stop"], state["view"]) == (1, "map")
    assert page.locator("#present-stop-caption").is_visible()  # the stop's story, short
    page.wait_for_function("() => window.tourbuilderPresent.view === 'media'", timeout=10_000)
    picture = page.locator('.present-stop-media[data-stop="1"] [data-step="0"] img')
    assert picture.is_visible()
    page.wait_for_function(
        "() => document.querySelector('.present-stop-media[data-stop=\"1\"] img').naturalWidth > 0"
    )
    size = page.evaluate("getComputedStyle(document.getElementById('present-stop-title')).fontSize")
    assert float(size.removesuffix("px")) >= 40  # readable from the back at 1920×1080
    page.keyboard.press("PageDown")  # the stop's video, with its captions track
    video = page.locator('.present-stop-media[data-stop="1"] [data-step="1"] video')
    assert video.is_visible()
    assert video.locator("track").count() >= 1


def test_jump_home_end_black_and_map_or_media(new_page, facilitator):
    page = open_presentation(new_page)
    page.keyboard.type("4")
    assert page.locator("#present-jump").is_visible()
    page.keyboard.press("Enter")
    assert where(page) == (4, 0)
    assert not page.locator("#present-jump").is_visible()
    page.keyboard.type("12")
    page.keyboard.press("Enter")  # no stop 12: stays
    assert where(page) == (4, 0)
    page.keyboard.press("End")
    assert where(page) == (7, 0)
    page.keyboard.press("Home")
    assert where(page) == (0, 0)
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    assert page.evaluate("window.tourbuilderPresent.view") == "map"
    page.keyboard.press("m")
    assert page.evaluate("window.tourbuilderPresent.view") == "media"
    assert page.locator("#present-media").is_visible()
    page.keyboard.press("M")
    assert page.evaluate("window.tourbuilderPresent.view") == "map"
    assert not page.locator("#present-media").is_visible()
    page.keyboard.press("b")
    assert page.locator("#present-black").is_visible()
    assert page.evaluate("window.tourbuilderPresent.black") is True
    page.keyboard.press(".")  # what clickers send for black
    assert not page.locator("#present-black").is_visible()
    page.keyboard.press("?")
    assert page.locator("#present-help").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#present-help").is_visible()
    assert page.url.endswith(f"{AUDIENCE}?lang=en")  # Esc closed the help only


def test_arrow_keys_move_through_stops_and_never_pan_the_map(new_page, facilitator):
    page = open_presentation(new_page)
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    page.keyboard.press("m")
    page.keyboard.press("m")  # back on the map
    assert page.evaluate("window.tourbuilderPresent.view") == "map"
    center = "(() => { const s = Object.values(window.tourbuilderMaps)[0]; const c = s.map.getCenter(); return [c.lat, c.lng, s.map.getZoom()]; })()"  # noqa: E501
    before = page.evaluate(center)
    page.locator(".present-map .leaflet-container").click(position={"x": 300, "y": 300})
    for key in ("ArrowUp", "ArrowDown", "ArrowUp", "ArrowDown"):
        page.keyboard.press(key)
    assert page.evaluate(center) == before
    assert where(page) == (3, 0)
    page.keyboard.press("ArrowRight")
    assert where(page) == (4, 0)
    page.keyboard.press("ArrowLeft")
    assert where(page) == (3, 0)
    assert page.evaluate(center) == before  # at the stop again, not somewhere panned


def test_right_to_left_mirrors_the_arrows(new_page, facilitator):
    page = open_presentation(new_page, lang="ar")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.keyboard.press("ArrowLeft")
    assert where(page) == (1, 0)
    page.keyboard.press("ArrowRight")
    assert where(page) == (0, 0)
    page.keyboard.press("PageDown")
    assert page.locator("#present-number").text_content() != "Stop 1 of 6"


def test_hidden_stops_are_skipped_and_keep_their_numbers(new_page, facilitator):
    page = open_presentation(new_page)
    data = data_of(page)
    page.locator(".present-stops-menu summary").click()
    for number in (2, 5):
        page.locator(f'#present-title-slide [data-stop-list] input[value="{number}"]').uncheck()
    page.reload()
    page.wait_for_function("() => window.tourbuilderPresent && window.tourbuilderPresent.ready")
    box = page.locator('#present-title-slide [data-stop-list] input[value="2"]')
    assert not box.is_checked()  # kept for this session
    visited = []
    while where(page)[0] <= 6:
        page.keyboard.press("PageDown")
        visited.append(where(page))
    assert visited == expected_walk(data, hidden=(2, 5))
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    assert page.locator("#present-number").text_content().startswith("Stop 3 of 6")


def test_presenter_view_and_audience_window_stay_in_step(new_page, facilitator):
    page = open_presentation(new_page, motion="no-preference")
    notes = "Ask the room: who decides what is planted?"
    assert notes not in page.content()  # presenter notes never reach the room
    with page.expect_popup() as opened:
        page.keyboard.press("p")
    presenter = opened.value
    errors = watch(presenter)
    presenter.wait_for_load_state()
    presenter.wait_for_function("() => window.tourbuilderPresenter")
    presenter.set_viewport_size({"width": 1366, "height": 768})
    status = presenter.locator("#presenter-status")

    # the presenter drives the room
    presenter.get_by_role("button", name="Next", exact=True).click()
    page.wait_for_function("() => window.tourbuilderPresent.stop === 1")
    assert presenter.locator("#presenter-notes").text_content().startswith(notes)
    prompts = presenter.locator("#presenter-prompts")
    assert prompts.is_visible() and "Who takes part in the assembly" in prompts.text_content()
    assert "Huerto del Rey Moro" in presenter.locator("#presenter-current").text_content()
    assert "Alameda market" not in presenter.locator("#presenter-current").text_content()
    presenter.wait_for_function("() => window.tourbuilderPresenter.audience === true")
    assert status.text_content() == ""
    # the room's window moves: the presenter view follows
    page.bring_to_front()
    page.keyboard.press("PageDown")
    presenter.wait_for_function(
        "() => window.tourbuilderPresenter.stop === 1 && window.tourbuilderPresenter.step === 1"
    )
    page.keyboard.press("PageDown")
    presenter.wait_for_function("() => window.tourbuilderPresenter.stop === 2")
    assert "Alameda market" in presenter.locator("#presenter-current").text_content()
    assert "Metropol Parasol" in presenter.locator("#presenter-upcoming").text_content()
    assert prompts.is_hidden()  # the market's stop has no prompts: no empty box
    # keys in the presenter view (a clicker plugged into the laptop) move the room too
    presenter.bring_to_front()
    presenter.keyboard.press("PageUp")
    page.wait_for_function(
        "() => window.tourbuilderPresent.stop === 1 && window.tourbuilderPresent.step === 1"
    )
    presenter.get_by_role("button", name="Black screen").click()
    page.wait_for_function("() => window.tourbuilderPresent.black === true")
    assert page.locator("#present-black").is_visible()
    presenter.keyboard.press("b")
    page.wait_for_function("() => window.tourbuilderPresent.black === false")
    # a stop hidden in the presenter view is skipped in the room
    presenter.locator('[data-stop-list] input[value="2"]').uncheck()
    presenter.get_by_role("button", name="Next", exact=True).click()
    page.wait_for_function("() => window.tourbuilderPresent.stop === 3")
    assert "Triana cooperative" in presenter.locator("#presenter-upcoming").text_content()
    # a reflection the live code sends shows large in the room
    presenter.evaluate(
        "new BroadcastChannel('tourbuilder-present-" + DEMO_SLUG + "').postMessage("
        "{type: 'show-reflection', text: 'We have a garden like this', name: 'Amal'})"
    )
    page.wait_for_selector("#present-reflection:not([hidden])")
    assert "We have a garden like this" in page.locator("#present-reflection").text_content()
    presenter.evaluate(
        "new BroadcastChannel('tourbuilder-present-" + DEMO_SLUG + "').postMessage("
        "{type: 'hide-reflection'})"
    )
    page.wait_for_selector("#present-reflection", state="hidden")
    # a presenter view opened again asks for the state and shows where the room is
    presenter.reload()
    presenter.wait_for_function("() => window.tourbuilderPresenter.stop === 3")
    assert not errors, errors


def test_state_event_for_other_scripts(new_page, facilitator):
    page = open_presentation(new_page)
    page.evaluate(
        "window.seen = []; document.addEventListener('tb:present-state', e => seen.push(e.detail))"
    )
    page.keyboard.press("PageDown")
    page.keyboard.press("b")
    seen = page.evaluate("window.seen")
    assert seen[0] == {"slug": DEMO_SLUG, "stop": 1, "step": 0, "view": "map", "black": False}
    assert seen[-1]["black"] is True


def test_phone_size_does_not_break(new_page, facilitator):
    page = open_presentation(new_page, viewport={"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    page.keyboard.press("PageDown")
    assert page.locator("#present-stop-title").is_visible()
    presenter = new_page(viewport={"width": 390, "height": 844})
    sign_in(presenter, EMAIL, password=PASSWORD)
    presenter.goto(PRESENTER)
    assert presenter.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.skipif(not os.environ.get("TB_DOC_SHOTS"), reason="TB_DOC_SHOTS=1 refreshes docs")
def test_screenshots_for_the_docs(new_page, facilitator):
    page = open_presentation(new_page)
    page.wait_for_timeout(800)
    page.screenshot(path=str(DOCS / "present-title-en-1920x1080.png"))
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    page.keyboard.press("m")
    page.wait_for_function("() => document.querySelector('[data-stop=\"5\"] img').naturalWidth > 0")
    page.screenshot(path=str(DOCS / "present-stop-en-1920x1080.png"))
    arabic = open_presentation(new_page, lang="ar")
    arabic.keyboard.press("PageDown")
    arabic.keyboard.press("PageDown")
    arabic.wait_for_function("() => document.querySelector('[data-stop=\"1\"] video')")
    arabic.keyboard.press("PageUp")
    arabic.wait_for_timeout(800)
    arabic.screenshot(path=str(DOCS / "present-stop-ar-1920x1080.png"))
    with page.expect_popup() as opened:
        page.keyboard.press("p")
    presenter = opened.value
    presenter.set_viewport_size({"width": 1366, "height": 768})
    presenter.wait_for_function(
        "() => window.tourbuilderPresenter && window.tourbuilderPresenter.stop === 5"
    )
    presenter.keyboard.type("1")
    presenter.keyboard.press("Enter")  # a stop with presenter notes
    presenter.get_by_role("button", name="Start", exact=True).click()
    presenter.wait_for_timeout(1200)
    presenter.screenshot(path=str(DOCS / "presenter-en-1366x768.png"))


def test_the_panorama_opens_in_the_viewer_and_pagedown_still_moves_on(new_page, facilitator):
    page = open_presentation(new_page)
    data = data_of(page)
    stop, step = next(
        (s["number"], i)
        for s in data["stops"]
        for i, m in enumerate(s["media"])
        if m["type"] == "panorama"
    )
    page.keyboard.type(str(stop))
    page.keyboard.press("Enter")
    for _ in range(step):
        page.keyboard.press("PageDown")
    assert where(page) == (stop, step)
    figure = page.locator(f'.present-stop-media[data-stop="{stop}"] [data-step="{step}"]')
    figure.get_by_role("button").click()
    page.wait_for_function("() => window.tourbuilderPanoramas.length === 1")
    assert figure.locator(".panorama-viewer").is_visible()
    page.keyboard.press("PageDown")  # focus is in the viewer: the clicker still moves on
    assert where(page) == (stop + 1, 0)
