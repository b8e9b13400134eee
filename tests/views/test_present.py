"""Presentation mode and the presenter view: who may present, what the pages hold (the
published version, no presenter notes for the room), and the offline contract (every
address from the caller, the data inlined)."""

import json
import re

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import Role
from tourbuilder.models import Tour
from tourbuilder.models import TourVisibility
from tourbuilder.services import presenting

NOTE = "Ask the room about the assembly"
PROMPT = "What would this need in your town?"


def page_data(html: str) -> dict:
    found = re.search(r'id="presentation-data">(.*?)</script>', html, re.S)
    return json.loads(found[1])


@pytest.fixture
def world(make, app):
    team = make.team(country="TN")
    public = make.tour(team, stops=3)
    draft = make.tour(team, stops=2, visibility=TourVisibility.DRAFT)
    with app.app_context():
        tour = db.session.get(Tour, public.id)
        tour.stops[0].presenter_notes = {"en": NOTE}
        tour.stops[0].discussion_prompts = {"en": PROMPT}
        db.session.commit()
    make.republish(public)
    return {
        "team": team,
        "public": public,
        "draft": draft,
        "admin": make.user(team, Role.ADMIN),
        "editor": make.user(team, Role.EDITOR),
        "facilitator": make.user(team, Role.FACILITATOR),
        "outsider": make.user(make.team(), Role.ADMIN),
        "site_admin": make.user(is_site_admin=True),
    }


@pytest.mark.parametrize("page", ["present", "present/presenter"])
@pytest.mark.parametrize(
    ("who", "tour", "status"),
    [
        ("admin", "public", 200),
        ("editor", "public", 200),
        ("facilitator", "public", 200),
        ("facilitator", "draft", 200),  # the team presents its draft
        ("site_admin", "draft", 200),
        ("outsider", "public", 403),  # sees the tour, may not present it
        ("outsider", "draft", 404),  # may not know it exists
    ],
)
def test_who_may_present(client, auth, world, page, who, tour, status):
    auth.login(world[who])
    assert client.get(f"/tours/{world[tour].slug}/{page}").status_code == status


