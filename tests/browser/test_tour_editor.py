"""An editor builds a tour in the tour editor: real Chromium, the real API, autosave.

Each test makes a tour of its own in the demo team (the live server's database is shared
by the browser tests), signs in as the team's editor and works only through the page.
"""

from __future__ import annotations

import os
import shutil
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import select

from tourbuilder.extensions import db
from tourbuilder.models import Membership
from tourbuilder.models import Role
from tourbuilder.models import Stop
from tourbuilder.models import Team
from tourbuilder.models import Tour
from tourbuilder.models import User
from tourbuilder.services import commit
from tourbuilder.services import library
from tourbuilder.services import tours
from tourbuilder.services.demo import DEMO_TEAM

from .conftest import sign_in as sign_in_as

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not FIXTURES.exists(), reason="../shared/fixtures is absent"),
]
PASSWORD = "building tours fast"
GPS_PHOTO = "issue-exifr-59.jpg"  # taken at 37.7467650, -119.5298833
SAVED = "All changes saved"


@pytest.fixture(scope="module")
def editor(live_server, tmp_path_factory):
    """The demo team's editor, and a photo with a GPS position in its library."""
    app = live_server.app
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == DEMO_TEAM))
        user = db.session.scalar(select(User).where(User.email == "tour-editor@example.org"))
        if user is None:
            user = User(email="tour-editor@example.org", name="Tour editor", language="en")
            user.set_password(PASSWORD)
            db.session.add_all([user, Membership(user=user, team=team, role=Role.EDITOR)])
            db.session.commit()
        copy = tmp_path_factory.mktemp("upload") / GPS_PHOTO
        shutil.copy(FIXTURES / GPS_PHOTO, copy)
        item, _created = library.store_local_file(team, copy, GPS_PHOTO, user)
        commit()
        return {"email": user.email, "team_id": team.id, "photo_id": item.id}


@pytest.fixture
def tour(live_server, editor, request):
    """A new, empty draft tour of the demo team: its slug and id."""
    with live_server.app.app_context():
        team = db.session.get(Team, editor["team_id"])
        title = {"en": f"Editor test {request.node.name[:40]}"}
        made = tours.create_tour(team, title, languages=["en", "es"])
        commit()
        return {"slug": made.slug, "id": made.id}


def stops_of(live_server, tour_id) -> list[Stop]:
    with live_server.app.app_context():
        found = db.session.get(Tour, tour_id)
        db.session.refresh(found)
        return [
            {
                "id": s.id,
                "title": dict(s.title),
                "narrative": dict(s.narrative),
                "site_id": s.site_id,
                "lat": s.lat,
                "lon": s.lon,
                "media": [link.media_id for link in s.media_links],
            }
            for s in found.stops
        ]


sign_in = partial(sign_in_as, password=PASSWORD)


def open_editor(page, tour, lang=None):
    page.goto(f"/tours/{tour['slug']}/edit" + (f"?lang={lang}" if lang else ""))
    page.wait_for_selector("#tour-editor.is-ready")


def wait_saved(page):
    page.wait_for_function(
        "() => document.getElementById('save-status').dataset.state === 'saved'",
        timeout=10_000,
    )


def add_from_map(page, x=300, y=200):
    page.click(".add-from-map")
    box = page.locator("#editor-map").bounding_box()
    count = page.locator(".editor-stop").count()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_function(
        "n => document.querySelectorAll('.editor-stop').length === n", arg=count + 1
    )


def expected_refusal(page, url: str, status: int | str) -> None:
    """The refusal the test asked for (a status, or a network error such as
    ``ERR_INTERNET_DISCONNECTED``), which Chromium logs as a failed resource load, is
    taken off the page's errors; any other error still fails the test."""
    said = f"status of {status}" if isinstance(status, int) else status
    logged = [e for e in page.watch.errors if url in e and said in e]
    assert logged, page.watch.errors
    page.watch.errors[:] = [e for e in page.watch.errors if e not in logged]


def labels(page) -> list[str]:
    return page.locator(".editor-stop .stop-label").all_inner_texts()


