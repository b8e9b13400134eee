"""Throttling of sign-in and of the other forms that take a password, through real
requests: wrong passwords per account, attempts per client address, invitation links and
password changes; 429 with Retry-After, as the sign-in page or as JSON; counts in Redis
when REDIS_URL is set."""

from __future__ import annotations

import re
import uuid

import pytest

from tourbuilder import create_app
from tourbuilder.extensions import db
from tourbuilder.models import Role

from .conftest import AuthActions
from .conftest import PASSWORD
from .test_jobs import REDIS_PROBLEM
from .test_jobs import REDIS_URL

WINDOW = 15 * 60


def sign_in(client, email, password=PASSWORD, **kwargs):
    return client.post("/login", data={"email": email, "password": password}, **kwargs)


def assert_throttled(response):
    assert response.status_code == 429, response.get_data(as_text=True)[:300]
    assert 0 < int(response.headers["Retry-After"]) <= WINDOW


def test_wrong_passwords_are_throttled_per_account(app, client, make):
    app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"] = "3 per 15 minutes"
    user, neighbour = make.user(), make.user()
    for _ in range(3):
        assert sign_in(client, user.email, "wrong password").status_code == 401
    # the right password no longer helps, whatever the email's case
    response = sign_in(client, user.email.upper())
    assert_throttled(response)
    page = response.get_data(as_text=True)
    assert "<h1>Sign in</h1>" in page and "Too many attempts" in page
    assert 'name="password"' in page
    assert client.get("/dashboard").status_code == 302
    # another account, from the same client, is not held back
    assert sign_in(client, neighbour.email).status_code == 302


def test_only_failed_sign_ins_count_per_account(app, client, make):
    app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"] = "2 per 15 minutes"
    user = make.user()
    for _ in range(4):
        assert sign_in(client, user.email).status_code == 302
        client.post("/logout")
    assert sign_in(client, user.email, "wrong password").status_code == 401
    assert sign_in(client, user.email).status_code == 302


def test_unknown_emails_are_throttled_like_accounts(app, client):
    """Else the first 429 would tell which emails have an account."""
    app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"] = "2 per 15 minutes"
    for _ in range(2):
        assert sign_in(client, "nobody@example.org", "wrong password").status_code == 401
    assert_throttled(sign_in(client, "nobody@example.org", "wrong password"))


def test_attempts_are_throttled_per_client_address(app, make):
    app.config["LOGIN_RATE_LIMIT_PER_ADDRESS"] = "4 per 15 minutes"
    users = [make.user() for _ in range(5)]
    spray = app.test_client()
    for user in users[:4]:
        assert sign_in(spray, user.email, "wrong password").status_code == 401
    assert_throttled(sign_in(spray, users[4].email))
    elsewhere = app.test_client()
    response = sign_in(elsewhere, users[4].email, environ_base={"REMOTE_ADDR": "127.0.0.2"})
    assert response.status_code == 302


def test_json_callers_get_the_api_error_shape(app, client, make):
    app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"] = "1 per 15 minutes"
    user = make.user()
    sign_in(client, user.email, "wrong password")
    response = sign_in(client, user.email, headers={"Accept": "application/json"})
    assert_throttled(response)
    assert response.is_json
    assert response.json["code"] == 429 and response.json["status"] == "Too Many Requests"
    assert "Too many attempts" in response.json["message"]


def test_the_message_is_translated(app, client, make):
    app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"] = "1 per 15 minutes"
    user = make.user()
    sign_in(client, user.email, "wrong password")
    client.get("/?lang=es")
    response = sign_in(client, user.email)
    assert_throttled(response)
    page = response.get_data(as_text=True)
    assert "Demasiados intentos" in page and "15 minutos" in page


def test_password_changes_are_throttled_per_account(app, client, auth, make):
    app.config["PASSWORD_CHANGE_RATE_LIMIT"] = "2 per 15 minutes"
    auth.login(make.user())
    guess = {"current": "a wrong guess", "new": "a brand new password"}
    guess["confirm"] = guess["new"]
    for _ in range(2):
        assert client.post("/account/password", data=guess).status_code == 400
    right = {**guess, "current": PASSWORD}
    response = client.post("/account/password", data=right)
    assert_throttled(response)
    assert "Too many attempts" in response.get_data(as_text=True)
    assert AuthActions(app.test_client()).login(make.user()).status_code == 302


def test_invitation_links_are_throttled(app, client, auth, make):
    app.config["INVITATION_RATE_LIMIT"] = "2 per 15 minutes"
    team = make.team()
    admin = make.user(team, Role.ADMIN)
    auth.login(admin)
    page = client.post(f"/teams/{team.id}/invitations", data={"role": "editor", "email": ""})
    path = re.search(r'value="http://localhost(/invite/[^"]+)"', page.get_data(as_text=True))[1]
    auth.logout()
    taken = {"name": "A", "email": admin.email, "password": "long enough pw", "confirm": "x"}
    taken["confirm"] = taken["password"]
    for _ in range(2):
        assert client.post(path, data=taken).status_code == 409  # an existing account's email
    assert_throttled(client.post(path, data={**taken, "email": "new@example.org"}))


def test_invitations_count_toward_the_address_limit(app, client, make):
    app.config["LOGIN_RATE_LIMIT_PER_ADDRESS"] = "2 per 15 minutes"
    user = make.user()
    for _ in range(2):
        assert client.post("/invite/not-a-token", data={}).status_code == 404
    assert_throttled(sign_in(client, user.email))


def test_trusted_proxy_gives_the_client_address(app_config):
    """Behind a proxy, each client is counted by the address the proxy saw."""
    limit = {"PROXY_COUNT": 1, "LOGIN_RATE_LIMIT_PER_ADDRESS": "1 per 15 minutes"}
    app = create_app({**app_config, **limit})
    with app.app_context():
        db.create_all()
    client = app.test_client()
    proxy = {"REMOTE_ADDR": "127.0.0.9"}
    first = {"X-Forwarded-For": "192.0.2.1"}
    second = {"X-Forwarded-For": "192.0.2.2"}
    response = sign_in(client, "a@example.org", "x", environ_base=proxy, headers=first)
    assert response.status_code == 401
    assert_throttled(sign_in(client, "b@example.org", "x", environ_base=proxy, headers=first))
    response = sign_in(client, "c@example.org", "x", environ_base=proxy, headers=second)
    assert response.status_code == 401
    with app.app_context():
        db.engine.dispose()


@pytest.mark.skipif(REDIS_PROBLEM is not None, reason=f"Redis unreachable: {REDIS_PROBLEM}")
def test_counts_live_in_redis_when_it_is_configured(app_config, monkeypatch):
    """Several processes (here: two app instances) share one count."""
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    config = {**app_config, "LOGIN_RATE_LIMIT_PER_ACCOUNT": "2 per 15 minutes"}
    # Counts outlive the test in Redis: an email and an address of this run alone.
    email = f"{uuid.uuid4().hex}@example.org"
    address = {"REMOTE_ADDR": "127." + ".".join(str(b) for b in uuid.uuid4().bytes[:3])}
    first = create_app(config)
    assert first.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    with first.app_context():
        db.create_all()
    for _ in range(2):
        response = sign_in(first.test_client(), email, "wrong", environ_base=address)
        assert response.status_code == 401
    second = create_app(config)  # its memory would start from nothing
    assert_throttled(sign_in(second.test_client(), email, "wrong", environ_base=address))
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()
