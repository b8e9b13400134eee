"""Issue 8's whole authoring journey, as a new editor walks it in Chromium: sign in, upload
photos and a video, place the photo that needs a location, make a public site, make a tour
with stops from the library and the site, reorder them by drag and drop and by keyboard,
write a narrative in English and in Arabic, fix what the publish check reports (one fix in
the media library, by its link), publish, then edit the published tour and see the public
page change only after "Publish changes".

One test, through the page only; the database is read only to know ids the page does not
show and to check what was saved. The tour and the site are taken off the public pages
afterwards, since the live server is shared by the other browser tests.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import select

from tourbuilder.extensions import db
from tourbuilder.models import Consent
from tourbuilder.models import MediaItem
from tourbuilder.models import Membership
from tourbuilder.models import Role
from tourbuilder.models import Site
from tourbuilder.models import SiteVisibility
from tourbuilder.models import Team
from tourbuilder.models import Tour
from tourbuilder.models import User
from tourbuilder.services import commit
from tourbuilder.services import publishing

from .conftest import sign_in as sign_in_as

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not FIXTURES.exists(), reason="../shared/fixtures is absent"),
]
PASSWORD = "a journey from photos to a tour"
WIDE = {"width": 1366, "height": 768}
NO_GPS = "flower.jpg"  # no position: it "needs a location"
GPS = "issue-exifr-59.jpg"  # a camera position, left without consent and alt text
VIDEO = "iphone_rotated.mov"
ARABIC = "تعاونية **الزيتون** منذ 2004"


@pytest.fixture(scope="module")
def newcomer(live_server):
    """A team of its own (English and Arabic, its map on Amman) and its new editor."""
    app = live_server.app
    with app.app_context():
        team = Team(name="Journey olive cooperative", country="JO", languages=["en", "ar"])
        team.map_lat, team.map_lon, team.map_zoom = 31.95, 35.93, 13
        user = User(email="journey-editor@example.org", name="New editor", language="en")
        user.set_password(PASSWORD)
        db.session.add_all([team, user, Membership(user=user, team=team, role=Role.EDITOR)])
        db.session.commit()
        made = {"team_id": team.id, "email": user.email}
    yield made
    with app.app_context():  # off the shared server's public pages again
        for tour in db.session.scalars(select(Tour).where(Tour.team_id == made["team_id"])):
            if tour.publication is not None:
                publishing.unpublish(tour)
        for site in db.session.scalars(select(Site).where(Site.team_id == made["team_id"])):
            site.visibility = SiteVisibility.DRAFT
        commit()


sign_in = partial(sign_in_as, password=PASSWORD)


def items_by_name(live_server, team_id) -> dict[str, dict]:
    with live_server.app.app_context():
        rows = db.session.scalars(select(MediaItem).where(MediaItem.team_id == team_id))
        return {
            item.original_name: {
                "id": item.id,
                "lat": item.lat,
                "confirmed": item.location_confirmed,
                "consent": item.consent,
                "alt": dict(item.alt_text),
            }
            for item in rows
        }


def wait_ready(page, name):
    page.locator(".media-item", has_text=name).wait_for(timeout=30_000)
    page.wait_for_function(
        "name => [...document.querySelectorAll('.media-item')].some(r =>"
        " r.textContent.includes(name) && r.dataset.status === 'ready'"
        " && r.querySelector('.thumb img') && r.querySelector('.thumb img').naturalWidth > 0)",
        arg=name,
        timeout=60_000,
    )


def save_panel(page, item_id, consent, alt, click_map=False):
    """The item's detail panel, opened by its summary or the #item- anchor: consent, alt
    text in English, perhaps a place clicked on its map; saved without a reload."""
    panel = page.locator(f"#panel-{item_id}")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    if click_map:
        picker_map = panel.locator("[data-picker-map]")
        picker_map.scroll_into_view_if_needed()
        picker_map.locator(".leaflet-tile-pane").wait_for(state="attached")
        box = picker_map.bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
        assert "," in panel.locator("[data-picker-text]").input_value()
    panel.locator(f"#consent-{item_id}").select_option(consent)
    panel.locator(f"#alt-{item_id}-en").fill(alt)
    panel.locator("button[type=submit]").click()
    page.wait_for_function(
        "id => document.querySelector(`#panel-${id} [data-panel-status]`).textContent === 'Saved.'",
        arg=item_id,
    )


def wait_saved(page):
    page.wait_for_function(
        "() => document.getElementById('save-status').dataset.state === 'saved'",
        timeout=20_000,
    )


def labels(page) -> list[str]:
    return page.locator(".editor-stop .stop-label").all_inner_texts()


def add_from_library(page, item_id, title):
    count = page.locator(".editor-stop").count()
    details = page.locator(".add-from-library")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    page.check(f".pick-media[value='{item_id}']")
    details.locator(".button").click()
    page.wait_for_function(
        "n => document.querySelectorAll('.editor-stop').length === n", arg=count + 1
    )
    # the new stop is open and selected: its title
    page.fill(".editor-stop.is-selected .stop-body input[data-field=title][lang=en]", title)


def problem_codes(page) -> list[str]:
    page.wait_for_selector(".publish-panel .publish-status")
    return page.locator(".publish-panel .problem").evaluate_all(
        "items => items.map(i => i.dataset.code)"
    )


def public_stops(page) -> list[str]:
    """The stop titles the public page shows, in order."""
    return page.locator("ol.stops > li.stop h2.stop-title span[lang]").all_inner_texts()


def test_a_new_editor_walks_from_photos_to_a_published_tour(new_page, newcomer, live_server, shot):
    team_id = newcomer["team_id"]
    page = new_page(viewport=WIDE)

    # -- sign in -------------------------------------------------------------------------
    sign_in(page, newcomer["email"])
    assert "Journey olive cooperative" in page.locator("main").inner_text()

    # -- upload two photos and a video; they become ready --------------------------------
    page.goto(f"/teams/{team_id}/media")
    page.wait_for_selector(".uppy-Dashboard")
    files = [str(FIXTURES / name) for name in (NO_GPS, GPS, VIDEO)]
    page.set_input_files(".uppy-Dashboard-input >> nth=0", files)
    for name in (NO_GPS, GPS, VIDEO):
        wait_ready(page, name)
    items = items_by_name(live_server, team_id)
    assert set(items) == {NO_GPS, GPS, VIDEO}
    ids = {name: items[name]["id"] for name in items}
    flower_row = page.locator(f"#item-{ids[NO_GPS]}")
    assert "Needs a location" in flower_row.locator(".facts").inner_text()
    assert "Camera position not confirmed" in page.locator(f"#item-{ids[GPS]} .facts").inner_text()

    # -- the photo that needs a location: placed by clicking the map, with alt text -------
    flower_row.locator("summary").click()
    assert "needs a location" in flower_row.locator(".position-picker").inner_text()
    save_panel(page, ids[NO_GPS], "no_people", "A white flower by the press", click_map=True)
    assert "Needs a location" not in flower_row.locator(".facts").inner_text()
    save_panel(page, ids[VIDEO], "consent_recorded", "Pickers waving at the camera")
    items = items_by_name(live_server, team_id)
    assert items[NO_GPS]["lat"] is not None and items[NO_GPS]["confirmed"]
    assert items[NO_GPS]["consent"] is Consent.NO_PEOPLE
    assert items[VIDEO]["alt"] == {"en": "Pickers waving at the camera"}
    assert items[GPS]["consent"] is Consent.NOT_YET  # left for the publish check to find

    # -- a public site, placed with the position picker ---------------------------------
    page.goto(f"/teams/{team_id}/sites/new")
    page.fill("#name-en", "Olive press cooperative")
    picker = page.locator("[data-picker-map]")
    picker.scroll_into_view_if_needed()
    box = picker.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.6)
    lat, lon = (float(v) for v in page.input_value("#position").split(","))
    assert 31 < lat < 33 and 35 < lon < 37  # the team's map: Amman
    page.check("input[name=visibility][value=public]")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"**/teams/{team_id}/sites")
    assert "Olive press cooperative" in page.locator("main").inner_text()

    # -- a new tour from the team page --------------------------------------------------
    page.goto(f"/teams/{team_id}")
    page.get_by_role("button", name="New tour").click()
    page.wait_for_url("**/tours/*/edit")
    page.wait_for_selector("#tour-editor.is-ready")
    slug = page.url.split("/tours/")[1].split("/")[0]
    assert page.locator("#editor-heading").inner_text() == "New tour"
    assert problem_codes(page)[:1] == ["no_stops"]

    # -- stops: three library items, then the site --------------------------------------
    add_from_library(page, ids[NO_GPS], "The flower")
    add_from_library(page, ids[GPS], "The valley")
    add_from_library(page, ids[VIDEO], "The pickers")
    page.select_option(".add-site", label="Olive press cooperative")
    page.click(".add-from-site button")
    page.wait_for_function("() => document.querySelectorAll('.editor-stop').length === 4")
    wait_saved(page)
    assert labels(page) == ["The flower", "The valley", "The pickers", "Olive press cooperative"]
    markers = page.locator(".leaflet-marker-icon .tb-stop-number")
    assert markers.all_inner_texts() == ["1", "2", "3", "4"]

    # -- reorder by keyboard: the site's "move up", twice, focus staying on it -----------
    page.locator(".editor-stop >> nth=3 >> .move-up").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.getElementById('announcer').textContent === 'Stop 4 moved to position 3'"
    )
    assert labels(page) == ["The flower", "The valley", "Olive press cooperative", "The pickers"]
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.getElementById('announcer').textContent === 'Stop 3 moved to position 2'"
    )
    assert labels(page) == ["The flower", "Olive press cooperative", "The valley", "The pickers"]
    wait_saved(page)

    # -- reorder by drag and drop: the last stop (the pickers) onto the first -------------
    if page.locator(".editor-stop.is-selected").count():
        page.click(".editor-stop.is-selected .stop-toggle")  # collapsed: every handle in view
    last = page.locator(".editor-stop >> nth=3 >> .drag-handle").bounding_box()
    first = page.locator(".editor-stop >> nth=0 >> .drag-handle").bounding_box()
    page.mouse.move(last["x"] + 5, last["y"] + 5)
    page.mouse.down()
    for step in range(1, 11):
        y = last["y"] + (first["y"] - 4 - last["y"]) * step / 10
        page.mouse.move(last["x"] + 5, y)
        page.wait_for_timeout(30)
    page.mouse.up()
    order = ["The pickers", "The flower", "Olive press cooperative", "The valley"]
    page.wait_for_function(
        "t => document.querySelector('.editor-stop .stop-label').textContent === t",
        arg=order[0],
    )
    assert labels(page) == order
    wait_saved(page)
    shot(page, "journey-editor-reordered")
    with live_server.app.app_context():
        tour = db.session.scalar(select(Tour).where(Tour.slug == slug))
        saved = [stop.display_title("en") for stop in tour.stops]
        tour_id = tour.id
    assert saved == order

    # -- the narrative of the first stop, in English, then in Arabic ---------------------
    page.locator(".editor-stop >> nth=0 >> .stop-toggle").click()
    page.fill("textarea[data-field=narrative][lang=en]", "Pickers **since 2004** on the hill.")
    page.locator(".narrative-preview strong").wait_for()
    assert page.locator(".narrative-preview strong").inner_text() == "since 2004"
    page.select_option(".writing-language", "ar")
    arabic = page.locator("textarea[data-field=narrative][lang=ar]")
    assert arabic.get_attribute("dir") == "auto"
    arabic.fill(ARABIC)
    page.wait_for_function(
        "() => document.querySelector('.narrative-preview strong')?.textContent === 'الزيتون'"
    )
    # the tour's own title, in Arabic while writing Arabic, then in English
    page.click("#tour-settings summary")
    page.fill("#tour-fields input[data-field=title][lang=ar]", "طريق الزيتون")
    page.select_option(".writing-language", "en")
    page.fill("#tour-fields input[data-field=title][lang=en]", "The olive route")
    wait_saved(page)
    assert page.locator("#editor-heading").inner_text() == "The olive route"

    # -- the publish check: the photo left without consent and alt text -----------------
    page.wait_for_function(
        "() => [...document.querySelectorAll('.publish-panel .problem')].every("
        " p => p.dataset.code.startsWith('media_'))"
        " && document.querySelectorAll('.publish-panel .problem').length === 2",
        timeout=20_000,
    )
    assert problem_codes(page) == ["media_without_consent", "media_without_alt_text"]
    problem = page.locator(".publish-panel .problem[data-code=media_without_consent]")
    assert GPS in problem.inner_text() and "Stop 4 (The valley)" in problem.inner_text()
    assert problem.locator("a").get_attribute("href").endswith(f"/media#item-{ids[GPS]}")
    # the publishing page says the same, and will not publish yet
    page.click(".publish-panel .publishing-page")
    page.wait_for_url(f"**/teams/{team_id}/tours/*/publish")
    listed = page.locator(".publish-check .problems li")
    assert listed.evaluate_all("items => items.map(i => i.dataset.code)") == [
        "media_without_consent",
        "media_without_alt_text",
    ]
    assert "2 things to fix" in page.locator(".publish-check-summary").inner_text()
    assert page.locator("input[name=publish]").is_disabled()
    listed.first.locator("a").click()
    page.wait_for_url(f"**/teams/{team_id}/media#item-{ids[GPS]}")
    assert page.locator(f"#panel-{ids[GPS]}").get_attribute("open") is not None
    save_panel(page, ids[GPS], "no_people", "A granite valley at dusk")
    page.goto(f"/tours/{slug}/edit")
    page.wait_for_selector("#tour-editor.is-ready")
    page.wait_for_selector(".publish-panel .publish-ok")
    assert problem_codes(page) == []

    # -- publish, for everyone, on the publishing page -----------------------------------
    page.click(".publish-panel .publishing-page")
    page.wait_for_url(f"**/teams/{team_id}/tours/{tour_id}/publish")
    assert "Nothing to fix" in page.locator(".publish-check").inner_text()
    page.check("input[name=visibility][value=public]")
    page.click("input[name=publish]")
    page.wait_for_url(f"**/teams/{team_id}/tours/{tour_id}/publish")
    assert "Published." in page.locator(".flashes").inner_text()
    assert "The draft is the same as the published version." in page.inner_text(".publish-state")

    # -- what anyone sees: a separate browser, not signed in ----------------------------
    reader = new_page(viewport=WIDE)
    reader.goto(f"/tours/{slug}?lang=en")
    assert reader.locator("h1").inner_text() == "The olive route"
    assert public_stops(reader) == order
    first = reader.locator("#stop-1 .narrative")
    assert first.locator("strong").inner_text() == "since 2004"
    assert reader.locator("#stop-4 img[alt='A granite valley at dusk']").count() == 1
    assert reader.locator("#stop-1 video").count() == 1  # the pickers' video
    reader.wait_for_selector(".tb-stop-marker")
    assert reader.locator(".tb-stop-marker").count() == 4
    reader.goto(f"/tours/{slug}?lang=ar")
    assert reader.locator("html").get_attribute("dir") == "rtl"
    assert reader.locator("h1").inner_text() == "طريق الزيتون"
    narrative = reader.locator("#stop-1 .narrative")
    assert narrative.get_attribute("lang") == "ar"
    assert narrative.locator("strong").inner_text() == "الزيتون"
    shot(reader, "journey-public-ar")

    # -- an edit after publishing: the public page keeps the old title... ---------------
    page.goto(f"/tours/{slug}/edit")
    page.wait_for_selector("#tour-editor.is-ready")
    page.locator(".editor-stop >> nth=1 >> .stop-toggle").click()
    page.fill(".editor-stop >> nth=1 >> input[data-field=title][lang=en]", "The white flower")
    wait_saved(page)
    page.wait_for_selector(".publish-panel .publish-changes")
    reader.goto(f"/tours/{slug}?lang=en")
    assert public_stops(reader)[1] == "The flower"
    # -- ...until "Publish changes" -------------------------------------------------------
    page.click(".publish-panel .publish-changes")
    page.wait_for_selector(".publish-panel .publish-changes", state="detached")
    reader.reload()
    assert public_stops(reader) == [order[0], "The white flower", *order[2:]]