def test_stops_from_a_site_library_items_and_the_map(new_page, live_server, editor, tour, shot):
    page = new_page()
    sign_in(page, editor["email"])
    open_editor(page, tour)
    # from a site: the demo team's first site, with its place
    page.select_option(".add-site", index=0)
    site_name = page.locator(".add-site option").first.inner_text()
    page.click(".add-from-site button")
    page.wait_for_selector(".editor-stop")
    assert labels(page) == [site_name]
    # from library items: the GPS photo, its position offered for the stop
    page.click(".add-from-library summary")
    page.check(f".pick-media[value='{editor['photo_id']}']")
    page.click(".add-from-library .button")
    page.wait_for_function("() => document.querySelectorAll('.editor-stop').length === 2")
    # from a click on the map
    add_from_map(page)
    wait_saved(page)
    stops = stops_of(live_server, tour["id"])
    assert len(stops) == 3
    assert stops[0]["site_id"] is not None and stops[0]["lat"] is None
    assert stops[1]["media"] == [editor["photo_id"]]
    assert (stops[1]["lat"], stops[1]["lon"]) == pytest.approx((37.746765, -119.529883), abs=1e-5)
    assert stops[2]["lat"] is not None
    # three numbered markers, joined by the route line
    markers = page.locator(".leaflet-marker-icon .tb-stop-number")
    assert markers.all_inner_texts() == ["1", "2", "3"]
    route = "() => document.querySelectorAll('.leaflet-overlay-pane path').length"
    assert page.evaluate(route) == 1
    shot(page, "tour-editor-stops")


def test_reorder_by_keyboard_announces_and_by_drag_and_drop(new_page, live_server, editor, tour):
    page = new_page()
    sign_in(page, editor["email"])
    open_editor(page, tour)
    for x in (200, 300, 400):
        add_from_map(page, x, 200)
        page.fill(".stop-body .tfield input[data-field=title]", f"Place {x}")
    wait_saved(page)
    page.click(".editor-stop >> nth=2 >> .stop-toggle")  # collapse the third
    assert labels(page) == ["Place 200", "Place 300", "Place 400"]
    # keyboard: focus the third stop's "move up" and press Enter
    page.locator(".editor-stop >> nth=2 >> .move-up").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('announcer').textContent.length > 0")
    assert page.locator("#announcer").inner_text() == "Stop 3 moved to position 2"
    assert labels(page) == ["Place 200", "Place 400", "Place 300"]
    # focus stays on the moved stop's button, so pressing again moves it on
    page.keyboard.press("Enter")
    assert labels(page) == ["Place 400", "Place 200", "Place 300"]
    wait_saved(page)
    titles = [s["title"]["en"] for s in stops_of(live_server, tour["id"])]
    assert titles == ["Place 400", "Place 200", "Place 300"]
    # drag and drop: the last stop by its header onto the first
    last = page.locator(".editor-stop >> nth=2 >> .drag-handle").bounding_box()
    first = page.locator(".editor-stop >> nth=0 >> .drag-handle").bounding_box()
    page.mouse.move(last["x"] + 5, last["y"] + 5)
    page.mouse.down()
    for step in range(1, 11):
        y = last["y"] + (first["y"] - 4 - last["y"]) * step / 10
        page.mouse.move(last["x"] + 5, y)
        page.wait_for_timeout(30)
    page.mouse.up()
    page.wait_for_function(
        "() => document.querySelector('.editor-stop .stop-label').textContent === 'Place 300'"
    )
    wait_saved(page)
    page.wait_for_timeout(300)
    titles = [s["title"]["en"] for s in stops_of(live_server, tour["id"])]
    assert titles == ["Place 300", "Place 400", "Place 200"]
    assert page.locator(".leaflet-marker-icon .tb-stop-number").all_inner_texts() == [
        "1",
        "2",
        "3",
    ]


