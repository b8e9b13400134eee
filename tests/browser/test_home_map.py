"""The map of every project in Chromium: clusters, filters and search kept in the URL."""

from __future__ import annotations

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import Site
from tourbuilder.models import Team
from tourbuilder.services.demo_sites import add_synthetic_sites
from tourbuilder.services.demo_sites import TEAM_PREFIX

pytestmark = pytest.mark.browser

SYNTHETIC = 240


@pytest.fixture(scope="module")
def many_sites(live_server):
    """240 public sites over six countries, removed again after the module."""
    with live_server.app.app_context():
        add_synthetic_sites(SYNTHETIC)
        db.session.commit()
    yield
    with live_server.app.app_context():
        for team in db.session.query(Team).filter(Team.name.startswith(TEAM_PREFIX)):
            db.session.delete(team)
        db.session.commit()


def ready(page):
    page.wait_for_function("() => window.tourbuilderHome && window.tourbuilderHome.ready")
    return page.evaluate("() => window.tourbuilderHome.shown")


def test_clusters_then_filters_and_search_narrow_the_map(new_page, many_sites, shot):
    page = new_page()
    page.goto("/?lang=en")
    total = ready(page)
    with_demo = SYNTHETIC + 6
    assert total >= with_demo
    clusters = page.locator(".tb-cluster")
    assert clusters.count() >= 1  # 246 pins would be a wall: they are grouped
    counts = [int(t.replace(",", "")) for t in page.locator(".tb-cluster-count").all_inner_texts()]
    assert sum(counts) + page.locator(".tb-pin").count() == total
    shot(page, "home-clusters")

    # a cluster opens towards its points
    zoom = page.evaluate("() => Object.values(window.tourbuilderMaps)[0].map.getZoom()")
    page.locator(".tb-cluster").first.click()
    page.wait_for_function(
        "z => Object.values(window.tourbuilderMaps)[0].map.getZoom() > z", arg=zoom
    )

    # the country filter keeps Tunisia's sites only, says so and keeps it in the URL
    page.select_option("#filter-country", "TN")
    page.wait_for_function("n => window.tourbuilderHome.shown === n", arg=SYNTHETIC // 6)
    assert "country=TN" in page.url
    assert f"Projects shown: {SYNTHETIC // 6}" in page.locator("#map-count").inner_text()

    # search over names in every language, combined with the filter
    page.fill("#filter-q", "تعاونية 12")
    page.wait_for_function("() => window.tourbuilderHome.shown < 40")
    shown = page.evaluate("() => window.tourbuilderHome.shown")
    assert 0 < shown < SYNTHETIC // 6
    assert "q=" in page.url

    # the URL brings the same view back
    url = page.url
    again = new_page()
    again.goto(url)
    assert ready(again) is not None
    again.wait_for_function("n => window.tourbuilderHome.shown === n", arg=shown)
    assert again.locator("#filter-country").input_value() == "TN"

    # clearing the filters shows everything again
    page.click(".filter-reset")
    page.wait_for_function("n => window.tourbuilderHome.shown === n", arg=total)
    assert "country=" not in page.url


def test_draft_sites_are_never_on_the_map(new_page, live_server, many_sites):
    with live_server.app.app_context():
        site = db.session.query(Site).filter(Site.name["en"].as_string() == "Cooperative 7").one()
        site.visibility = "draft"
        hidden = site.id
        db.session.commit()
    try:
        page = new_page()
        page.goto("/?lang=en&q=Cooperative+7")
        ready(page)
        page.wait_for_function("() => window.tourbuilderHome.matches !== null")
        ids = page.evaluate("() => [...window.tourbuilderHome.matches]")
        assert hidden not in ids
        # nor in the layer the page's worker indexes
        layer = page.evaluate(
            "() => fetch(document.querySelector('link[rel=preload]').href).then(r => r.json())"
        )
        assert hidden not in [f["id"] for f in layer["features"]]
    finally:
        with live_server.app.app_context():
            db.session.get(Site, hidden).visibility = "public"
            db.session.commit()


def test_the_projects_show_before_the_layer_has_downloaded(new_page, many_sites):
    """On a slow connection the page's overview puts the projects on the map while the
    layer is still on its way; once it arrives, the filters answer."""
    page = new_page()
    held = []
    page.route("**/api/v1/sites.geojson*", lambda route: held.append(route))  # held back
    page.goto("/?lang=en")
    total = ready(page)
    assert total >= SYNTHETIC + 6
    assert held, "the layer was not asked for"
    assert page.evaluate("() => window.tourbuilderHome.loaded") is False
    counts = [int(t.replace(",", "")) for t in page.locator(".tb-cluster-count").all_inner_texts()]
    assert counts
    assert sum(counts) + page.locator(".tb-pin").count() == total

    # a group of the overview already opens towards its sites
    zoom = page.evaluate("() => Object.values(window.tourbuilderMaps)[0].map.getZoom()")
    page.locator(".tb-cluster").first.click()
    page.wait_for_function(
        "z => Object.values(window.tourbuilderMaps)[0].map.getZoom() > z", arg=zoom
    )

    for route in held:
        route.continue_()
    page.wait_for_function("() => window.tourbuilderHome.loaded")
    page.select_option("#filter-country", "TN")
    page.wait_for_function("n => window.tourbuilderHome.shown === n", arg=SYNTHETIC // 6)
    # the map now draws the index's groups: only Tunisia's sites remain
    counts = [int(t.replace(",", "")) for t in page.locator(".tb-cluster-count").all_inner_texts()]
    assert sum(counts) + page.locator(".tb-pin").count() <= SYNTHETIC // 6
