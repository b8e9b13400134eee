"""Bearer tokens and the session cookie; CSRF for cookie writes."""

from __future__ import annotations

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import ApiToken
from tourbuilder.models import utcnow

from .api_helpers import csrf_token_from
from .api_helpers import login


def test_token_signs_in(api, world):
    response = api.get("editor", f"/api/v1/tours/{world.tours['draft'].id}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "header", ["Bearer tb_garbage", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer a b c", "tb_x"]
)
def test_garbage_token_is_401(client, world, header):
    response = client.get("/api/v1/tours", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json["code"] == 401 and response.json["message"]


def test_revoked_token_is_401(app, api, world):
    with app.app_context():
        for row in db.session.scalars(db.select(ApiToken)):
            row.revoked_at = utcnow()
        db.session.commit()
    response = api.get("editor", "/api/v1/tours")
    assert response.status_code == 401


def test_bad_token_wins_over_a_good_cookie(app, world):
    """A request with a bad token is refused even when a session cookie would pass."""
    client = app.test_client()
    login(client, world.users["editor"].email)
    draft = f"/api/v1/tours/{world.tours['draft'].id}"
    assert client.get(draft).status_code == 200
    response = client.get(draft, headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


def test_token_of_another_team_sees_no_draft(api, world):
    response = api.get("other", f"/api/v1/tours/{world.tours['draft'].id}")
    assert response.status_code == 404


@pytest.mark.parametrize("csrf_enabled", [True])
def test_cookie_write_needs_the_csrf_header(app, world):
    assert app.config["WTF_CSRF_ENABLED"] is True
    client = app.test_client()
    login(client, world.users["editor"].email)
    body = {"team_id": world.team.id, "name": "Huerto", "lat": 1.0, "lon": 2.0}

    refused = client.post("/api/v1/sites", json=body)
    assert refused.status_code == 400
    assert refused.json["code"] == 400 and "CSRF" in refused.json["message"]
    sites = client.get(f"/api/v1/sites?team_id={world.team.id}")  # reads need no token
    assert sites.status_code == 200 and "Huerto" not in sites.get_data(as_text=True)

    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    token = token or csrf_token_from(client.get("/").get_data(as_text=True))
    assert token, "no page carries a CSRF token"
    accepted = client.post("/api/v1/sites", json=body, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201, accepted.json


@pytest.mark.parametrize("csrf_enabled", [True])
def test_token_write_needs_no_csrf_header(api, world):
    response = api.post(
        "editor",
        "/api/v1/sites",
        json={"team_id": world.team.id, "name": "Huerto", "lat": 1.0, "lon": 2.0},
    )
    assert response.status_code == 201


@pytest.mark.parametrize("csrf_enabled", [False, True])
def test_anonymous_write_is_401(api, world):
    """No session and no token: 401 in the API's shape, CSRF protection on or off (there is
    no ambient credential for a forged request to borrow)."""
    tour = world.tours["draft"].id
    for method, url, body in [
        ("POST", "/api/v1/tours", {"team_id": world.team.id, "title": "x"}),
        ("POST", "/api/v1/sites", {"team_id": world.team.id, "name": "x", "lat": 1, "lon": 2}),
        ("PATCH", f"/api/v1/tours/{tour}", {"title": "x"}),
        ("DELETE", f"/api/v1/tours/{tour}", None),
        ("POST", "/api/v1/tours", "not json"),
    ]:
        response = api.call("anon", method, url, json=body)
        assert response.status_code == 401, (method, url, response.get_data(as_text=True))
        assert response.is_json and response.json["code"] == 401 and response.json["message"]


@pytest.mark.parametrize("csrf_enabled", [True])
def test_anonymous_tus_upload_is_401_json(client, world):
    response = client.post(
        "/uploads/tus",
        headers={"Tus-Resumable": "1.0.0", "Upload-Length": "10", "Upload-Metadata": ""},
    )
    assert response.status_code == 401
    assert response.is_json and response.json["code"] == 401 and response.json["message"]
    assert response.headers["Tus-Resumable"] == "1.0.0"


@pytest.mark.parametrize("csrf_enabled", [True])
def test_tus_cookie_write_without_csrf_header_is_json(app, world):
    client = app.test_client()
    login(client, world.users["editor"].email)
    response = client.post(
        "/uploads/tus",
        headers={"Tus-Resumable": "1.0.0", "Upload-Length": "10", "Upload-Metadata": ""},
    )
    assert response.status_code == 400
    assert response.is_json and "CSRF" in response.json["message"]
    assert response.headers["Tus-Resumable"] == "1.0.0"