def test_narrative_in_english_and_arabic_previews_sanitised(new_page, live_server, editor, tour):
    page = new_page()
    sign_in(page, editor["email"])
    open_editor(page, tour)
    add_from_map(page)
    narrative = page.locator("textarea[data-field=narrative][lang=en]")
    narrative.fill(
        "**Since 2004** the neighbours <script>alert('x')</script> [a](javascript:alert(1))"
    )
    preview = page.locator(".narrative-preview")
    preview.locator("strong").wait_for()
    assert preview.locator("strong").inner_text() == "Since 2004"
    assert preview.locator("script").count() == 0
    assert "<script>alert('x')</script>" in preview.inner_text()  # shown as text, never run
    assert preview.locator("a[href^=javascript]").count() == 0
    # now in Arabic: the writing language, its field marked lang="ar", dir="auto"
    page.select_option(".writing-language", "ar")
    arabic = page.locator("textarea[data-field=narrative][lang=ar]")
    assert arabic.get_attribute("dir") == "auto"
    # the English text is offered where the Arabic is missing
    assert "Since 2004" in arabic.get_attribute("placeholder")
    arabic.fill("تعاونية **الحي** منذ 2004")
    page.wait_for_function(
        "() => document.querySelector('.narrative-preview strong')?.textContent === 'الحي'"
    )
    assert page.locator(".narrative-preview").get_attribute("lang") == "ar"
    wait_saved(page)
    saved = stops_of(live_server, tour["id"])[0]["narrative"]
    assert saved["ar"] == "تعاونية **الحي** منذ 2004"
    assert saved["en"].startswith("**Since 2004**")
    assert not page.watch.dialogs


def test_autosave_survives_a_reload_and_an_offline_moment(new_page, live_server, editor, tour):
    page = new_page()
    sign_in(page, editor["email"])
    open_editor(page, tour)
    add_from_map(page)
    page.fill(".stop-body input[data-field=title][lang=en]", "Market hall")
    status = page.locator("#save-status")
    page.wait_for_function(
        "() => document.getElementById('save-status').dataset.state === 'saving'"
    )
    wait_saved(page)
    assert status.inner_text() == SAVED
    # offline: the text stays in the field and in localStorage, and goes when back online
    page.context.set_offline(True)
    page.fill("textarea[data-field=presenter_notes][lang=en]", "Ask who sweeps the hall")
    page.wait_for_function(
        "() => document.getElementById('save-status').dataset.state === 'offline'", timeout=10_000
    )
    assert status.inner_text() == "Not saved: offline — retrying"
    stored = page.evaluate("id => localStorage.getItem('tb-tour-editor:' + id)", tour["id"])
    assert "Ask who sweeps the hall" in stored
    page.context.set_offline(False)
    wait_saved(page)
    expected_refusal(page, f"/api/v1/tours/{tour['id']}/stops/", "ERR_INTERNET_DISCONNECTED")
    assert page.evaluate("id => localStorage.getItem('tb-tour-editor:' + id)", tour["id"]) is None
    page.reload()
    page.wait_for_selector("#tour-editor.is-ready")
    page.click(".stop-toggle")
    assert page.input_value(".stop-body input[data-field=title][lang=en]") == "Market hall"
    notes = page.input_value("textarea[data-field=presenter_notes][lang=en]")
    assert notes == "Ask who sweeps the hall"


def test_deleting_a_stop_can_be_undone(new_page, live_server, editor, tour):
    page = new_page()
    sign_in(page, editor["email"])
    open_editor(page, tour)
    for x in (200, 350):
        add_from_map(page, x, 220)
        page.fill(".stop-body input[data-field=title][lang=en]", f"Stop at {x}")
    wait_saved(page)
    before = stops_of(live_server, tour["id"])
    page.click(".editor-stop >> nth=0 >> .delete-stop")
    page.wait_for_selector("#toast:not([hidden])")
    assert "Stop 1 deleted." in page.locator("#toast").inner_text()
    assert labels(page) == ["Stop at 350"]
    assert len(stops_of(live_server, tour["id"])) == 1
    page.click("#toast button")
    page.wait_for_function("() => document.querySelectorAll('.editor-stop').length === 2")
    wait_saved(page)
    assert labels(page) == ["Stop at 200", "Stop at 350"]
    after = stops_of(live_server, tour["id"])
    assert [s["title"] for s in after] == [s["title"] for s in before]
    assert [(s["lat"], s["lon"]) for s in after] == [(s["lat"], s["lon"]) for s in before]


