"""The sites pages: a team's list, the editor (picker text, languages side by side,
themes, website, visibility), deleting with confirmation; published sites on the map."""

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import Role
from tourbuilder.models import Site
from tourbuilder.models import SiteVisibility
from tourbuilder.models import Stop
from tourbuilder.models import Team


def themed_team(make, app):
    team = make.team(languages=["es", "en"])
    with app.app_context():
        row = db.session.get(Team, team.id)
        row.themes = [
            {"key": "local-food", "labels": {"es": "Alimentación local", "en": "Local food"}},
            {"key": "care", "labels": {"es": "Cuidados", "en": "Care"}},
        ]
        db.session.commit()
    return team


def get_site(app, site_id):
    with app.app_context():
        site = db.session.get(Site, site_id)
        db.session.expunge(site)
        return site


def post_site(client, team, **overrides):
    data = {
        "name-es": "Huerta Norte",
        "name-en": "North garden",
        "description-es": "Un huerto.",
        "position": "36°48'23.4\"N 10°10'53.4\"E",
        "website": "https://huerta.example.org",
        "contact": "hola@example.org",
        "themes": ["care"],
        "visibility": "public",
        **overrides,
    }
    return client.post(f"/teams/{team.id}/sites/new", data=data)


def test_an_editor_creates_a_public_site_that_reaches_the_map(app, client, auth, make):
    team = themed_team(make, app)
    auth.login(make.user(team, Role.EDITOR))
    response = post_site(client, team)
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        site = db.session.scalar(db.select(Site).where(Site.team_id == team.id))
        assert site.name == {"es": "Huerta Norte", "en": "North garden"}
        assert (round(site.lat, 4), round(site.lon, 4)) == (36.8065, 10.1815)
        assert site.themes == ["care"]
        assert site.visibility is SiteVisibility.PUBLIC
    listing = client.get(f"/teams/{team.id}/sites?lang=en").get_data(as_text=True)
    assert "North garden" in listing and "Care" in listing
    auth.logout()
    home = client.get("/?lang=en").get_data(as_text=True)
    assert "Care" in home  # a choice of the map's theme filter
    features = client.get("/api/v1/sites.geojson?lang=es").json["features"]
    mine = [f for f in features if f["properties"]["name"] == "Huerta Norte"]
    assert mine and mine[0]["properties"]["themes"] == ["Cuidados"]


def test_a_draft_site_stays_off_the_public_map(app, client, auth, make):
    team = themed_team(make, app)
    auth.login(make.user(team, Role.EDITOR))
    assert post_site(client, team, visibility="draft").status_code == 303
    auth.logout()
    assert "Huerta Norte" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("position", "message"),
    [
        ("", "Place the site on the map"),
        ("91, 10", "Latitude must be between -90 and 90."),
        ("36.8, 200", "Longitude must be between -180 and 180."),
        ("Tunis", "Write the latitude, then the longitude"),
        ("10.1 E 36.8 N", "The latitude&#39;s letter must be N or S."),
    ],
)
def test_bad_positions_are_explained_beside_the_field(app, client, auth, make, position, message):
    team = themed_team(make, app)
    auth.login(make.user(team, Role.EDITOR))
    response = post_site(client, team, position=position)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'value="North garden"' in page  # nothing typed is lost
    with app.app_context():
        assert db.session.scalar(db.select(Site).where(Site.team_id == team.id)) is None


def test_bad_website_name_and_theme_are_refused(app, client, auth, make):
    team = themed_team(make, app)
    auth.login(make.user(team, Role.EDITOR))
    page = post_site(client, team, website="javascript:alert(1)").get_data(as_text=True)
    assert "Write a web address starting with https://" in page
    response = post_site(client, team, **{"name-es": "", "name-en": "  "})
    assert response.status_code == 422
    assert "Give the site a name in at least one language." in response.get_data(as_text=True)
    response = post_site(client, team, themes=["not-a-theme"])
    assert response.status_code == 422
    assert "Unknown theme" in response.get_data(as_text=True)


def test_the_editor_shows_languages_side_by_side_interface_language_first(app, client, auth, make):
    team = themed_team(make, app)
    auth.login(make.user(team, Role.EDITOR))
    page = client.get(f"/teams/{team.id}/sites/new?lang=en").get_data(as_text=True)
    assert page.index('name="name-en"') < page.index('name="name-es"')
    assert "Name (English)" in page and "Name (Spanish)" in page
    assert 'lang="es" dir="auto"' in page
    assert "rounded to about 1 km and no address" in page
    page = client.get(f"/teams/{team.id}/sites/new?lang=es").get_data(as_text=True)
    assert page.index('name="name-es"') < page.index('name="name-en"')


