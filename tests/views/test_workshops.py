"""Workshop pages: create, facilitators, the programme two teams share, withdraw, the
reflections and their downloads, and who reaches what."""

from __future__ import annotations

import re

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import Role
from tourbuilder.models import Tour
from tourbuilder.models import TourVisibility
from tourbuilder.models import Workshop
from tourbuilder.services import reflections


@pytest.fixture
def teams(make):
    seville, amman = make.team(name="Seville coop"), make.team(name="Amman collective")
    return {
        "seville_admin": make.user(seville, Role.ADMIN),
        "seville_editor": make.user(seville, Role.EDITOR),
        "amman_admin": make.user(amman, Role.ADMIN),
        "organiser": make.user(seville, Role.FACILITATOR),
        "outsider": make.user(),
        "seville_tour": make.tour(seville, visibility=TourVisibility.WORKSHOP),
        "amman_tour": make.tour(amman),
        "draft": make.tour(amman, visibility=TourVisibility.DRAFT),
    }


def create(client, auth, teams) -> int:
    auth.login(teams["organiser"])
    response = client.post(
        "/workshops/new",
        data={"title": "Seville training", "starts_on": "2099-03-02", "place": "Seville",
              "language": "en", "notes": ""},
    )  # fmt: skip
    assert response.status_code == 303
    workshop_id = int(re.search(r"/workshops/(\d+)", response.location).group(1))
    response = client.post(
        f"/workshops/{workshop_id}/facilitators", data={"email": teams["outsider"].email}
    )
    assert response.status_code == 303
    auth.logout()
    return workshop_id


def share(client, auth, admin, tour, workshop_id):
    auth.login(admin)
    response = client.post(
        f"/teams/{tour.team_id}/tours/{tour.id}/workshops", data={"workshop": workshop_id}
    )
    auth.logout()
    return response


def test_two_teams_share_and_an_outside_facilitator_presents(app, client, auth, teams):
    workshop_id = create(client, auth, teams)
    seville, amman = teams["seville_tour"], teams["amman_tour"]
    share(client, auth, teams["seville_admin"], seville, workshop_id)
    share(client, auth, teams["amman_admin"], amman, workshop_id)

    auth.login(teams["outsider"])
    assert "Seville training" in client.get("/workshops?lang=en").get_data(as_text=True)
    page = client.get(f"/workshops/{workshop_id}?lang=en").get_data(as_text=True)
    present = [f"/tours/{t.slug}/present?workshop={workshop_id}" for t in (seville, amman)]
    assert page.index(present[0]) < page.index(present[1])
    # The workshop-only tour's page opens for the facilitator who belongs to no team.
    assert client.get(f"/tours/{seville.slug}").status_code == 200
    auth.logout()

    auth.login(teams["seville_admin"])
    publish_page = client.get(f"/teams/{seville.team_id}/tours/{seville.id}/publish?lang=en")
    assert "Seville training" in publish_page.get_data(as_text=True)
    client.post(f"/teams/{seville.team_id}/tours/{seville.id}/workshops/{workshop_id}/withdraw")
    auth.logout()

    auth.login(teams["outsider"])
    page = client.get(f"/workshops/{workshop_id}?lang=en").get_data(as_text=True)
    assert present[0] not in page and present[1] in page
    assert client.get(f"/tours/{seville.slug}").status_code == 404


def test_team_editors_cannot_share_and_drafts_are_refused(app, client, auth, teams):
    workshop_id = create(client, auth, teams)
    tour = teams["seville_tour"]
    auth.login(teams["seville_editor"])
    page = client.get(f"/teams/{tour.team_id}/tours/{tour.id}/publish?lang=en")
    assert "Share with this workshop" not in page.get_data(as_text=True)
    auth.logout()
    assert share(client, auth, teams["seville_editor"], tour, workshop_id).status_code == 403
    share(client, auth, teams["amman_admin"], teams["draft"], workshop_id)
    with app.app_context():
        assert db.session.get(Workshop, workshop_id).programme_entries == []


def test_only_facilitators_and_teams_of_shared_tours_see_a_workshop(app, client, auth, teams):
    workshop_id = create(client, auth, teams)
    auth.login(teams["amman_admin"])
    assert client.get(f"/workshops/{workshop_id}").status_code == 404
    auth.logout()
    share(client, auth, teams["amman_admin"], teams["amman_tour"], workshop_id)
    auth.login(teams["amman_admin"])
    assert client.get(f"/workshops/{workshop_id}").status_code == 200
    assert client.get(f"/workshops/{workshop_id}/edit").status_code == 403
    auth.logout()
    assert client.get(f"/workshops/{workshop_id}").status_code == 302  # sign in first


def test_editors_cannot_create_workshops(client, auth, teams):
    auth.login(teams["seville_editor"])
    assert "New workshop" not in client.get("/workshops?lang=en").get_data(as_text=True)
    assert client.get("/workshops/new").status_code == 403