def test_typed_coordinates_move_the_stop(new_page, live_server, editor, tour):
    page = new_page()
    sign_in(page, editor["email"])
    open_editor(page, tour)
    add_from_map(page)
    coords = page.locator(".coordinates")
    coords.fill("nowhere")
    coords.press("Enter")
    page.wait_for_selector(".coordinates[aria-invalid=true]")
    assert "37.3891, -5.9845" in page.locator(".coords-message").inner_text()
    expected_refusal(page, "/api/v1/coordinates?q=nowhere", 422)
    coords.fill("37°23'21\"N 5°59'4\"W")
    coords.press("Enter")
    page.wait_for_selector(".coordinates:not([aria-invalid])")
    wait_saved(page)
    stop = stops_of(live_server, tour["id"])[0]
    assert (stop["lat"], stop["lon"]) == pytest.approx((37.389167, -5.984444), abs=1e-6)


def test_a_stale_edit_shows_both_versions_and_keeps_the_chosen_one(
    new_page, live_server, editor, tour
):
    mine = new_page()
    sign_in(mine, editor["email"])
    open_editor(mine, tour)
    add_from_map(mine)
    title = ".stop-body input[data-field=title][lang=en]"
    mine.fill(title, "Bakery")
    wait_saved(mine)
    # someone else, in another browser, renames the stop meanwhile
    theirs = new_page()
    sign_in(theirs, editor["email"])
    open_editor(theirs, tour)
    theirs.click(".stop-toggle")
    theirs.fill(title, "Community bakery")
    wait_saved(theirs)
    # the first browser's next change was based on the old version: refused, compared
    mine.fill(title, "Bakery of the neighbourhood")
    dialog = mine.locator("#conflict-dialog[open]")
    dialog.wait_for()
    assert dialog.locator(".conflict-text.theirs").inner_text() == "Community bakery"
    assert dialog.locator(".conflict-text.yours").inner_text() == "Bakery of the neighbourhood"
    stop_id = stops_of(live_server, tour["id"])[0]["id"]
    expected_refusal(mine, f"/api/v1/tours/{tour['id']}/stops/{stop_id}", 409)
    assert stops_of(live_server, tour["id"])[0]["title"] == {"en": "Community bakery"}
    dialog.locator(".keep-mine").click()
    wait_saved(mine)
    assert stops_of(live_server, tour["id"])[0]["title"] == {"en": "Bakery of the neighbourhood"}
    # and the other way: the second browser is now stale, and takes the first one's text
    theirs.fill(title, "Old bakery")
    dialog = theirs.locator("#conflict-dialog[open]")
    dialog.wait_for()
    dialog.locator(".reload-theirs").click()
    wait_saved(theirs)
    expected_refusal(theirs, f"/api/v1/tours/{tour['id']}/stops/{stop_id}", 409)
    assert theirs.input_value(title) == "Bakery of the neighbourhood"
    assert stops_of(live_server, tour["id"])[0]["title"] == {"en": "Bakery of the neighbourhood"}


# TB_DOC_SHOTS=1 refreshes the pictures in docs/screenshots; otherwise they go to /tmp.
SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("TB_DOC_SHOTS") == "1"
    else Path("/tmp/tb-shots")
)
SIZES = {"1366x768": (1366, 768), "390x844": (390, 844), "1920x1080": (1920, 1080)}


@pytest.mark.parametrize(
    ("lang", "size"),
    [
        ("en", "1366x768"),
        ("en", "390x844"),
        ("en", "1920x1080"),
        ("ar", "1366x768"),
        ("ar", "390x844"),
    ],
)
def test_editor_screenshots(new_page, live_server, editor, lang, size):
    """The demo tour in the editor, its second stop open, for docs/screenshots (looked at
    by people; the test checks the layout holds: no sideways scrolling, map in view)."""
    with live_server.app.app_context():
        demo = db.session.scalar(
            select(Tour).where(Tour.team_id == editor["team_id"], Tour.visibility == "public")
        )
        slug, stop_id = demo.slug, demo.stops[1].id
    width, height = SIZES[size]
    page = new_page(viewport={"width": width, "height": height})
    sign_in(page, editor["email"])
    page.goto(f"/tours/{slug}/edit?lang={lang}#stop-{stop_id}")
    page.wait_for_selector("#tour-editor.is-ready")
    page.wait_for_selector(f"#stop-{stop_id}.is-selected .narrative-preview p")
    if lang == "ar":
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.locator("#save-status").inner_text() != SAVED
        # people type in their interface language, not the team's first one (Spanish)
        assert page.input_value(".writing-language") == "ar"
        first_title = page.locator(".stop-body input[data-field=title]").first
        assert first_title.get_attribute("lang") == "ar"
    if width < 900:  # phones: the map above the list, from the top of the page
        page.evaluate("() => window.scrollTo(0, 0)")
    page.wait_for_timeout(600)  # the map's fly-to and tiles
    overflow = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert page.evaluate(overflow) <= 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"tour-editor-{lang}-{size}.png"), scale="css")
    # back in English for the next test of this browser session
    page.goto("/dashboard?lang=en")


