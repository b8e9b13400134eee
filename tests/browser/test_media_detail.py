"""The media page's detail panel, filters and bulk actions in Chromium: an item that needs
a location is placed by clicking the map and saved without a reload; "needs alt text"
filters in place and stays in the URL; bulk consent. Screenshots for docs/screenshots/."""

import hashlib
from functools import partial

import pytest
from sqlalchemy import select

from tourbuilder.extensions import db
from tourbuilder.models import Consent
from tourbuilder.models import MediaItem
from tourbuilder.models import MediaStatus
from tourbuilder.models import Membership
from tourbuilder.models import Role
from tourbuilder.models import Team
from tourbuilder.models import User
from tourbuilder.services.demo import DEMO_TEAM

from .conftest import sign_in as sign_in_as

pytestmark = pytest.mark.browser
PASSWORD = "placing photos on maps"
WIDE = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def library(live_server):
    """The demo team, an editor, and two items of its own: one needs a location and alt
    text, one has an unconfirmed camera position."""
    with live_server.app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == DEMO_TEAM))
        email = "media-editor@example.org"
        if db.session.scalar(select(User).where(User.email == email)) is None:
            user = User(email=email, name="Media editor")
            user.set_password(PASSWORD)
            db.session.add_all([user, Membership(user=user, team=team, role=Role.EDITOR)])
        ids = {}
        for name, extra in (
            ("market-stall.jpg", {}),
            ("camera-gps.jpg", {"lat": 37.3925, "lon": -5.9941}),
        ):
            item = MediaItem(
                team_id=team.id,
                kind="photo",
                status=MediaStatus.READY,
                original_name=name,
                sha256=hashlib.sha256(name.encode()).hexdigest(),
                width=1600,
                height=1200,
                **extra,
            )
            db.session.add(item)
            db.session.flush()
            ids[name] = item.id
        db.session.commit()
        return {"team_id": team.id, "email": email, "ids": ids}


sign_in = partial(sign_in_as, password=PASSWORD)


SAVED = "id => document.querySelector(`#panel-${id} [data-panel-status]`).textContent === 'Saved.'"


def wait_saved(page, item_id):
    page.wait_for_function(SAVED, arg=item_id)


def item_row(live_server, item_id):
    with live_server.app.app_context():
        item = db.session.get(MediaItem, item_id)
        return item.lat, item.lon, item.location_confirmed, item.consent, item.alt_text


def test_place_an_item_that_needs_a_location_by_clicking(new_page, library, live_server, shot):
    item_id = library["ids"]["market-stall.jpg"]
    page = new_page(viewport=WIDE)
    sign_in(page, library["email"])
    page.goto(f"/teams/{library['team_id']}/media#item-{item_id}")
    panel = page.locator(f"#panel-{item_id}")
    assert panel.get_attribute("open") is not None  # the anchor opens the panel
    page.evaluate("window.scrollTo(0, 400)")
    picker_map = panel.locator("[data-picker-map]")
    picker_map.scroll_into_view_if_needed()
    box = picker_map.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    assert "," in panel.locator("[data-picker-text]").input_value()
    panel.locator(f"#alt-{item_id}-en").fill("Fruit on a market stall")
    panel.locator("button[type=submit]").scroll_into_view_if_needed()
    page.evaluate("window.stillThisPage = true")
    scroll_before = page.evaluate("window.scrollY")
    panel.locator("button[type=submit]").click()
    wait_saved(page, item_id)
    assert page.evaluate("window.stillThisPage")  # no reload
    assert page.evaluate("window.scrollY") == scroll_before  # no jump
    lat, lon, confirmed, _consent, alt = item_row(live_server, item_id)
    assert lat is not None and confirmed and alt == {"en": "Fruit on a market stall"}
    assert panel.locator("[data-version]").input_value() == "2"
    assert "Needs a location" not in page.locator(f"#item-{item_id} .facts").inner_text()
    shot(page, "media-detail-en-1366")


def test_camera_position_is_used_with_one_button(new_page, library, live_server):
    item_id = library["ids"]["camera-gps.jpg"]
    page = new_page(viewport=WIDE)
    sign_in(page, library["email"])
    page.goto(f"/teams/{library['team_id']}/media#item-{item_id}")
    panel = page.locator(f"#panel-{item_id}")
    assert panel.locator("[data-picker-text]").input_value() == ""
    panel.locator("[data-picker-camera]").click()
    assert panel.locator("[data-picker-text]").input_value() == "37.3925, -5.9941"
    panel.locator("button[type=submit]").click()
    wait_saved(page, item_id)
    assert item_row(live_server, item_id)[:3] == (37.3925, -5.9941, True)


def test_filter_needs_alt_text_keeps_the_selection_and_the_url(new_page, library, live_server):
    page = new_page(viewport=WIDE)
    sign_in(page, library["email"])
    page.goto(f"/teams/{library['team_id']}/media")
    camera = library["ids"]["camera-gps.jpg"]
    page.check(f"#item-{camera} .select-item")
    total = page.locator(".media-item").count()
    page.check("input[name=show][value=needs-alt-text]")
    assert page.url.endswith("?show=needs-alt-text")
    visible = page.locator(".media-item:visible")
    names = visible.all_inner_texts()
    assert any("camera-gps.jpg" in text for text in names)
    assert visible.count() < total  # the demo photos have alt text
    assert page.is_checked(f"#item-{camera} .select-item")  # the selection stays
    assert page.locator("[data-selected-count]").inner_text() == "1"
    page.reload()
    assert page.is_checked("input[name=show][value=needs-alt-text]")
    assert page.locator(".media-item:visible").count() == visible.count()


def test_bulk_consent(new_page, library, live_server):
    page = new_page(viewport=WIDE)
    sign_in(page, library["email"])
    page.goto(f"/teams/{library['team_id']}/media?show=consent-not-recorded")
    ids = list(library["ids"].values())
    for item_id in ids:
        page.check(f"#item-{item_id} .select-item")
    page.select_option("#bulk-consent", "consent_recorded")
    page.click("button[name=action][value=consent]")
    page.wait_for_url("**/media?show=consent-not-recorded")
    assert "2 items changed." in page.inner_text(".flashes")
    for item_id in ids:
        assert item_row(live_server, item_id)[3] is Consent.CONSENT_RECORDED
        assert page.locator(f"#item-{item_id}").is_hidden()  # filtered out now


@pytest.mark.parametrize(
    ("lang", "viewport", "size"), [("ar", WIDE, "1366"), ("en", PHONE, "390"), ("ar", PHONE, "390")]
)
def test_media_detail_screenshots(new_page, library, shot, lang, viewport, size):
    item_id = library["ids"]["camera-gps.jpg"]
    page = new_page(viewport=viewport)
    sign_in(page, library["email"], lang)
    page.goto(f"/teams/{library['team_id']}/media?lang={lang}#item-{item_id}")
    panel = page.locator(f"#panel-{item_id}")
    assert panel.get_attribute("open") is not None
    panel.locator("[data-picker-map]").scroll_into_view_if_needed()
    shot(page, f"media-detail-{lang}-{size}")
