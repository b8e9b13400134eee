"""The Content-Security-Policy in a real Chromium: every kind of page works under it, with
no violation reported (a blocked script, style or picture would be one)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tourbuilder.extensions import db
from tourbuilder.models import Membership
from tourbuilder.models import Role
from tourbuilder.models import Site
from tourbuilder.models import SiteVisibility
from tourbuilder.models import Team
from tourbuilder.models import User
from tourbuilder.services.demo import DEMO_TEAM

pytestmark = pytest.mark.browser
PASSWORD = "checking the policy"
# Recorded before any page script runs (an init script is the browser's, not the page's).
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${where}`);
});
"""


@pytest.fixture(scope="module")
def editor(live_server):
    with live_server.app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == DEMO_TEAM))
        site = db.session.scalar(
            select(Site).where(Site.team_id == team.id, Site.visibility == SiteVisibility.PUBLIC)
        )
        user = db.session.scalar(select(User).where(User.email == "policy@example.org"))
        if user is None:
            user = User(email="policy@example.org", name="Policy check")
            user.set_password(PASSWORD)
            db.session.add_all([user, Membership(user=user, team=team, role=Role.EDITOR)])
            db.session.commit()
        return {"email": user.email, "team_id": team.id, "site_id": site.id}


def violations(page) -> list[str]:
    return page.evaluate("window.cspViolations")


def test_pages_work_under_the_policy(new_page, editor, tile_server):
    page = new_page()
    page.context.add_init_script(RECORD_VIOLATIONS)
    seen = {}
    for path in ["/?lang=en", "/tours/sevilla-solidaria", f"/sites/{editor['site_id']}"]:
        page.goto(path)
        page.wait_for_selector(".leaflet-tile-loaded")  # a tile from the tile server drawn
        seen[path] = violations(page)

    page.goto("/login")
    seen["/login"] = violations(page)
    page.fill("input[name=email]", editor["email"])
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form").locator("input[type=submit], button[type=submit]").click()
    page.wait_for_url("**/dashboard")

    library = f"/teams/{editor['team_id']}/media"
    page.goto(library)
    page.wait_for_selector(".uppy-Dashboard")  # Uppy drew its uploader
    seen[library] = violations(page)

    # the language menu: choosing changes nothing until its button (WCAG 3.2.2)
    page.select_option("#lang-select", "es")
    page.wait_for_timeout(300)
    assert "lang=es" not in page.url
    page.locator(".language-menu button[type=submit]").click()
    page.wait_for_url("**lang=es")
    assert page.locator("html").get_attribute("lang") == "es"
    seen["language menu"] = violations(page)

    assert seen == {path: [] for path in seen}