def test_bad_dates_are_a_message_not_an_error(client, auth, teams):
    auth.login(teams["organiser"])
    response = client.post(
        "/workshops/new?lang=en",
        data={"title": "x", "starts_on": "2099-03-02", "ends_on": "2099-03-01", "language": "en"},
    )
    assert response.status_code == 422
    assert "cannot end before it starts" in response.get_data(as_text=True)
    assert "field-error" in response.get_data(as_text=True)
    response = client.post("/workshops/new?lang=en", data={"title": "x", "starts_on": "soon"})
    assert response.status_code == 200 and "field-error" in response.get_data(as_text=True)


def test_reflections_on_the_page_and_downloads(app, client, auth, teams):
    workshop_id = create(client, auth, teams)
    share(client, auth, teams["seville_admin"], teams["seville_tour"], workshop_id)
    share(client, auth, teams["amman_admin"], teams["amman_tour"], workshop_id)
    with app.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        seville = db.session.get(Tour, teams["seville_tour"].id)
        amman = db.session.get(Tour, teams["amman_tour"].id)
        reflections.add(workshop, seville, 1, "Seville thought", "Ana", "a")
        reflections.add(workshop, amman, 2, "=1+1 in Amman", "", "b")
        db.session.commit()

    auth.login(teams["outsider"])
    page = client.get(f"/workshops/{workshop_id}?lang=en").get_data(as_text=True)
    assert page.index("Seville thought") < page.index("=1+1 in Amman")
    csv_file = client.get(f"/workshops/{workshop_id}/reflections.csv")
    assert csv_file.mimetype == "text/csv"
    assert "attachment" in csv_file.headers["Content-Disposition"]
    assert "'=1+1 in Amman" in csv_file.get_data(as_text=True)
    markdown = client.get(f"/workshops/{workshop_id}/reflections.md").get_data(as_text=True)
    assert "> Seville thought — Ana" in markdown
    auth.logout()

    auth.login(teams["seville_editor"])
    page = client.get(f"/workshops/{workshop_id}?lang=en").get_data(as_text=True)
    assert "Seville thought" in page and "in Amman" not in page
    csv_text = client.get(f"/workshops/{workshop_id}/reflections.csv").get_data(as_text=True)
    assert "Seville thought" in csv_text and "in Amman" not in csv_text
    auth.logout()
    assert client.get(f"/workshops/{workshop_id}/reflections.csv").status_code == 302


def test_reorder_with_the_arrows(app, client, auth, teams):
    workshop_id = create(client, auth, teams)
    share(client, auth, teams["seville_admin"], teams["seville_tour"], workshop_id)
    share(client, auth, teams["amman_admin"], teams["amman_tour"], workshop_id)
    auth.login(teams["organiser"])
    amman = teams["amman_tour"]
    client.post(f"/workshops/{workshop_id}/programme/{amman.id}/move", data={"direction": "up"})
    page = client.get(f"/workshops/{workshop_id}?lang=en").get_data(as_text=True)
    assert page.index(f"/tours/{amman.slug}/present") < page.index(
        f"/tours/{teams['seville_tour'].slug}/present"
    )


def presentation_data(html: str) -> dict:
    import json

    found = re.search(r'id="presentation-data"[^>]*>(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_presentation_moves_through_the_programme(app, client, auth, teams):
    workshop_id = create(client, auth, teams)
    seville, amman = teams["seville_tour"], teams["amman_tour"]
    share(client, auth, teams["seville_admin"], seville, workshop_id)
    share(client, auth, teams["amman_admin"], amman, workshop_id)

    auth.login(teams["outsider"])
    first = client.get(f"/tours/{seville.slug}/present?workshop={workshop_id}")
    assert first.status_code == 200
    data = presentation_data(first.get_data(as_text=True))
    assert data["previous_tour"] is None
    assert data["next_tour"]["url"] == f"/tours/{amman.slug}/present?workshop={workshop_id}"
    assert data["next_tour"]["title"] == amman.text("title", "en")
    # the presenter view moves to the next tour's presenter view
    second = client.get(f"/tours/{amman.slug}/present/presenter?workshop={workshop_id}")
    data = presentation_data(second.get_data(as_text=True))
    assert data["next_tour"] is None
    assert data["previous_tour"]["url"] == (
        f"/tours/{seville.slug}/present/presenter?workshop={workshop_id}"
    )
    # without the workshop, no programme; a workshop that is not theirs is not found
    alone = presentation_data(client.get(f"/tours/{seville.slug}/present").get_data(as_text=True))
    assert alone["next_tour"] is None
    assert client.get(f"/tours/{seville.slug}/present?workshop=999999").status_code == 404
    assert client.get(f"/tours/{seville.slug}/present?workshop=x1").status_code == 404
    auth.logout()

    # once Amman withdraws its tour, Seville's presentation has nothing after it
    auth.login(teams["amman_admin"])
    client.post(f"/teams/{amman.team_id}/tours/{amman.id}/workshops/{workshop_id}/withdraw")
    auth.logout()
    auth.login(teams["outsider"])
    data = presentation_data(
        client.get(f"/tours/{seville.slug}/present?workshop={workshop_id}").get_data(as_text=True)
    )
    assert data["next_tour"] is None
    # a public tour: they see it, but may no longer present it
    assert client.get(f"/tours/{amman.slug}/present?workshop={workshop_id}").status_code == 403
