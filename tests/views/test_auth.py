import hashlib
import re
from datetime import timedelta

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import Invitation
from tourbuilder.models import Role
from tourbuilder.models import User
from tourbuilder.models import utcnow

from ..conftest import AuthActions
from ..conftest import PASSWORD


def test_login_logout(client, auth, make):
    user = make.user()
    response = auth.login(user)
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    assert client.get("/dashboard").status_code == 200
    auth.logout()
    assert client.get("/dashboard").status_code == 302


@pytest.mark.parametrize("password", ["wrong password", ""])
def test_login_refused_with_wrong_password(client, auth, make, password):
    user = make.user()
    response = auth.login(user, password=password)
    assert response.status_code in (200, 401)
    assert client.get("/dashboard").status_code == 302


def test_inactive_user_cannot_sign_in(client, auth, make):
    user = make.user(active=False)
    auth.login(user)
    assert client.get("/dashboard").status_code == 302


# Query strings as an attacker writes them in a link to /login (raw, already URL-encoded).
HOSTILE_NEXT = [
    "////evil.example",
    "///evil.example",
    "//evil.example/",
    "/\\evil.example",
    "/%5Cevil.example",
    "https://evil.example/",
    "https:evil.example",
    "HTTPS://evil.example",
    "/%2F%2Fevil.example",
    "/%252F%252Fevil.example",
    "%09//evil.example",
    "/%09/evil.example",
    "/%0A/evil.example",
    "%20//evil.example",
    "javascript:alert(1)",
    "java%0Ascript:alert(1)",
    "evil.example",
    "",
]
GOOD_NEXT = {
    "/account": "/account",
    "/teams/1/media?q=market%2520stall": "/teams/1/media?q=market%20stall",
    "/teams/1?tab=members%26lang=es": "/teams/1?tab=members&lang=es",
    "%2Fteams%2F1%3Flang%3Des": "/teams/1?lang=es",
    "/tours/sevilla-solidaria%23stop-2": "/tours/sevilla-solidaria#stop-2",
}


def test_login_ignores_offsite_next(client, make):
    """Whatever ``next`` says, a browser following the redirect stays on this site."""
    user = make.user()
    followed = []
    for raw in HOSTILE_NEXT:
        response = client.post(
            f"/login?next={raw}", data={"email": user.email, "password": PASSWORD}
        )
        assert response.status_code == 302, raw
        if response.headers["Location"] != "/dashboard":
            followed.append((raw, response.headers["Location"]))
        # already signed in: the same rule
        again = client.get(f"/login?next={raw}").headers["Location"]
        if again != "/dashboard":
            followed.append((raw, again))
        client.post("/logout")
    assert followed == [], followed


def test_login_follows_same_site_next(client, make):
    user = make.user()
    for raw, location in GOOD_NEXT.items():
        response = client.post(
            f"/login?next={raw}", data={"email": user.email, "password": PASSWORD}
        )
        assert response.status_code == 302 and response.headers["Location"] == location, raw
        client.post("/logout")


def test_password_is_hashed(app, make):
    user = make.user()
    with app.app_context():
        stored = db.session.get(User, user.id).password_hash
    assert "correct horse" not in stored and stored.startswith(("scrypt:", "pbkdf2:"))


def test_session_cookie_flags(client, auth, make):
    response = auth.login(make.user())
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_forms_need_csrf_token(app, client, make):
    app.config["WTF_CSRF_ENABLED"] = True
    user = make.user()
    response = client.post(
        "/login", data={"email": user.email, "password": "correct horse battery"}
    )
    assert response.status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login",
        data={"email": user.email, "password": "correct horse battery", "csrf_token": token},
    )
    assert response.status_code == 302


def _invite(client, auth, team, admin, role="editor"):
    auth.login(admin)
    page = client.post(f"/teams/{team.id}/invitations", data={"role": role, "email": ""})
    assert page.status_code == 200
    link = re.search(r'value="(http://localhost/invite/[^"]+)"', page.get_data(as_text=True))
    auth.logout()
    return link.group(1).removeprefix("http://localhost")