def test_edit_keeps_and_changes_fields(app, client, auth, make):
    team = themed_team(make, app)
    site = make.site(team, themes=["old word"], approximate_location=False)
    auth.login(make.user(team, Role.EDITOR))
    page = client.get(f"/sites/{site.id}/edit?lang=en").get_data(as_text=True)
    assert "old word" in page  # a theme from before the list can be kept
    response = client.post(
        f"/sites/{site.id}/edit",
        data={
            "name-es": "Nuevo",
            "name-en": "",
            "position": "37.1, -5.9",
            "approximate_location": "y",
            "themes": ["old word", "local-food"],
            "visibility": "draft",
        },
    )
    assert response.status_code == 303
    saved = get_site(app, site.id)
    assert saved.name == {"es": "Nuevo"}
    assert (saved.lat, saved.lon) == (37.1, -5.9)
    assert saved.approximate_location is True
    assert saved.themes == ["old word", "local-food"]


def test_facilitators_and_other_teams_cannot_edit(app, client, auth, make):
    team = themed_team(make, app)
    site = make.site(team)
    auth.login(make.user(team, Role.FACILITATOR))
    assert client.get(f"/teams/{team.id}/sites").status_code == 200
    assert client.get(f"/teams/{team.id}/sites/new").status_code == 403
    assert client.post(f"/sites/{site.id}/edit", data={"name-es": "x"}).status_code == 403
    auth.logout()
    auth.login(make.user(make.team(), Role.ADMIN))
    assert client.get(f"/teams/{team.id}/sites").status_code == 404
    assert client.get(f"/sites/{site.id}/edit").status_code == 404
    assert client.post(f"/sites/{site.id}/delete").status_code == 404
    assert get_site(app, site.id).name["es"].startswith("Sitio")


def test_delete_asks_first_and_names_the_tours(app, client, auth, make):
    team = themed_team(make, app)
    site = make.site(team)
    tour = make.tour(team, stops=1)
    with app.app_context():
        stop = db.session.scalar(db.select(Stop).where(Stop.tour_id == tour.id))
        stop.site_id, stop.lat, stop.lon = site.id, None, None
        db.session.commit()
    auth.login(make.user(team, Role.EDITOR))
    page = client.get(f"/sites/{site.id}/delete?lang=en").get_data(as_text=True)
    assert "1 tour stops at this site" in page and "Tour " in page
    response = client.post(f"/sites/{site.id}/delete?lang=en", data={"delete": "1"})
    assert response.status_code == 409
    assert "cannot be deleted" in response.get_data(as_text=True)
    assert get_site(app, site.id) is not None
    other = make.site(team)
    assert client.post(f"/sites/{other.id}/delete", data={"delete": "1"}).status_code == 303
    with app.app_context():
        assert db.session.get(Site, other.id) is None


def test_the_team_page_links_to_sites(app, client, auth, make):
    team = themed_team(make, app)
    auth.login(make.user(team, Role.EDITOR))
    page = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert f"/teams/{team.id}/sites" in page
    assert f"/teams/{team.id}/settings" not in page  # editors have no settings link


def test_hostile_text_is_escaped_in_the_list_and_editor(app, client, auth, make):
    team = themed_team(make, app)
    hostile = '"><script>alert(1)</script>'
    site = make.site(team, name={"es": hostile}, contact=hostile)
    auth.login(make.user(team, Role.EDITOR))
    for url in (f"/teams/{team.id}/sites", f"/sites/{site.id}/edit"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in page


def test_a_stale_edit_is_refused_and_offers_to_reload(app, client, auth, make):
    team = themed_team(make, app)
    site = make.site(team)
    auth.login(make.user(team, Role.EDITOR))
    page = client.get(f"/sites/{site.id}/edit").get_data(as_text=True)
    assert f'name="version" value="{site.version}"' in page
    data = {"name-es": "Mío", "position": "37.1, -5.9", "visibility": "draft"}
    assert (
        client.post(f"/sites/{site.id}/edit", data={**data, "version": site.version}).status_code
        == 303
    )
    response = client.post(
        f"/sites/{site.id}/edit?lang=en", data={**data, "name-es": "Tarde", "version": site.version}
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else changed this site" in page and "Reload the site" in page
    assert 'value="Tarde"' in page  # what was typed is still there to copy
    assert get_site(app, site.id).name == {"es": "Mío"}
    response = client.post(
        f"/sites/{site.id}/delete", data={"delete": "1", "version": site.version}
    )
    assert response.status_code == 303
    assert get_site(app, site.id) is not None


def test_the_api_takes_theme_keys_and_answers_labels(app, client, auth, make):
    team = themed_team(make, app)
    auth.login(make.user(team, Role.EDITOR))
    body = {"team_id": team.id, "name": "Huerta", "lat": 36.8, "lon": 10.1}
    refused = client.post("/api/v1/sites", json={**body, "themes": ["Local food"]})
    assert refused.status_code == 422
    assert "Unknown theme" in str(refused.json)
    made = client.post("/api/v1/sites?lang=en", json={**body, "themes": ["local-food"]})
    assert made.status_code == 201
    assert made.json["themes"] == ["local-food"]
    assert made.json["theme_labels"] == ["Local food"]
    shown = client.get(f"/api/v1/sites/{made.json['id']}?lang=ar").json
    assert shown["theme_labels"] == ["Alimentación local"]  # the team's first language