def test_the_publish_check_links_to_each_fix_and_publishes_changes(
    new_page, live_server, editor, tour
):
    with live_server.app.app_context():
        stop = tours.add_stop(db.session.get(Tour, tour["id"]))  # no place yet
        commit()
        stop_id = stop.id
    page = new_page()
    sign_in(page, editor["email"])
    open_editor(page, tour)
    link = page.locator(".publish-panel .problem[data-code=stop_without_place] a")
    link.click()
    page.wait_for_selector(f"#stop-{stop_id}.is-selected")
    assert page.evaluate("() => document.activeElement.id") == f"stop-{stop_id}"
    page.click(".place-on-map")
    box = page.locator("#editor-map").bounding_box()
    page.mouse.click(box["x"] + 250, box["y"] + 250)
    link.wait_for(state="detached")
    # the title has no Spanish yet, though the tour is in Spanish too: its link opens it
    page.click(".publish-panel .problem[data-code=title_translation_missing] a")
    assert page.evaluate("() => document.activeElement.dataset.field") == "title"
    page.select_option(".translation-language", "es")
    page.fill("#tour-fields input[data-field=title][lang=es]", "Prueba del editor")
    page.wait_for_selector(".publish-panel .publish-ok")
    # unlisted: the other browser tests share the server, and its home page lists public tours
    page.select_option(".tour-visibility", "unlisted")
    page.wait_for_selector(".publish-panel .publish-status")
    wait_saved(page)
    page.fill(".stop-body input[data-field=title][lang=en]", "Changed after publishing")
    page.wait_for_selector(".publish-changes")
    page.click(".publish-changes")
    page.wait_for_selector(".publish-changes", state="detached")
    with live_server.app.app_context():
        from tourbuilder.services import publishing

        published = db.session.get(Tour, tour["id"])
        assert published.visibility == "unlisted"
        assert not publishing.has_unpublished_changes(published)


def test_tour_settings_languages_fallback_cover_and_a_dragged_marker(
    new_page, live_server, editor, tour
):
    page = new_page()
    sign_in(page, editor["email"])
    open_editor(page, tour)
    page.click(".add-from-library summary")
    page.check(f".pick-media[value='{editor['photo_id']}']")
    page.click(".add-from-library .button")
    page.wait_for_selector(".editor-stop.is-selected")
    # drag the selected stop's marker: its own place follows
    marker = page.locator(".leaflet-marker-icon.tb-stop-marker").bounding_box()
    x, y = marker["x"] + marker["width"] / 2, marker["y"] + marker["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y + 30, steps=8)
    page.mouse.up()
    wait_saved(page)
    moved = stops_of(live_server, tour["id"])[0]
    assert (moved["lat"], moved["lon"]) != pytest.approx((37.746765, -119.529883), abs=1e-5)
    assert page.input_value(".coordinates") == f"{moved['lat']}, {moved['lon']}"
    # the tour: Arabic joins its languages and becomes the fallback; the cover is the photo
    page.click("#tour-settings summary")
    page.check(".tour-languages input[value=ar]")
    page.select_option(".tour-fallback", "ar")
    page.select_option(".writing-language", "ar")
    page.fill("#tour-fields input[data-field=title][lang=ar]", "جولة التجربة")
    page.select_option(".tour-cover", str(editor["photo_id"]))
    wait_saved(page)
    assert page.locator("#editor-heading").inner_text() == "جولة التجربة"
    with live_server.app.app_context():
        saved = db.session.get(Tour, tour["id"])
        assert saved.languages[0] == "ar" and set(saved.languages) == {"ar", "en", "es"}
        assert saved.title["ar"] == "جولة التجربة" and saved.title["en"].startswith("Editor")
        assert saved.cover_id == editor["photo_id"]
