"""Team admins manage members; site administrators create teams."""

from tourbuilder.extensions import db
from tourbuilder.models import Membership
from tourbuilder.models import Role
from tourbuilder.models import Team
from tourbuilder.models import User


def role_of(app, user, team):
    with app.app_context():
        return db.session.get(User, user.id).role_in(team.id)


def test_admin_changes_a_role_and_removes_a_member(app, client, auth, make):
    team = make.team()
    admin = make.user(team, Role.ADMIN)
    editor = make.user(team, Role.EDITOR)
    auth.login(admin)
    page = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert f"/teams/{team.id}/members/{editor.id}" in page
    response = client.post(
        f"/teams/{team.id}/members/{editor.id}", data={"role": "facilitator", "save": "1"}
    )
    assert response.status_code == 303
    assert role_of(app, editor, team) is Role.FACILITATOR
    client.post(
        f"/teams/{team.id}/members/{editor.id}", data={"role": "facilitator", "remove": "1"}
    )
    assert role_of(app, editor, team) is None


def test_the_last_admin_stays(app, client, auth, make):
    team = make.team()
    admin = make.user(team, Role.ADMIN)
    auth.login(admin)
    response = client.post(
        f"/teams/{team.id}/members/{admin.id}",
        data={"role": "editor", "save": "1"},
        follow_redirects=True,
    )
    assert "at least one admin" in response.get_data(as_text=True)
    client.post(f"/teams/{team.id}/members/{admin.id}", data={"role": "admin", "remove": "1"})
    assert role_of(app, admin, team) is Role.ADMIN


def test_only_team_admins_manage_members(client, auth, make):
    team = make.team()
    editor = make.user(team, Role.EDITOR)
    other_admin = make.user(make.team(), Role.ADMIN)
    auth.login(editor)
    assert (
        client.post(
            f"/teams/{team.id}/members/{editor.id}", data={"role": "admin", "save": "1"}
        ).status_code
        == 403
    )
    auth.logout()
    auth.login(other_admin)
    assert (
        client.post(
            f"/teams/{team.id}/members/{editor.id}", data={"role": "admin", "save": "1"}
        ).status_code
        == 404
    )


def test_site_admin_creates_a_team(app, client, auth, make):
    boss = make.user(is_site_admin=True)
    auth.login(boss)
    assert "/teams/new" in client.get("/dashboard").get_data(as_text=True)
    response = client.post(
        "/teams/new",
        data={"name": "Cooperativa de Túnez", "country": "tn", "languages": "ar, fr, ar"},
    )
    assert response.status_code == 303
    with app.app_context():
        team = db.session.scalars(db.select(Team).filter_by(name="Cooperativa de Túnez")).one()
        assert team.country == "TN" and team.languages == ["ar", "fr"]
        assert (
            db.session.scalars(db.select(Membership).filter_by(team_id=team.id)).one().role
            is Role.ADMIN
        )
    again = client.post("/teams/new", data={"name": "Cooperativa de Túnez", "languages": "ar"})
    assert again.status_code == 200 and "exists" in again.get_data(as_text=True)
    bad = client.post("/teams/new", data={"name": "X", "languages": "arabic!"})
    assert bad.status_code == 200 and "language codes" in bad.get_data(as_text=True)


def test_others_cannot_create_teams(client, auth, make):
    assert client.get("/teams/new").status_code == 302
    auth.login(make.user(make.team(), Role.ADMIN))
    assert client.get("/teams/new").status_code == 403
