"""Public pages kept for anonymous readers (tourbuilder/page_cache.py): a change shows on
the next request, the team's draft never reaches the public, languages and CSP nonces do
not mix; and a tour page costs a fixed number of queries, however many stops it has."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event
from sqlalchemy import select

from tourbuilder import page_cache
from tourbuilder.extensions import db
from tourbuilder.models import Consent
from tourbuilder.models import MediaItem
from tourbuilder.models import MediaKind
from tourbuilder.models import MediaStatus
from tourbuilder.models import Role
from tourbuilder.models import Site
from tourbuilder.models import SiteVisibility
from tourbuilder.models import Stop
from tourbuilder.models import StopMedia
from tourbuilder.models import Team
from tourbuilder.models import Tour
from tourbuilder.models import TourVisibility
from tourbuilder.models import User
from tourbuilder.services import publishing

from .conftest import PASSWORD

NONCE = re.compile(r'<script nonce="([^"]+)">')


def page(client, url: str, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def change(app, tour_id: int, edit, publish: bool = True) -> None:
    """``edit(tour)`` the draft and publish it, as the publishing page does."""
    with app.app_context():
        tour = db.session.get(Tour, tour_id)
        edit(tour)
        if publish:
            publishing.publish(tour, tour.visibility)
        db.session.commit()


def retitle(number: int, title: dict):
    def edit(tour):
        tour.stops[number - 1].title = title

    return edit


@pytest.fixture
def team_tour(make):
    team = make.team()
    editor = make.user(team, role=Role.EDITOR)
    tour = make.tour(team, stops=2)
    return team, editor, tour


def test_publishing_a_change_shows_on_the_next_anonymous_request(app, client, team_tour):
    _team, _editor, tour = team_tour
    url = f"/tours/{tour.slug}?lang=en"
    assert "Stop 1" in page(client, url)
    assert "Stop 1" in page(client, url)  # kept

    change(app, tour.id, retitle(1, {"en": "The washhouse"}))
    html = page(client, url)
    assert "The washhouse" in html and "Stop 1<" not in html

    # an edit of the draft alone changes nothing for the public
    change(app, tour.id, retitle(1, {"en": "Unpublished idea"}), publish=False)
    assert "Unpublished idea" not in page(client, url)

    # discarding puts the draft back; the public page stays the published one
    with app.app_context():
        publishing.discard_changes(db.session.get(Tour, tour.id))
        db.session.commit()
    assert "The washhouse" in page(client, url)

    with app.app_context():
        publishing.unpublish(db.session.get(Tour, tour.id))
        db.session.commit()
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("visibility", [TourVisibility.WORKSHOP, TourVisibility.DRAFT])
def test_a_tour_taken_off_the_web_is_not_served_from_the_cache(app, client, team_tour, visibility):
    _team, _editor, tour = team_tour
    url = f"/tours/{tour.slug}"
    page(client, url)
    page(client, url + "/stops/2")
    with app.app_context():
        publishing.change_visibility(db.session.get(Tour, tour.id), visibility)
        db.session.commit()
    assert client.get(url).status_code == 404
    assert client.get(url + "/stops/2").status_code == 404


def test_team_site_and_media_changes_show_on_the_next_request(app, client, make, team_tour):
    team, _editor, tour = team_tour
    site = make.site(team, visibility=SiteVisibility.PUBLIC, name={"en": "Old market"})
    with app.app_context():
        stop = db.session.scalar(select(Stop).where(Stop.tour_id == tour.id, Stop.position == 0))
        stop.title, stop.site_id = {}, site.id
        item = MediaItem(
            team_id=team.id, kind=MediaKind.PHOTO, status=MediaStatus.READY,
            consent=Consent.NO_PEOPLE, sha256="kept", alt_text={"en": "Kept photo"},
            derivatives={"640.jpg": {"key": "k/640.jpg", "mime": "image/jpeg", "width": 640}},
        )  # fmt: skip
        db.session.add(item)
        db.session.flush()
        db.session.add(StopMedia(stop_id=stop.id, media_id=item.id, position=0))
        db.session.commit()
        item_id = item.id
    make.republish(tour)
    url = f"/tours/{tour.slug}?lang=en"
    html = page(client, url)
    assert "Old market" in html and 'alt="Kept photo"' in html

    with app.app_context():
        db.session.get(Site, site.id).name = {"en": "New market"}
        db.session.get(Team, team.id).name = "Renamed team"
        db.session.commit()
    html = page(client, url)
    assert "New market" in html and "Old market" not in html and "Renamed team" in html

    with app.app_context():  # consent withdrawn: the photo leaves the public page at once
        db.session.get(MediaItem, item_id).consent = Consent.NOT_YET
        db.session.commit()
    assert f"/media/{item_id}/" not in page(client, url)


def test_the_teams_draft_never_reaches_the_public(app, client, auth, team_tour):
    _team, editor, tour = team_tour
    change(app, tour.id, retitle(1, {"en": "Draft only"}), publish=False)
    url = f"/tours/{tour.slug}?lang=en"
    public = app.test_client()

    assert "Draft only" not in page(public, url)  # the public's page is kept first
    auth.login(editor)
    member = page(client, url)
    assert "Draft only" in member and "preview-banner" in member
    assert "Draft only" not in page(public, url)  # and the team's page is never kept
    auth.logout()
    html = page(client, url)
    assert "Draft only" not in html and "preview-banner" not in html
    assert "Edit this tour" not in html


def test_language_variants_do_not_mix(client, make):
    team = make.team(languages=["es", "en"])
    tour = make.tour(team, stops=1, title={"es": "Ruta del agua", "en": "Water trail"})
    url = f"/tours/{tour.slug}"
    for _ in range(2):  # the second time from the cache
        spanish = page(client, url + "?lang=es&content=es")
        english = page(client, url + "?lang=en&content=en")
        mixed = page(client, url + "?lang=es&content=en")
        assert "Ruta del agua" in spanish and "Water trail" not in spanish
        assert "Water trail" in english and "Ruta del agua" not in english
        assert '<html lang="es"' in spanish and '<html lang="en"' in english
        assert "Water trail" in mixed and '<html lang="es"' in mixed
    # a new reader (no session) whose browser asks for Spanish gets Spanish
    fresh = client.application.test_client()
    assert "Ruta del agua" in page(fresh, url, **{"Accept-Language": "es"})
    fresh = client.application.test_client()
    assert "Water trail" in page(fresh, url, **{"Accept-Language": "en"})
    for _ in range(2):
        spanish, english = page(client, "/?lang=es"), page(client, "/?lang=en")
        assert "Proyectos de economía social" in spanish and "solidarity" not in spanish
        assert "Social and solidarity economy" in english and "Proyectos" not in english


def test_each_response_has_its_own_nonce(client, team_tour):
    _team, _editor, tour = team_tour
    seen = set()
    for url in (f"/tours/{tour.slug}", f"/tours/{tour.slug}", "/", "/"):
        response = client.get(url)
        nonces = set(NONCE.findall(response.get_data(as_text=True)))
        assert len(nonces) == 1
        (nonce,) = nonces
        assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
        assert nonce not in seen
        seen.add(nonce)


def test_home_shows_a_newly_published_tour_on_the_next_request(app, client, team_tour):
    _team, _editor, tour = team_tour
    with app.app_context():
        publishing.unpublish(db.session.get(Tour, tour.id))
        db.session.commit()
    assert f"/tours/{tour.slug}" not in page(client, "/")
    with app.app_context():
        publishing.publish(db.session.get(Tour, tour.id), TourVisibility.PUBLIC)
        db.session.commit()
    assert f"/tours/{tour.slug}" in page(client, "/")
    change(app, tour.id, lambda t: setattr(t, "title", {"en": "Retitled", "es": "Otra"}))
    assert "Retitled" in page(client, "/?lang=en")


def add_stops(app, make, team, tour_id: int, count: int) -> None:
    """``count`` stops, each at its own public site with two publishable photos."""
    with app.app_context():
        tour = db.session.get(Tour, tour_id)
        for n in range(count):
            site = Site(team_id=team.id, name={"en": f"Site {n}"}, lat=37.0, lon=-5.0 + n / 100,
                        visibility=SiteVisibility.PUBLIC)  # fmt: skip
            stop = Stop(title={"en": f"Place {n}"}, site=site)
            for m in range(2):
                item = MediaItem(
                    team_id=team.id, kind=MediaKind.PHOTO, status=MediaStatus.READY,
                    consent=Consent.NO_PEOPLE, sha256=f"{tour_id}-{n}-{m}",
                    derivatives={"640.jpg": {"key": "k", "mime": "image/jpeg", "width": 640}},
                )  # fmt: skip
                stop.media_links.append(StopMedia(media=item))
            tour.stops.append(stop)
        db.session.commit()


def count_queries(app, client, url: str) -> int:
    with app.app_context():
        engine = db.engine
    statements = []

    def counted(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", counted)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return len(statements)


def test_a_tour_page_costs_the_same_queries_for_3_or_12_stops(app, client, auth, make):
    team = make.team()
    editor = make.user(team, role=Role.EDITOR)
    counts = {}
    for size in (3, 12):
        tour = make.tour(team, stops=0)
        add_stops(app, make, team, tour.id, size)
        make.republish(tour)
        url = f"/tours/{tour.slug}?lang=en"
        with app.app_context():
            page_cache.clear()
        public = app.test_client()
        first = count_queries(app, public, url)  # rendered
        again = count_queries(app, public, url)  # kept
        member = app.test_client()
        with app.app_context():
            email = db.session.get(User, editor.id).email
        member.post("/login", data={"email": email, "password": PASSWORD})
        counts[size] = (first, again, count_queries(app, member, url))
        assert f"Place {size - 1}" in page(member, url)
    assert counts[3] == counts[12], counts
    first, again, member = counts[12]
    assert again < first and again <= 4, counts
    assert first <= 12 and member <= 16, counts


def test_a_new_public_address_shows_without_a_restart(app, client, team_tour):
    """Pages print PUBLIC_URL (share links, embed snippets): a changed setting is a new page."""
    _team, _editor, tour = team_tour
    url = f"/tours/{tour.slug}?lang=en"
    assert "https://tours.example.org" not in page(client, url)
    app.config["PUBLIC_URL"] = "https://tours.example.org"
    try:
        assert f"https://tours.example.org/tours/{tour.slug}" in page(client, url)
    finally:
        app.config["PUBLIC_URL"] = ""
    assert "https://tours.example.org" not in page(client, url)


def test_a_site_page_is_kept_until_the_site_its_photos_or_its_tours_change(app, client, make):
    team = make.team()
    site = make.site(team, visibility=SiteVisibility.PUBLIC, name={"en": "Old market"})
    with app.app_context():
        item = MediaItem(
            team_id=team.id, kind=MediaKind.PHOTO, status=MediaStatus.READY, site_id=site.id,
            consent=Consent.NO_PEOPLE, sha256="site-kept", alt_text={"en": "Market photo"},
            derivatives={"640.jpg": {"key": "k/640.jpg", "mime": "image/jpeg", "width": 640}},
        )  # fmt: skip
        db.session.add(item)
        db.session.commit()
        item_id = item.id
        page_cache.clear()
    url = f"/sites/{site.id}?lang=en"
    first = count_queries(app, client, url)
    again = count_queries(app, client, url)  # kept: the site and the versions only
    assert again < first and again <= 5, (first, again)
    html = page(client, url)
    assert "Old market" in html and 'alt="Market photo"' in html

    with app.app_context():
        db.session.get(Site, site.id).name = {"en": "New market"}
        db.session.commit()
    assert "New market" in page(client, url)

    with app.app_context():  # consent withdrawn: the photo leaves the page at once
        db.session.get(MediaItem, item_id).consent = Consent.NOT_YET
        db.session.commit()
    assert f"/media/{item_id}/" not in page(client, url)

    # a tour published with a stop here is listed on the next request
    tour = make.tour(team, stops=1, title={"en": "Market walk"})
    with app.app_context():
        db.session.scalar(select(Stop).where(Stop.tour_id == tour.id)).site_id = site.id
        db.session.commit()
    make.republish(tour)
    assert "Market walk" in page(client, url)

    with app.app_context():  # taken off the web: gone at once
        db.session.get(Site, site.id).visibility = SiteVisibility.DRAFT
        db.session.commit()
    assert client.get(url).status_code == 404