def test_invitation_creates_account_with_role(app, client, auth, make):
    team = make.team()
    admin = make.user(team, Role.ADMIN)
    path = _invite(client, auth, team, admin, role="facilitator")
    assert client.get(path).status_code == 200
    response = client.post(
        path,
        data={
            "name": "Amira",
            "email": "Amira@Example.org",
            "password": "a long enough password",
            "confirm": "a long enough password",
        },
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200  # signed in as the new account
    with app.app_context():
        user = db.session.scalars(db.select(User).filter_by(email="amira@example.org")).one()
        assert user.role_in(team.id) is Role.FACILITATOR
    # the link works once
    client.post("/logout")
    assert client.get(path).status_code == 410


def test_existing_user_joins_through_link(app, client, auth, make):
    team = make.team()
    admin = make.user(team, Role.ADMIN)
    other = make.user(make.team())
    path = _invite(client, auth, team, admin)
    auth.login(other)
    assert client.post(path).status_code == 302
    with app.app_context():
        assert db.session.get(User, other.id).role_in(team.id) is Role.EDITOR


def test_expired_and_revoked_invitations_refused(app, client, make):
    team = make.team()
    admin = make.user(team, Role.ADMIN)
    with app.app_context():
        old, old_token = Invitation.create(
            team, Role.EDITOR, db.session.get(User, admin.id), utcnow() - timedelta(minutes=1)
        )
        revoked, revoked_token = Invitation.create(
            team, Role.EDITOR, db.session.get(User, admin.id), utcnow() + timedelta(days=1)
        )
        revoked.revoked_at = utcnow()
        db.session.add_all([db.session.merge(old), db.session.merge(revoked)])
        db.session.commit()
    assert client.get(f"/invite/{old_token}").status_code == 410
    assert client.get(f"/invite/{revoked_token}").status_code == 410
    assert client.get("/invite/not-a-token").status_code == 404


def test_invitation_token_is_not_stored(app, client, auth, make):
    team = make.team()
    admin = make.user(team, Role.ADMIN)
    path = _invite(client, auth, team, admin)
    token = path.rsplit("/", 1)[1]
    with app.app_context():
        inv = db.session.scalars(db.select(Invitation)).one()
        assert inv.token_hash != token and token not in inv.token_hash


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def replay(app, cookie: str):
    """A second browser that was handed a copy of the session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def test_logout_ends_a_copied_session(app, client, auth, make):
    auth.login(make.user())
    copied = session_cookie(client)
    assert replay(app, copied).get("/account").status_code == 200
    auth.logout()
    response = replay(app, copied).get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_logout_ends_the_sessions_on_every_device(app, make):
    user = make.user()
    laptop, phone = app.test_client(), app.test_client()
    for device in (laptop, phone):
        AuthActions(device).login(user)
        assert device.get("/account").status_code == 200
    AuthActions(phone).logout()
    assert laptop.get("/account").status_code == 302
    AuthActions(laptop).login(user)  # signing in again works
    assert laptop.get("/account").status_code == 200


def test_password_change_ends_other_sessions_but_not_its_own(app, client, auth, make):
    user = make.user()
    other_device = app.test_client()
    AuthActions(other_device).login(user)
    auth.login(user)
    copied = session_cookie(client)
    response = client.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "new": "a brand new password",
            "confirm": "a brand new password",
        },
    )
    assert response.status_code == 303
    assert client.get("/account").status_code == 200  # the session that changed it goes on
    assert other_device.get("/account").status_code == 302
    assert replay(app, copied).get("/account").status_code == 302


@pytest.fixture
def hashing(monkeypatch):
    """Every password hash computed (werkzeug's pbkdf2 calls, with their iterations)."""
    calls = []
    real = hashlib.pbkdf2_hmac

    def counted(name, password, salt, iterations, *args, **kwargs):
        calls.append((name, iterations))
        return real(name, password, salt, iterations, *args, **kwargs)

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", counted)
    return calls


def test_unknown_and_known_emails_cost_the_same_hashing(app, client, make, hashing):
    """Without an account to check, a dummy hash of the same method is checked, so the time
    an answer takes does not tell whether an email has an account."""
    known = make.user()
    inactive = make.user(active=False)
    client.post("/login", data={"email": "warm@example.org", "password": "x"})  # dummy made
    work = {}
    for email, password in [
        ("nobody@example.org", "wrong password"),
        (known.email, "wrong password"),
        (inactive.email, PASSWORD),
        (known.email, PASSWORD),
    ]:
        hashing.clear()
        response = client.post("/login", data={"email": email, "password": password})
        work[email, password] = list(hashing)
        client.post("/logout")
        assert response.status_code in (302, 401)
    assert len(set(map(tuple, work.values()))) == 1, work
    assert work["nobody@example.org", "wrong password"] == [("sha256", 1000)]
