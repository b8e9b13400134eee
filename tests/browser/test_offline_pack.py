"""The offline tour pack of the demo tour, unzipped and opened from file:// in Chromium with
every request that is not a file:// one refused: the tour's map tiles show from tiles/, its
video plays, PageDown and → go through every stop to the end slide, the presenter view
opened beside it stays in step both ways, check.html says "Ready offline", and nothing
logs an error."""

from __future__ import annotations

import zipfile

import pytest
from sqlalchemy import select

from tourbuilder.extensions import db
from tourbuilder.models import Tour


@pytest.fixture(scope="module")
def unpacked(live_server, tmp_path_factory):
    """The demo tour's pack (built as the CLI builds it), unzipped into a folder."""
    from tourbuilder.services import pack_build
    from tourbuilder.services import tour_pack

    app = live_server.app
    with app.app_context():
        tour = db.session.scalar(select(Tour).where(Tour.slug == "sevilla-solidaria"))
        plan = tour_pack.plan_pack(tour, lang="en", public_url=f"{live_server.url}/tours/x")
        result = pack_build.build_pack(plan)
        stops = len(tour.stops)
    folder = tmp_path_factory.mktemp("pack")
    with zipfile.ZipFile(result.path) as archive:
        archive.extractall(folder)
    return folder, stops, result.counts


@pytest.fixture
def offline(browser):
    """``offline()``: a page in a context where every request but file:// is aborted,
    with every console error, page error and refused request recorded."""
    contexts, records = [], []

    def make():
        context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-GB")
        record = {"errors": [], "refused": []}

        def route(route):
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                record["refused"].append(route.request.url)
                route.abort()

        context.route("**/*", route)
        contexts.append(context)
        records.append(record)

        def watch(page):
            page.on(
                "console",
                lambda m: m.type == "error" and record["errors"].append(f"console: {m.text}"),
            )
            page.on("pageerror", lambda exc: record["errors"].append(f"pageerror: {exc}"))
            return page

        context.on("page", watch)
        return context, record

    yield make
    for context in contexts:
        context.close()


# where a window is: "stop/step" of its state
POSITION = "(name => window[name].stop + '/' + window[name].step)"


def position(page, name: str = "tourbuilderPresent") -> str:
    return page.evaluate(f"() => {POSITION}('{name}')")


def wait_for_stop(page, number: int, global_name: str = "tourbuilderPresent") -> None:
    page.wait_for_function(
        f"(n) => window.{global_name} && window.{global_name}.stop === n", arg=number
    )


def test_the_pack_presents_from_file_with_the_network_off(unpacked, offline):
    folder, stops, counts = unpacked
    context, record = offline()
    audience = context.new_page()
    audience.goto((folder / "index.html").as_uri())
    audience.wait_for_function("() => window.tourbuilderPresent && window.tourbuilderPresent.ready")

    # the map of the tour's area comes from the pack's tiles
    audience.keyboard.press("PageDown")
    wait_for_stop(audience, 1)
    audience.wait_for_function(
        "() => [...document.querySelectorAll('img.leaflet-tile')]"
        ".filter(i => i.src.includes('/tiles/') && i.complete && i.naturalWidth === 256)"
        ".length >= 4"
    )
    broken = audience.evaluate(
        "() => [...document.querySelectorAll('img.leaflet-tile')]"
        ".filter(i => i.complete && i.naturalWidth === 0).map(i => i.src)"
    )
    assert broken == []

    # the presenter view beside it follows the audience, and drives it
    presenter = context.new_page()
    presenter.goto((folder / "presenter.html").as_uri())
    presenter.wait_for_function("() => window.tourbuilderPresenter")
    presenter.wait_for_function("() => window.tourbuilderPresenter.audience")
    audience.bring_to_front()
    before = position(audience)
    audience.keyboard.press("PageDown")
    audience.wait_for_function(f"() => {POSITION}('tourbuilderPresent') !== '{before}'")
    now = position(audience)
    presenter.wait_for_function(f"() => {POSITION}('tourbuilderPresenter') === '{now}'")
    presenter.bring_to_front()
    presenter.keyboard.press("PageDown")
    audience.wait_for_function(f"() => {POSITION}('tourbuilderPresent') !== '{now}'")
    driven = position(audience)
    presenter.wait_for_function(f"() => {POSITION}('tourbuilderPresenter') === '{driven}'")

    # every stop, with the keys a clicker and a keyboard send, to the end slide
    audience.bring_to_front()
    audience.keyboard.press("Home")
    wait_for_stop(audience, 0)
    seen = set()
    for _press in range(60):
        audience.keyboard.press("ArrowRight" if _press % 2 else "PageDown")
        audience.wait_for_timeout(50)
        current = audience.evaluate("() => window.tourbuilderPresent.stop")
        seen.add(current)
        if current == stops + 1:
            break
    assert seen >= set(range(1, stops + 2)), seen

    # the video stop: its 720p rendition plays from media/
    video_stop = audience.evaluate(
        "() => JSON.parse(document.getElementById('presentation-data').textContent)"
        ".stops.findIndex(s => s.media.some(m => m.type === 'video')) + 1"
    )
    assert video_stop >= 1
    audience.keyboard.type(str(video_stop))
    audience.keyboard.press("Enter")
    wait_for_stop(audience, video_stop)
    audience.keyboard.press("m")  # the media, not the map
    audience.wait_for_selector("#present-media video", state="attached")
    audience.evaluate(
        "() => { const v = [...document.querySelectorAll('#present-media video')]"
        ".find(v => v.offsetParent !== null) || document.querySelector('#present-media video');"
        " v.muted = true; return v.play(); }"
    )
    videos = "[...document.querySelectorAll('#present-media video')]"
    audience.wait_for_function(f"() => {videos}.some(v => v.currentTime > 0.2)")
    source = audience.evaluate(f"() => {videos}.find(v => v.currentTime > 0.2).currentSrc")
    assert source.startswith("file://") and source.endswith("video-720.mp4")

    # the "ready offline" check finds everything the pack lists
    check = context.new_page()
    check.goto((folder / "check.html").as_uri())
    check.wait_for_function("() => window.tourbuilderPackCheck", timeout=60_000)
    result = check.evaluate("() => window.tourbuilderPackCheck")
    assert (
        result["failed"] == [] and result["tiles"] == counts["tiles"] and result["stops"] == stops
    )
    assert check.text_content("#result").startswith("Ready offline: 6 stops")

    assert record["refused"] == [], record["refused"]
    assert record["errors"] == [], record["errors"]
