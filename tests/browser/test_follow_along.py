"""Follow-along in Chromium: a facilitator of a workshop (in no team) presents the demo
tour with the presenter view and the audience window; a phone-sized second context follows
the stops, browses away, comes back to the presenter, and sends a reflection that appears
in the presenter view and on the audience screen.

``TB_DOC_SHOTS=1`` saves the phone's screenshots (English and Arabic) to docs/screenshots.
"""

from __future__ import annotations

import csv
import io
import os
import re
from datetime import date
from functools import partial
from pathlib import Path

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import Membership
from tourbuilder.models import Role
from tourbuilder.models import Tour
from tourbuilder.models import User
from tourbuilder.services import commit
from tourbuilder.services import workshops
from tourbuilder.services.demo import DEMO_SLUG

from .conftest import sign_in as sign_in_as

pytestmark = pytest.mark.browser

PASSWORD = "follow along password"
PHONE = {"width": 390, "height": 844}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
sign_in = partial(sign_in_as, password=PASSWORD)


@pytest.fixture(scope="module")
def workshop(live_server):
    """A workshop the demo tour is shared with, facilitated by someone in no team."""
    app = live_server.app
    with app.app_context():
        tour = db.session.scalar(db.select(Tour).where(Tour.slug == DEMO_SLUG))
        admin = User(email="live-admin@example.org", name="Demo admin")
        facilitator = User(email="live-facilitator@example.org", name="Facilitator")
        for user in (admin, facilitator):
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.flush()
        db.session.add(Membership(user=admin, team_id=tour.team_id, role=Role.ADMIN))
        db.session.flush()
        held = workshops.create_workshop(admin, title="Formación", starts_on=date(2026, 12, 10))
        workshops.add_facilitator(held, facilitator.email)
        workshops.share_tour(held, tour, admin)
        commit()
        return {"id": held.id, "email": facilitator.email, "stops": len(tour.stops)}


def shown_stop(phone) -> int:
    return phone.evaluate("window.tourbuilderLive.shownStop")


def jump(audience, number: int) -> None:
    """Type a stop's number and Enter in the audience window, as a clicker's keypad would."""
    audience.bring_to_front()
    audience.locator("body").click(position={"x": 5, "y": 300})
    audience.keyboard.type(str(number))
    audience.keyboard.press("Enter")
    audience.wait_for_function(f"() => window.tourbuilderPresent.stop === {number}")


def test_a_phone_follows_browses_returns_and_reflects(new_page, workshop, live_server):
    presenter = new_page()
    sign_in(presenter, workshop["email"])
    presenter.goto(f"/tours/{DEMO_SLUG}/present/presenter?workshop={workshop['id']}")
    presenter.get_by_role("button", name="Start follow-along").click()
    code = presenter.locator("#presenter-live .live-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{6}", code)
    assert presenter.locator("#presenter-live img").get_attribute("src").endswith(f"{code}/qr.svg")

    audience = presenter.context.new_page()
    audience.goto(f"/tours/{DEMO_SLUG}/present?workshop={workshop['id']}")
    assert audience.locator("#present-live-qr .live-code").inner_text() == code

    phone = new_page(viewport=PHONE)
    phone.goto("/live")
    phone.fill("input[name=code]", code.lower())
    phone.get_by_role("button", name="Follow").click()
    phone.wait_for_url(f"**/live/{code}")
    phone.wait_for_function("() => window.tourbuilderLive.events >= 1")
    assert shown_stop(phone) == 0

    jump(audience, 2)
    phone.wait_for_function("() => window.tourbuilderLive.shownStop === 2")
    assert phone.locator(".live-stop[data-stop='2']").is_visible()
    assert phone.locator(".live-stop[data-stop='1']").is_hidden()
    assert phone.locator("[data-live-back]").is_hidden()
    if os.environ.get("TB_DOC_SHOTS") == "1":
        phone.wait_for_timeout(800)  # the stop's picture
        phone.screenshot(path=str(DOCS / "follow-along-en-390.png"))

    # the participant browses on: following pauses, the presenter moves on without them
    phone.get_by_role("button", name="Next").click()
    assert shown_stop(phone) == 3
    back = phone.locator("[data-live-back]")
    assert back.is_visible()
    jump(audience, 5)
    phone.wait_for_function("() => window.tourbuilderLive.presenterStop === 5")
    assert shown_stop(phone) == 3
    assert back.inner_text() == "Back to the presenter (stop 5)"
    back.click()
    assert shown_stop(phone) == 5 and back.is_hidden()
    assert phone.locator(".live-stop[data-stop='5']").is_visible()

    # a reflection from the phone reaches the presenter view, then the room's screen
    phone.fill("#reflect-body", "Me recuerda al huerto de mi barrio")
    assert phone.locator("[data-reflect-count]").inner_text() == "466 characters left"
    phone.fill("#reflect-name", "Lina")
    phone.get_by_role("button", name="Send").click()
    phone.get_by_text("Thank you: your reflection reached the presenter.").wait_for()
    item = presenter.locator(".live-reflections li").first
    item.get_by_text("Me recuerda al huerto de mi barrio").wait_for()
    assert "Stop 5" in item.inner_text() and "Lina" in item.inner_text()
    item.get_by_role("button", name="Show on screen").click()
    overlay = audience.locator("#present-reflection")
    overlay.wait_for(state="visible")
    assert "Me recuerda al huerto de mi barrio" in overlay.inner_text()

    # ... and into the workshop's export, under the tour and stop it was sent on
    exported = presenter.request.get(f"/workshops/{workshop['id']}/reflections.csv?lang=en")
    assert exported.ok and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text().lstrip("\ufeff"))))
    sent = [row for row in rows if "Me recuerda al huerto de mi barrio" in row.values()]
    assert len(sent) == 1, rows
    assert "Lina" in sent[0].values() and "5" in sent[0].values()

    if os.environ.get("TB_DOC_SHOTS") == "1":
        jump(audience, 1)
        arabic = new_page(viewport=PHONE, locale="ar")
        arabic.goto(f"/live/{code}?lang=ar")
        arabic.wait_for_function("() => window.tourbuilderLive.events >= 1")
        arabic.get_by_role("button", name=re.compile(".")).first.wait_for()
        arabic.locator(".live-nav [data-live-step='1']").click()  # browsing: the back button
        arabic.wait_for_timeout(800)
        assert arabic.locator("html").get_attribute("dir") == "rtl"
        arabic.screenshot(path=str(DOCS / "follow-along-ar-390.png"))
        presenter.locator("#presenter-live").screenshot(path=str(DOCS / "presenter-live-en.png"))

    # ending the session tells the phone, which keeps the tour open to read
    presenter.get_by_role("button", name="End follow-along").click()
    phone.wait_for_function("() => window.tourbuilderLive.ended === true")
    assert "The presentation has ended" in phone.locator("[data-live-status]").inner_text()
