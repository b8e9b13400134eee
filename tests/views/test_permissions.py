"""Every HTML route of the signed-in side, for every kind of actor."""

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import Consent
from tourbuilder.models import Invitation
from tourbuilder.models import Role
from tourbuilder.models import Team
from tourbuilder.models import User
from tourbuilder.models import utcnow
from tourbuilder.services.demo import draw_photo
from tourbuilder.services.demo import store_demo_photo

ACTORS = ["anonymous", "other_editor", "facilitator", "editor", "team_admin", "site_admin"]


@pytest.fixture
def world(app, make):
    team = make.team()
    other = make.team()
    people = {
        "other_editor": make.user(other, Role.EDITOR),
        "facilitator": make.user(team, Role.FACILITATOR),
        "editor": make.user(team, Role.EDITOR),
        "team_admin": make.user(team, Role.ADMIN),
        "site_admin": make.user(is_site_admin=True),
    }
    from datetime import timedelta

    with app.app_context():
        inv, _ = Invitation.create(
            db.session.get(type(team), team.id),
            Role.EDITOR,
            db.session.get(User, people["team_admin"].id),
            utcnow() + timedelta(days=1),
        )
        db.session.add(inv)
        photo = store_demo_photo(db.session.get(Team, team.id), draw_photo("x", (9, 9, 9), 1), "x")
        photo.consent = Consent.NOT_YET  # not publishable: members only
        db.session.commit()
        invitation_id, item_id = inv.id, photo.id
    return {"team": team, "people": people, "invitation_id": invitation_id, "item": item_id}


# (method, url, data) -> expected status per actor
ROUTES = {
    ("GET", "/dashboard"): dict(
        anonymous=302, other_editor=200, facilitator=200, editor=200, team_admin=200, site_admin=200
    ),
    ("GET", "/teams/{team}"): dict(
        anonymous=302, other_editor=404, facilitator=200, editor=200, team_admin=200, site_admin=200
    ),
    ("POST", "/teams/{team}/invitations"): dict(
        anonymous=302, other_editor=404, facilitator=403, editor=403, team_admin=200, site_admin=200
    ),
    ("POST", "/teams/{team}/invitations/{invitation}/revoke"): dict(
        anonymous=302, other_editor=404, facilitator=403, editor=403, team_admin=303, site_admin=303
    ),
}


@pytest.mark.parametrize("route", list(ROUTES), ids=lambda r: f"{r[0]} {r[1]}")
@pytest.mark.parametrize("actor", ACTORS)
def test_route_permissions(client, auth, world, route, actor):
    method, template = route
    url = template.format(
        team=world["team"].id, invitation=world["invitation_id"], item=world["item"]
    )
    if actor != "anonymous":
        auth.login(world["people"][actor])
    data = {"role": "editor", "consent": "no_people", "media_ids": [str(world["item"])]}
    data = data if method == "POST" else None
    response = client.open(url, method=method, data=data)
    assert response.status_code == ROUTES[route][actor]


def test_team_page_of_unknown_id_is_404_for_everyone(client, auth, world):
    auth.login(world["people"]["editor"])
    assert client.get("/teams/987654").status_code == 404


def test_only_admins_see_the_invitation_form(client, auth, world):
    auth.login(world["people"]["editor"])
    page = client.get(f"/teams/{world['team'].id}").get_data(as_text=True)
    assert "Create invitation link" not in page
    auth.logout()
    auth.login(world["people"]["team_admin"])
    page = client.get(f"/teams/{world['team'].id}").get_data(as_text=True)
    assert "Create invitation link" in page