@pytest.mark.parametrize("page", ["present", "present/presenter"])
def test_signed_out_people_are_sent_to_sign_in(client, world, page):
    response = client.get(f"/tours/{world['public'].slug}/{page}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_no_such_tour_is_404(client, auth, world):
    auth.login(world["editor"])
    assert client.get("/tours/no-such-tour/present").status_code == 404


def test_presenter_notes_only_in_the_presenter_view(client, auth, world):
    auth.login(world["facilitator"])
    slug = world["public"].slug
    audience = client.get(f"/tours/{slug}/present").get_data(as_text=True)
    presenter = client.get(f"/tours/{slug}/present/presenter").get_data(as_text=True)
    assert NOTE not in audience and PROMPT not in audience
    assert "notes" not in page_data(audience)["stops"][0]
    first = page_data(presenter)["stops"][0]
    assert (first["notes"], first["prompts"]) == (NOTE, PROMPT)
    # nor on the public page, nor in the API for people who may not present
    auth.logout()
    assert NOTE not in client.get(f"/tours/{slug}").get_data(as_text=True)
    stops = client.get(f"/api/v1/tours/{world['public'].id}/stops").get_data(as_text=True)
    assert NOTE not in stops and PROMPT not in stops


def test_the_room_sees_the_published_version(client, auth, app, world):
    with app.app_context():
        tour = db.session.get(Tour, world["public"].id)
        tour.title = {"en": "Unpublished new title"}
        db.session.commit()
    auth.login(world["editor"])
    html = client.get(f"/tours/{world['public'].slug}/present?lang=en").get_data(as_text=True)
    data = page_data(html)
    assert data["title"] != "Unpublished new title"
    assert "Unpublished new title" not in html
    assert data["draft"] is False and data["qr"].startswith("data:image/svg+xml;base64,")
    assert data["url"].endswith(f"/tours/{world['public'].slug}")


def test_a_draft_is_presented_as_the_draft_without_a_qr_code(client, auth, world):
    auth.login(world["editor"])
    data = page_data(client.get(f"/tours/{world['draft'].slug}/present").get_data(as_text=True))
    assert data["draft"] is True
    assert data["qr"] == "" and data["url"] == ""  # nobody outside could open it
    assert [s["number"] for s in data["stops"]] == [1, 2]


def test_page_data_for_the_scripts(client, auth, world):
    auth.login(world["editor"])
    slug = world["public"].slug
    html = client.get(f"/tours/{slug}/present?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    data = page_data(html)
    assert data["channel"] == f"tourbuilder-present-{slug}"
    assert data["country"] == "TN" and data["country_name"] == "تونس"
    assert data["next_tour"] is None and data["previous_tour"] is None
    assert data["pages"] == {
        "audience": f"/tours/{slug}/present",
        "presenter": f"/tours/{slug}/present/presenter",
        "exit": f"/tours/{slug}",
    }
    assert [(s["number"], s["zoom"]) for s in data["stops"]] == [(1, 16), (2, 16), (3, 16)]
    assert data["labels"]["position"] != "Stop %(num)s of %(total)s"  # in Arabic
    # the empty slots the follow-along and workshop code fill
    assert '<div id="present-live-qr"></div>' in html
    presenter = client.get(f"/tours/{slug}/present/presenter").get_data(as_text=True)
    assert '<section id="presenter-live"></section>' in presenter


def test_content_language_is_the_usual_choice(client, auth, app, make, world):
    with app.app_context():
        tour = db.session.get(Tour, world["public"].id)
        tour.stops[1].title = {"en": "Garden", "es": "Huerto"}
        db.session.commit()
    make.republish(world["public"])
    auth.login(world["editor"])
    slug = world["public"].slug
    spanish = page_data(client.get(f"/tours/{slug}/present?content=es").get_data(as_text=True))
    english = page_data(client.get(f"/tours/{slug}/present?content=en").get_data(as_text=True))
    assert (spanish["stops"][1]["title"], english["stops"][1]["title"]) == ("Huerto", "Garden")
    assert spanish["stops"][1]["title_lang"] == "es"


def test_hostile_titles_stay_inside_the_data(client, auth, app, world):
    hostile = "</script><script>alert(1)</script>${alert(2)}"
    with app.app_context():
        tour = db.session.get(Tour, world["draft"].id)
        tour.stops[0].title = {"en": hostile}
        db.session.commit()
    auth.login(world["editor"])
    html = client.get(f"/tours/{world['draft'].slug}/present").get_data(as_text=True)
    assert hostile not in html
    assert page_data(html)["stops"][0]["title"] == hostile


def test_the_pack_can_render_with_relative_addresses(app, world):
    """The offline contract: every address comes from PresentUrls; nothing absolute."""
    urls = presenting.PresentUrls(
        static=lambda path: "static/" + path,
        media=lambda item, name: f"media/{item.id}/{name}",
        tiles_template="tiles/{z}/{x}/{y}.png",
        page=lambda name: {"audience": "index.html", "presenter": "presenter.html"}.get(name, ""),
    )
    with app.test_request_context("/"), app.app_context():
        tour = db.session.get(Tour, world["public"].id)
        shown = presenting.shown_version(tour)
        for presenter in (False, True):
            html = presenting.render_presentation(
                shown, lang="es", interface_lang="fr", urls=urls, presenter=presenter,
                public_url="https://tours.example.org/tours/x",
            )  # fmt: skip
            addresses = re.findall(r'(?:src|href)="([^"]*)"', html)
            assert addresses and all(not a.startswith(("/", "http")) for a in addresses), addresses
            assert "nonce=" not in html
            data = page_data(html)
            assert data["pages"]["presenter"] == "presenter.html"
            assert 'lang="fr"' in html  # the interface language asked for
        spanish = presenting.render_presentation(shown, lang="es", urls=urls)
        assert "tiles/{z}/{x}/{y}.png" in spanish
        assert '<html lang="es" dir="ltr">' in spanish  # the interface follows the content


@pytest.mark.parametrize(("who", "shown"), [("facilitator", True), ("outsider", False)])
def test_the_tour_page_links_to_presentation_mode_for_presenters(client, auth, world, who, shown):
    auth.login(world[who])
    html = client.get(f"/tours/{world['public'].slug}").get_data(as_text=True)
    assert (f'href="/tours/{world["public"].slug}/present"' in html) is shown
