"""axe-core scans of the public pages, the sign-in page and an error page, in English and
Arabic, on a phone and a laptop: no violation of impact "serious" or "critical".

axe-core is a pinned dev dependency (package.json ``devDependencies``): it is injected from
node_modules into the page under test and never vendored or served by the app.
See docs/frontend.md ("Accessibility checks").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tourbuilder.extensions import db
from tourbuilder.models import Site
from tourbuilder.models import SiteVisibility

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# Rules switched off, each because it judges markup we cannot change. None today: the
# Leaflet controls, markers and popups are fixed in static/js/map.js instead.
DISABLED: dict[str, str] = {}


@pytest.fixture(scope="module")
def site_path(live_server):
    with live_server.app.app_context():
        site = db.session.scalar(
            select(Site).where(Site.visibility == SiteVisibility.PUBLIC).order_by(Site.id)
        )
        return f"/sites/{site.id}"


PAGES = {
    "home": "/",
    "tour": "/tours/sevilla-solidaria",
    "site": None,  # the first public demo site
    "login": "/login",
    "not-found": "/no-such-page",
}


def settle(page, name: str) -> None:
    """Wait for what the scripts draw: the map's markers, the home map's clusters."""
    if name == "home":
        page.wait_for_function("() => window.tourbuilderHome && window.tourbuilderHome.loaded")
    if name in ("home", "tour", "site"):
        page.wait_for_selector(".leaflet-marker-icon")
    page.wait_for_load_state("networkidle")


def open_popup(page, name: str) -> None:
    """Open a project's popup (on the home page, with the card fetched for it)."""
    page.locator(".tb-pin").first.click()
    ready = ".tb-popup-link" if name == "home" else ".tb-popup-title"
    page.locator(f".leaflet-popup {ready}").wait_for()
    page.wait_for_load_state("networkidle")


def scan(page, within: str | None = None) -> list[dict]:
    """axe-core's violations on the page as it is, or within one element (the context
    bypasses the page's CSP so the test may add axe's script tag; the app's own scripts
    are unchanged)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async ([tags, disabled, within]) => {
            const rules = Object.fromEntries(disabled.map(id => [id, {enabled: false}]));
            const context = within ? {include: [within]} : document;
            const options = {runOnly: {type: 'tag', values: tags}, rules};
            const result = await axe.run(context, options);
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(' ')).slice(0, 8),
                summary: (v.nodes[0] || {}).failureSummary || '',
            }));
        }""",
        [TAGS, list(DISABLED), within],
    )


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n    at {', '.join(v['targets'])}"
        f"\n    {v['summary'].replace(chr(10), ' ')}"
        for v in violations
    )


@pytest.mark.skipif(not AXE.exists(), reason="node_modules/axe-core is absent: run make setup")
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violation(new_page, site_path, name, lang, size):
    page = new_page(viewport=SIZES[size], locale=lang, bypass_csp=True)
    path = PAGES[name] or site_path
    response = page.goto(f"{path}?lang={lang}")
    assert response.status == (404 if name == "not-found" else 200)
    if name == "not-found":  # the page itself answering 404 is what we asked for
        page.watch.errors[:] = [e for e in page.watch.errors if "404 (NOT FOUND)" not in e]
    settle(page, name)
    violations = scan(page)
    print(f"{path} ({lang}, {size}):\n{describe(violations)}")  # all of them, for people
    if name in ("home", "site"):  # and the popup, once opened (it covers some markers)
        open_popup(page, name)
        violations += scan(page, within=".leaflet-popup")
        print(describe(violations))
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, f"{path} ({lang}, {size}):\n{describe(serious)}"


def test_the_scan_finds_a_planted_violation(new_page):
    """The scan sees what it should: an unlabelled button on a real page is reported."""
    page = new_page(bypass_csp=True)
    page.goto("/login?lang=en")
    page.evaluate(
        "() => document.querySelector('main').appendChild(document.createElement('button'))"
    )
    ids = {v["id"] for v in scan(page) if v["impact"] in ("serious", "critical")}
    assert "button-name" in ids


def test_every_pin_on_the_home_map_can_be_seen_and_hit(new_page):
    """Each project's pin shows its dot (one shared icon once left all but the last
    empty), and no two pins overlap so far that one hides the other (WCAG 2.5.8)."""
    page = new_page(viewport=SIZES["phone"])
    page.goto("/?lang=en")
    settle(page, "home")
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('.tb-pin')].map(pin => {
            const r = pin.getBoundingClientRect();
            const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
            return {x: r.x + r.width / 2, y: r.y + r.height / 2,
                    dot: !!pin.querySelector('.tb-pin-dot'), hit: !!hit && pin.contains(hit)};
        })"""
    )
    assert len(boxes) >= 2
    assert all(b["dot"] and b["hit"] for b in boxes), boxes
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5 >= 24, boxes
