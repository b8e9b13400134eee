"""A person's own account page."""

import re

from tourbuilder.extensions import db
from tourbuilder.models import ApiToken
from tourbuilder.models import Role
from tourbuilder.models import User


def test_profile_name_and_language(app, client, auth, make):
    user = make.user(make.team(), Role.EDITOR)
    auth.login(user)
    assert client.get("/account").status_code == 200
    response = client.post("/account/profile", data={"name": "Amal", "language": "ar"})
    assert response.status_code == 303
    page = client.get("/account").get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in page
    with app.app_context():
        saved = db.session.get(User, user.id)
        assert saved.name == "Amal" and saved.language == "ar"
    assert client.post("/account/profile", data={"name": "A", "language": "xx"}).status_code == 400


def test_password_change_needs_the_current_password(app, client, auth, make):
    user = make.user()
    auth.login(user)
    wrong = client.post(
        "/account/password",
        data={
            "current": "not it at all",
            "new": "a brand new password",
            "confirm": "a brand new password",
        },
    )
    assert wrong.status_code == 400 and "not your current password" in wrong.get_data(as_text=True)
    short = client.post(
        "/account/password",
        data={"current": "correct horse battery", "new": "short", "confirm": "short"},
    )
    assert short.status_code == 400
    ok = client.post(
        "/account/password",
        data={
            "current": "correct horse battery",
            "new": "a brand new password",
            "confirm": "a brand new password",
        },
    )
    assert ok.status_code == 303
    auth.logout()
    assert auth.login(user, "correct horse battery").status_code == 401
    assert auth.login(user, "a brand new password").status_code == 302


def test_tokens_are_shown_once_work_and_can_be_revoked(app, client, auth, make):
    user = make.user(is_site_admin=True)
    auth.login(user)
    page = client.post("/account/tokens", data={"token-name": "field laptop"})
    page = page.get_data(as_text=True)
    token = re.search(r'value="(tb_[^"]+)"', page).group(1)
    assert "field laptop" in page
    assert token not in client.get("/account").get_data(as_text=True)  # shown once
    headers = {"Authorization": f"Bearer {token}"}
    auth.logout()
    assert client.get("/api/v1/media", headers=headers).status_code == 200
    auth.login(user)
    with app.app_context():
        token_id = db.session.scalars(db.select(ApiToken)).one().id
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 303
    auth.logout()
    assert client.get("/api/v1/media", headers=headers).status_code == 401


def test_nobody_revokes_someone_elses_token(app, client, auth, make):
    owner = make.user()
    with app.app_context():
        row, _ = ApiToken.create(db.session.get(User, owner.id), "x")
        db.session.add(row)
        db.session.commit()
        token_id = row.id
    auth.login(make.user())
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 404
    auth.logout()
    assert client.get("/account").status_code == 302


def form_fields(page: str, action: str) -> dict[str, str]:
    """The named inputs of the form posting to ``action``, as a browser would send them."""
    form = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', page, re.S).group(0)
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="submit"' not in tag:
            fields[name.group(1)] = value.group(1) if value else ""
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option[^>]*value="([^"]*)"[^>]*selected', options)
        fields[name] = chosen.group(1) if chosen else ""
    return fields


def test_creating_a_token_leaves_the_persons_name_alone(app, client, auth, make):
    """The token's label once appeared in "Your name" (both forms had a field ``name`` and
    the page filled every form from the POST), and the next profile save renamed the
    person to it."""
    user = make.user(make.team(), Role.EDITOR, name="Amal Haddad")
    auth.login(user)
    page = client.post("/account/tokens", data={"token-name": "field laptop"})
    page = page.get_data(as_text=True)
    profile = form_fields(page, "/account/profile")
    assert profile["name"] == "Amal Haddad"
    assert form_fields(page, "/account/tokens")["token-name"] == ""
    assert page.count('id="name"') == 1  # one field per id: labels point at the right one
    assert client.post("/account/profile", data=profile).status_code == 303
    with app.app_context():
        assert db.session.get(User, user.id).name == "Amal Haddad"


def test_a_refused_profile_leaves_the_token_form_empty(client, auth, make):
    auth.login(make.user(make.team(), Role.EDITOR))
    page = client.post("/account/profile", data={"name": "", "language": ""})
    assert page.status_code == 400
    assert form_fields(page.get_data(as_text=True), "/account/tokens")["token-name"] == ""
