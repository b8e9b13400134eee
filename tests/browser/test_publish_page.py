"""The publishing page in Chromium: the check as links, the buttons, keyboard focus, in
English and Arabic (right to left), at phone and laptop sizes."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import MediaItem
from tourbuilder.models import Membership
from tourbuilder.models import Role
from tourbuilder.models import Team
from tourbuilder.models import Tour
from tourbuilder.models import User
from tourbuilder.services import commit
from tourbuilder.services import publishing
from tourbuilder.services import tours
from tourbuilder.services.demo import DEMO_SLUG

from .conftest import sign_in as sign_in_as

# TB_DOC_SHOTS=1 refreshes the pictures in docs/screenshots; otherwise they go to /tmp.
SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("TB_DOC_SHOTS") == "1"
    else Path("/tmp/tb-shots")
)
SIZES = {"1366x768": {"width": 1366, "height": 768}, "390x844": {"width": 390, "height": 844}}
PASSWORD = "publish page password"


@pytest.fixture(scope="module")
def workshop_tour(live_server):
    """A workshop tour of the demo team, published, whose draft then lost a stop's place and
    shows a photo without alt text; and an editor of the team."""
    app = live_server.app
    with app.app_context():
        demo = db.session.scalar(db.select(Tour).where(Tour.slug == DEMO_SLUG))
        team = db.session.get(Team, demo.team_id)
        photos = [link.media for stop in demo.stops[:2] for link in stop.media_links]
        tour = tours.create_tour(
            team, {"es": "Taller del mercado", "en": "Market workshop"}, languages=["es", "en"]
        )
        for stop in demo.stops[:2]:
            tours.add_stop(tour, site_id=stop.site_id, title=dict(stop.title),
                           media_ids=[link.media_id for link in stop.media_links])  # fmt: skip
        publishing.publish(tour, "workshop")
        bare = MediaItem(team_id=team.id, kind="photo", status="ready", consent="no_people",
                         original_name="stall.jpg", sha256="fe" * 32)  # fmt: skip
        db.session.add(bare)
        db.session.flush()
        tours.update_stop(tour, tour.stops[1].id, site_id=None,
                          media_ids=[photos[1].id, bare.id])  # fmt: skip
        user = User(email="publisher@example.org", name="Publisher")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(user=user, team=team, role=Role.EDITOR))
        commit()
        return {"team": team.id, "tour": tour.id, "email": user.email}


sign_in = partial(sign_in_as, password=PASSWORD)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_publish_page_lists_problems_as_links(new_page, workshop_tour, lang, size):
    page = new_page(viewport=SIZES[size])
    sign_in(page, workshop_tour["email"])
    url = f"/teams/{workshop_tour['team']}/tours/{workshop_tour['tour']}/publish?lang={lang}"
    page.goto(url)
    problems = page.locator(".problems li")
    assert problems.count() == 2  # the stop without a place, the photo without alt text
    codes = [problems.nth(i).get_attribute("data-code") for i in range(problems.count())]
    assert codes == ["stop_without_place", "media_without_alt_text"]
    links = [problems.nth(i).locator("a").get_attribute("href") for i in range(2)]
    assert links[0].endswith("/edit#stop-" + problems.nth(0).get_attribute("data-stop-id"))
    assert f"/teams/{workshop_tour['team']}/media#item-" in links[1]
    assert page.locator("input[name=publish]").is_disabled()
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.tagName")
    assert focused in ("A", "SELECT", "INPUT", "BUTTON")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"publish-check-{lang}-{size}.png"), scale="css")
