"""The demo's 360° panorama opens in the viewer inside its stop and turns."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

DEMO = "/tours/sevilla-solidaria"


def test_panorama_opens_in_its_stop_and_turns(page, shot):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(DEMO + "?lang=en")
    figure = page.locator("figure.panorama")
    assert figure.count() == 1
    assert not [u for u in requests if "pannellum" in u]  # nothing loaded before it is asked
    assert not [u for u in requests if "/panorama-" in u]
    figure.scroll_into_view_if_needed()
    figure.get_by_role("button", name="Explore in 360°").click()
    page.wait_for_function(
        "() => window.tourbuilderPanoramas.length === 1"
        " && window.tourbuilderPanoramas[0].viewer.isLoaded()",
        timeout=30_000,
    )
    viewer = "window.tourbuilderPanoramas[0].viewer"
    start = page.evaluate(f"() => {viewer}.getYaw()")
    # the view opens where the photographer's GPano metadata says
    assert start == pytest.approx(float(figure.get_attribute("data-pano-yaw")), abs=1)
    assert page.evaluate("() => document.activeElement.className").startswith("panorama-viewer")
    page.keyboard.down("ArrowRight")
    page.wait_for_timeout(700)
    page.keyboard.up("ArrowRight")
    page.wait_for_function(f"y => Math.abs({viewer}.getYaw() - y) > 5", arg=start)
    shot(page, "panorama-viewer")
