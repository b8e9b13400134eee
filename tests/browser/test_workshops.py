"""The workshop page in Chromium: a facilitator creates a workshop and names an outside
facilitator, two teams' admins share their tours from their publishing pages, the outside
facilitator (in no team) finds the programme in order, reorders it with the keyboard and
downloads the reflections; a team withdraws its tour and it leaves the programme."""

from __future__ import annotations

from functools import partial

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import Membership
from tourbuilder.models import Role
from tourbuilder.models import Team
from tourbuilder.models import Tour
from tourbuilder.models import User
from tourbuilder.models import Workshop
from tourbuilder.services import commit
from tourbuilder.services import reflections
from tourbuilder.services.demo import DEMO_SLUG
from tourbuilder.services.demo_workshop import create_tunis_tour

from .conftest import sign_in as sign_in_as

PASSWORD = "workshop page password"
sign_in = partial(sign_in_as, password=PASSWORD)


@pytest.fixture(scope="module")
def people(live_server):
    """The Tunis demo team and tour beside Seville's, and four people: a facilitator of the
    Seville team (organiser), each team's admin, and an outside facilitator in no team."""
    app = live_server.app
    with app.app_context():
        seville = db.session.scalar(db.select(Tour).where(Tour.slug == DEMO_SLUG))
        tunis = create_tunis_tour()
        commit()
        found = {"seville": (seville.team_id, seville.id, seville.slug),
                 "tunis": (tunis.team_id, tunis.id, tunis.slug)}  # fmt: skip
        roles = {
            "organiser@ws.example": (seville.team_id, Role.FACILITATOR),
            "seville-admin@ws.example": (seville.team_id, Role.ADMIN),
            "tunis-admin@ws.example": (tunis.team_id, Role.ADMIN),
            "outsider@ws.example": (None, None),
        }
        for email, (team_id, role) in roles.items():
            user = User(email=email, name=email.split("@")[0].title())
            user.set_password(PASSWORD)
            db.session.add(user)
            if team_id:
                db.session.add(Membership(user=user, team=db.session.get(Team, team_id), role=role))
        commit()
    return found


def share(page, team_id, tour_id, title):
    page.goto(f"/teams/{team_id}/tours/{tour_id}/publish?lang=en")
    page.get_by_label("Workshop", exact=True).select_option(label=f"{title} · Seville · 2099-05-04")
    with page.expect_navigation():
        page.get_by_role("button", name="Share with this workshop").click()
    assert page.locator("#workshops .shares li", has_text=title).count() == 1


def programme(page) -> list[str]:
    links = page.locator(".programme a.button.primary")
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


def test_two_teams_share_with_a_workshop_and_an_outsider_presents(
    new_page, live_server, people, tmp_path
):
    title = "Mediterranean exchange"
    organiser = new_page()
    sign_in(organiser, "organiser@ws.example", "en")
    organiser.get_by_role("navigation", name="Main").get_by_role("link", name="Workshops").click()
    organiser.get_by_role("link", name="New workshop").click()
    organiser.get_by_label("Title").fill(title)
    organiser.get_by_label("Starts on").fill("2099-05-04")
    organiser.get_by_label("Place").fill("Seville")
    organiser.get_by_role("button", name="Save the workshop").click()
    organiser.wait_for_url("**/workshops/*")
    workshop_url = organiser.url.split("#")[0]
    organiser.get_by_label("Email of their account").fill("outsider@ws.example")
    with organiser.expect_navigation():
        organiser.get_by_role("button", name="Add a facilitator").click()
    assert organiser.locator(".facilitators li", has_text="Outsider").count() == 1

    for team, email in (
        ("seville", "seville-admin@ws.example"),
        ("tunis", "tunis-admin@ws.example"),
    ):
        admin = new_page()
        sign_in(admin, email, "en")
        team_id, tour_id, _slug = people[team]
        share(admin, team_id, tour_id, title)

    workshop_id = int(workshop_url.rstrip("/").rsplit("/", 1)[1])
    with live_server.app.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        tunis = db.session.get(Tour, people["tunis"][1])
        reflections.add(workshop, tunis, 2, "=Guides trained here", "Salma", "phone-1")
        commit()

    outsider = new_page()
    sign_in(outsider, "outsider@ws.example", "en")
    outsider.goto(workshop_url + "?lang=en")
    seville_slug, tunis_slug = people["seville"][2], people["tunis"][2]
    assert programme(outsider) == [
        f"/tours/{seville_slug}/present?workshop={workshop_id}",
        f"/tours/{tunis_slug}/present?workshop={workshop_id}",
    ]
    assert outsider.locator(".reflections li", has_text="Guides trained here").count() == 1

    # The outsider presents the programme: past Seville's end slide, the clicker moves the
    # room and the presenter view on to Tunis's tour together.
    presenter = outsider.context.new_page()
    presenter.goto(f"/tours/{seville_slug}/present/presenter?workshop={workshop_id}&lang=en")
    audience = outsider.context.new_page()
    audience.goto(f"/tours/{seville_slug}/present?workshop={workshop_id}&lang=en")
    audience.wait_for_function("() => window.tourbuilderPresent && window.tourbuilderPresent.ready")
    audience.locator("body").click(position={"x": 5, "y": 300})
    audience.keyboard.press("End")
    with audience.expect_navigation(), presenter.expect_navigation():
        audience.keyboard.press("PageDown")
    assert f"/tours/{tunis_slug}/present?workshop={workshop_id}" in audience.url
    assert f"/tours/{tunis_slug}/present/presenter?workshop={workshop_id}" in presenter.url
    presenter.close()
    audience.close()

    # Reorder with the keyboard: focus the first tour's "Move down" and press Enter.
    outsider.get_by_role("button", name="Move down").first.focus()
    with outsider.expect_navigation():
        outsider.keyboard.press("Enter")
    assert [href.split("/")[2] for href in programme(outsider)] == [tunis_slug, seville_slug]

    with outsider.expect_download() as download_info:
        outsider.get_by_role("link", name="Download CSV").click()
    path = tmp_path / "reflections.csv"
    download_info.value.save_as(path)
    text = path.read_text(encoding="utf-8-sig")
    assert download_info.value.suggested_filename.endswith(".csv")
    assert f"{tunis_slug},Solidarity medina,2,Dar Lasram," in text
    assert "Salma,'=Guides trained here" in text

    # Seville's admin withdraws: the tour leaves the outsider's programme at once.
    admin = new_page()
    sign_in(admin, "seville-admin@ws.example", "en")
    admin.goto(f"/teams/{people['seville'][0]}/tours/{people['seville'][1]}/publish?lang=en")
    share_row = admin.locator("#workshops li", has_text=title)
    with admin.expect_navigation():
        share_row.get_by_role("button", name="Withdraw").click()
    assert admin.locator("#workshops .shares li", has_text=title).count() == 0
    outsider.reload()
    assert [href.split("/")[2] for href in programme(outsider)] == [tunis_slug]
