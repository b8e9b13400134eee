"""Team settings: only team admins; name, languages, default map view, translatable themes
(add, rename per language, remove, asking first when sites use one)."""

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import Role
from tourbuilder.models import Site
from tourbuilder.models import Team
from tourbuilder.services import team_settings
from tourbuilder.services.errors import Conflict
from tourbuilder.services.errors import InvalidValue


def team_row(app, team_id):
    with app.app_context():
        team = db.session.get(Team, team_id)
        db.session.expunge(team)
        return team


@pytest.mark.parametrize("role", [Role.EDITOR, Role.FACILITATOR])
def test_only_admins_change_settings(app, client, auth, make, role):
    team = make.team()
    auth.login(make.user(team, role))
    assert client.get(f"/teams/{team.id}/settings").status_code == 403
    response = client.post(f"/teams/{team.id}/settings", data={"name": "Taken over"})
    assert response.status_code == 403
    assert (
        client.post(f"/teams/{team.id}/settings/themes", data={"label-es": "x"}).status_code == 403
    )
    assert team_row(app, team.id).name == team.name
    assert team_row(app, team.id).themes == []


def test_other_teams_see_nothing(app, client, auth, make):
    team = make.team()
    auth.login(make.user(make.team(), Role.ADMIN))
    assert client.get(f"/teams/{team.id}/settings").status_code == 404


def test_admin_saves_name_languages_and_map_view(app, client, auth, make):
    team = make.team(languages=["es", "en"])
    auth.login(make.user(team, Role.ADMIN))
    page = client.get(f"/teams/{team.id}/settings?lang=en").get_data(as_text=True)
    assert "Default map view" in page and "data-position-picker" in page
    response = client.post(
        f"/teams/{team.id}/settings",
        data={
            "name": "Equipo Túnez",
            "languages": "ar, fr, en",
            "view": "36.8, 10.18",
            "zoom": "11",
        },
    )
    assert response.status_code == 303
    saved = team_row(app, team.id)
    assert saved.name == "Equipo Túnez"
    assert saved.languages == ["ar", "fr", "en"]
    assert saved.map_view == (36.8, 10.18, 11)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"languages": ""}, "Use language codes separated by commas."),
        ({"languages": "es, english"}, "Use language codes separated by commas."),
        ({"view": "95, 10"}, "Latitude must be between -90 and 90."),
        ({"view": "here"}, "Write the latitude, then the longitude"),
        ({"zoom": "40"}, "The zoom must be between 1 and 19."),
        ({"zoom": "big"}, "The zoom must be between 1 and 19."),
        ({"name": "  "}, "Give the team a name."),
    ],
)
def test_bad_settings_are_explained_and_nothing_changes(app, client, auth, make, data, message):
    team = make.team(languages=["es", "en"])
    auth.login(make.user(team, Role.ADMIN))
    form = {"name": team.name, "languages": "es, en", "view": "", "zoom": "12", **data}
    response = client.post(f"/teams/{team.id}/settings?lang=en", data=form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert team_row(app, team.id).languages == ["es", "en"]


def test_a_taken_team_name_is_refused(app, client, auth, make):
    other = make.team()
    team = make.team()
    auth.login(make.user(team, Role.ADMIN))
    form = {"name": other.name, "languages": "es", "view": "", "zoom": "12"}
    response = client.post(f"/teams/{team.id}/settings?lang=en", data=form)
    assert response.status_code == 422
    assert "Another team has this name." in response.get_data(as_text=True)


def test_themes_are_added_renamed_and_removed_asking_first(app, client, auth, make):
    team = make.team(languages=["es", "en"])
    auth.login(make.user(team, Role.ADMIN))
    url = f"/teams/{team.id}/settings/themes"
    assert (
        client.post(url, data={"label-es": "Alimentación local", "label-en": ""}).status_code == 303
    )
    saved = team_row(app, team.id)
    assert saved.themes == [{"key": "alimentacion-local", "labels": {"es": "Alimentación local"}}]
    key = saved.themes[0]["key"]
    response = client.post(
        f"{url}/{key}",
        data={"action": "rename", "label-es": "Comida local", "label-en": "Local food"},
    )
    assert response.status_code == 303
    saved = team_row(app, team.id)
    assert saved.themes[0] == {"key": key, "labels": {"es": "Comida local", "en": "Local food"}}
    assert saved.theme_label(key, "en") == "Local food"
    assert saved.theme_label(key, "ar") == "Comida local"  # the team's first language
    site = make.site(team, themes=[key])
    response = client.post(f"{url}/{key}?lang=en", data={"action": "remove"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert (
        "1 site uses this theme" in page and "Remove the theme from the list and the sites" in page
    )
    assert team_row(app, team.id).themes  # still there
    response = client.post(f"{url}/{key}", data={"action": "remove", "force": "1"})
    assert response.status_code == 303
    assert team_row(app, team.id).themes == []
    with app.app_context():
        assert db.session.get(Site, site.id).themes == []


def test_an_unused_theme_goes_without_asking(app, client, auth, make):
    team = make.team()
    auth.login(make.user(team, Role.ADMIN))
    client.post(f"/teams/{team.id}/settings/themes", data={"label-en": "Care"})
    response = client.post(f"/teams/{team.id}/settings/themes/care", data={"action": "remove"})
    assert response.status_code == 303
    assert team_row(app, team.id).themes == []
    assert (
        client.post(f"/teams/{team.id}/settings/themes/nope", data={"action": "remove"}).status_code
        == 404
    )


def test_a_theme_needs_a_label(app, client, auth, make):
    team = make.team()
    auth.login(make.user(team, Role.ADMIN))
    response = client.post(f"/teams/{team.id}/settings/themes?lang=en", data={"label-es": " "})
    assert response.status_code == 422
    assert "Give the theme a name in at least one language" in response.get_data(as_text=True)


def test_theme_keys_are_stable_and_unique(app, make):
    team = make.team(languages=["ar", "en"])
    with app.app_context():
        row = db.session.get(Team, team.id)
        first = team_settings.add_theme(row, {"ar": "رعاية"})
        second = team_settings.add_theme(row, {"ar": "غذاء"})
        third = team_settings.add_theme(row, {"ar": "تعاونية", "en": "Co-operative!"})
        fourth = team_settings.add_theme(row, {"en": "co-operative"})
        assert (first, second, third, fourth) == (
            "theme",
            "theme-2",
            "co-operative",
            "co-operative-2",
        )
        team_settings.rename_theme(row, third, {"en": "Cooperatives"})
        assert row.theme_keys() == ["theme", "theme-2", "co-operative", "co-operative-2"]
        with pytest.raises(InvalidValue):
            team_settings.add_theme(row, {"en": "x" * 61})
        site = Site(team=row, name={"en": "A"}, lat=1, lon=1, themes=[first])
        db.session.add(site)
        db.session.flush()
        with pytest.raises(Conflict):
            team_settings.remove_theme(row, first)
        assert team_settings.remove_theme(row, first, force=True) == 1
        assert site.themes == []
