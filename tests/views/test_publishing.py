"""The tour's publishing page: the check as links, the three buttons, the preview banner."""

from __future__ import annotations

import re

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import Role
from tourbuilder.models import Tour
from tourbuilder.models import TourPublication


@pytest.fixture
def editor_tour(make, auth):
    team = make.team()
    tour = make.tour(team, stops=2)  # published (public) by the factory
    auth.login(make.user(team, Role.EDITOR))
    return team, tour


def page_url(team, tour) -> str:
    return f"/teams/{team.id}/tours/{tour.id}/publish"


def test_page_lists_problems_as_links_to_their_fix(app, client, editor_tour):
    team, tour = editor_tour
    with app.app_context():
        stop = db.session.get(Tour, tour.id).stops[1]
        stop.lat = stop.lon = None
        stop_id = stop.id
        db.session.commit()
    page = client.get(page_url(team, tour) + "?lang=en").get_data(as_text=True)
    assert f'href="/tours/{tour.slug}/edit#stop-{stop_id}"' in page
    assert "has no place on the map" in page
    (button,) = re.findall(r'<input[^>]*name="publish"[^>]*>', page)
    assert " disabled " in button
    assert "The draft has changes the public does not see yet." in page


def test_publish_discard_and_unpublish_buttons(app, client, editor_tour):
    team, tour = editor_tour
    url = page_url(team, tour)
    page = client.get(url + "?lang=en").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page)
    version = (
        version.group(1)
        if version
        else re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    )

    published = client.post(
        url, data={"visibility": "unlisted", "publish": "1", "version": version}
    )
    assert published.status_code == 303
    with app.app_context():
        assert db.session.get(Tour, tour.id).visibility.value == "unlisted"
    stale = client.post(url, data={"unpublish": "1", "version": version})  # drawn before
    assert stale.status_code == 303
    assert "Someone changed the tour" in client.get(url + "?lang=en").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(TourPublication, tour.id) is not None

    assert client.post(url, data={"unpublish": "1"}).status_code == 303
    with app.app_context():
        assert db.session.get(Tour, tour.id).visibility.value == "draft"
        assert db.session.get(TourPublication, tour.id) is None


def test_a_refused_publication_shows_the_problems(app, client, editor_tour):
    team, tour = editor_tour
    with app.app_context():
        for stop in list(db.session.get(Tour, tour.id).stops):
            db.session.delete(stop)
        db.session.commit()
    refused = client.post(
        page_url(team, tour) + "?lang=en", data={"visibility": "public", "publish": "1"}
    )
    assert refused.status_code == 409
    assert "The tour has no stops yet." in refused.get_data(as_text=True)
    public = client.get(f"/tours/{tour.slug}?version=published&lang=en").get_data(as_text=True)
    assert public.count('class="stop"') == 2  # the public keeps the published version


def test_only_editors_of_the_team(client, make, auth, editor_tour):
    team, tour = editor_tour
    auth.logout()
    auth.login(make.user(team, Role.FACILITATOR))
    assert client.get(page_url(team, tour)).status_code == 403
    auth.logout()
    auth.login(make.user(make.team(), Role.EDITOR))
    assert client.get(page_url(team, tour)).status_code == 404


def test_tour_page_shows_the_team_a_preview_banner(app, client, make, editor_tour):
    team, tour = editor_tour
    with app.app_context():
        db.session.get(Tour, tour.id).stops[0].title = {"en": "Changed in the draft"}
        db.session.commit()
    draft = client.get(f"/tours/{tour.slug}?lang=en").get_data(as_text=True)
    assert "Changed in the draft" in draft and "changes the public does not see yet" in draft
    assert f'href="/teams/{team.id}/tours/{tour.id}/publish"' in draft
    published = client.get(f"/tours/{tour.slug}?lang=en&version=published").get_data(as_text=True)
    assert "Changed in the draft" not in published and "as the public sees it" in published
    client.post("/logout")
    public = client.get(f"/tours/{tour.slug}?lang=en").get_data(as_text=True)
    assert "Changed in the draft" not in public and "preview-banner" not in public
