"""What a hostile user broke, through real HTTP on a loopback port: broken characters,
ids and pages past any row, nested and oversized bodies, approximate sites' addresses,
uploads over the limit, and cached media after consent is withdrawn."""

from __future__ import annotations

import base64
import io
import json

import pytest
import requests

from tourbuilder.extensions import db
from tourbuilder.models import Consent
from tourbuilder.models import MediaItem
from tourbuilder.models import Stop
from tourbuilder.storage import get_storage

V1 = "/api/v1"
pytestmark = pytest.mark.real_db  # a live server: requests on connections of their own


@pytest.fixture
def world(committed_world):
    return committed_world


@pytest.fixture
def http(live, world):
    """``http(actor, method, path, **kw)``: a real HTTP request as ``anon`` or a user of
    the API world, by bearer token."""
    session = requests.Session()

    def call(actor, method, path, **kwargs):
        headers = kwargs.pop("headers", {})
        if actor != "anon":
            headers["Authorization"] = f"Bearer {world.tokens[actor]}"
        return session.request(
            method, live.url + path, headers=headers, allow_redirects=False, timeout=30, **kwargs
        )

    yield call
    session.close()


def assert_api_error(response, status: int) -> dict:
    assert response.status_code == status, response.text[:500]
    body = response.json()
    assert body["code"] == status and body["message"]
    return body


# -- one normaliser for every text -------------------------------------------------------


def test_a_lone_surrogate_is_refused_and_the_site_stays_up(http, world):
    body = {"team_id": world.team.id, "name": "Huerto \ud800", "lat": 37.4, "lon": -5.9}
    body["visibility"] = "public"
    raw = json.dumps(body)  # ASCII-escaped: "\ud800" reaches the server as JSON text
    refused = http("editor", "POST", f"{V1}/sites", data=raw, headers=JSON)
    assert_api_error(refused, 422)
    assert "name" in refused.json()["errors"]["json"]
    assert http("anon", "GET", "/").status_code == 200
    assert http("anon", "GET", f"{V1}/sites.geojson").status_code == 200


JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("title", {"en": "Stop \udc00"}, "title.en"),
        ("title", {"en": "Bell\x07"}, "title.en"),
        ("narrative", "Line\x00break", "narrative"),
        ("title", {"e\x1bn": "x"}, "title.(key)"),
    ],
)
def test_broken_or_control_characters_in_a_stop_are_422_naming_the_field(
    http, world, field, value, where
):
    tour = world.tours["public"]
    url = f"{V1}/tours/{tour.id}/stops/{world.stop_ids['public'][0]}"
    before = http("editor", "GET", url).json()
    response = http("editor", "PATCH", url, data=json.dumps({field: value}), headers=JSON)
    assert_api_error(response, 422)
    assert where in response.json()["errors"]["json"]
    assert http("editor", "GET", url).json() == before
    assert http("anon", "GET", f"/tours/{tour.slug}").status_code == 200


def test_text_is_stored_in_nfc_and_newlines_are_kept(http, world):
    url = f"{V1}/tours/{world.tours['draft'].id}/stops/{world.stop_ids['draft'][0]}"
    decomposed = "Cafe\u0301 de la esquina\n\nSegunda\tlínea"
    response = http("editor", "PATCH", url, json={"narrative": {"es": decomposed}})
    assert response.status_code == 200, response.text
    assert response.json()["narrative"]["es"] == "Café de la esquina\n\nSegunda\tlínea"


def test_forms_refuse_control_characters_like_the_api(app, client, auth, make):
    from tourbuilder.models import Role

    admin = make.user(make.team(), Role.ADMIN, is_site_admin=True)
    auth.login(admin)
    response = client.post(
        "/teams/new", data={"name": "Coop\x01erativa", "country": "TN", "languages": "ar, fr"}
    )
    assert response.status_code == 200  # the form again, with the message
    assert "Control character U+0001" in response.get_data(as_text=True)
    assert client.get("/dashboard").get_data(as_text=True).count("Coop") == 0


def test_tus_metadata_with_a_control_character_is_400(http, world):
    filename = b"foto\x01.jpg"
    meta = f"filename {base64.b64encode(filename).decode()},team_id "
    meta += base64.b64encode(str(world.team.id).encode()).decode()
    response = http(
        "editor",
        "POST",
        "/uploads/tus",
        headers={"Tus-Resumable": "1.0.0", "Upload-Length": "10", "Upload-Metadata": meta},
    )
    body = assert_api_error(response, 400)
    assert "Upload-Metadata filename" in body["errors"]["headers"]


# -- hostile but well-formed requests: 404 / 413 / 422 with the JSON shape, never 500 ----


@pytest.mark.parametrize(
    "path",
    [
        f"{V1}/teams/270449367868953165824",
        f"{V1}/tours/9223372036854775808",
        f"{V1}/tours/1/stops/99999999999999999999999",
        f"{V1}/sites/2147483648",
        f"{V1}/media/18446744073709551616",
        "/media/99999999999999999999/640.webp",
        "/teams/99999999999999999999",
    ],
)
def test_ids_past_any_row_are_404(http, path):
    response = http("site_admin", "GET", path)
    assert response.status_code == 404, response.text[:300]


@pytest.mark.parametrize("page", ["-1", "0", "x"])
def test_pages_that_are_no_page_number_are_422(http, page):
    body = assert_api_error(http("anon", "GET", f"{V1}/tours?page={page}"), 422)
    assert "page" in json.dumps(body["errors"])


@pytest.mark.parametrize("page", ["99999999999999999999", "2147483647"])
def test_pages_past_any_row_are_empty_like_any_page_past_the_last(http, page):
    response = http("anon", "GET", f"{V1}/tours?page={page}")
    assert response.status_code == 200 and response.json() == []
    assert json.loads(response.headers["X-Pagination"])["total"] == 1  # the public tour


def test_deeply_nested_json_is_a_client_error(http, world):
    for raw in ("[" * 100_000, "[" * 5000 + "]" * 5000):
        response = http(
            "editor", "PUT", f"{V1}/tours/{world.tours['draft'].id}/stops/order", data=raw,
            headers=JSON,
        )  # fmt: skip
        assert 400 <= response.status_code < 500, response.text[:300]
        assert response.json()["message"]


def test_nested_text_objects_past_the_depth_limit_are_422(http, world):
    value = "x"
    for _ in range(30):
        value = {"en": value}
    url = f"{V1}/tours/{world.tours['draft'].id}"
    response = http("editor", "PATCH", url, data=json.dumps({"summary": value}), headers=JSON)
    assert_api_error(response, 422)


def test_a_json_body_over_the_limit_is_413_before_it_is_read(http, world, app):
    limit = app.config["API_JSON_MAX_BYTES"]
    ids = list(range(100_000, 100_000 + limit // 5))  # 8 bytes each: 1.6 times the limit
    url = f"{V1}/tours/{world.tours['draft'].id}/stops/order"
    assert_api_error(http("editor", "PUT", url, data=json.dumps(ids), headers=JSON), 413)


def test_a_huge_team_id_in_tus_metadata_is_refused_cleanly(http):
    b64 = base64.b64encode
    meta = f"filename {b64(b'a.jpg').decode()},team_id {b64(b'9' * 40).decode()}"
    response = http(
        "editor",
        "POST",
        "/uploads/tus",
        headers={"Tus-Resumable": "1.0.0", "Upload-Length": "10", "Upload-Metadata": meta},
    )
    assert_api_error(response, 403)


# -- approximate means approximate for everyone outside the team -------------------------


def test_an_approximate_site_shows_no_address_or_exact_position_to_outsiders(app, http, world, api):
    site_id = world.public_site.id
    secret = "Calle Secreta 7, portal B"
    api.patch("editor", f"{V1}/sites/{site_id}", json={"address": secret})
    tour = world.tours["public"]
    with app.app_context():  # a public tour stops at the site, placed by it
        stop = db.session.get(Stop, world.stop_ids["public"][0])
        stop.site_id, stop.lat, stop.lon = site_id, None, None
        db.session.commit()
    exact = ("37.38456", "-5.98765")
    outsiders = ["anon", "other"]
    responses = []
    for actor in outsiders:
        responses += [
            http(actor, "GET", f"{V1}/sites/{site_id}"),
            http(actor, "GET", f"{V1}/sites?page_size=100"),
            http(actor, "GET", f"{V1}/sites.geojson"),
            http(actor, "GET", f"{V1}/tours/{tour.id}/stops"),
            http(actor, "GET", f"/sites/{site_id}"),
            http(actor, "GET", f"/tours/{tour.slug}"),
            http(actor, "GET", "/"),
        ]
    for response in responses:
        assert response.status_code == 200, response.url
        assert secret not in response.text, response.url
        assert not any(digits in response.text for digits in exact), response.url
    team_view = http("editor", "GET", f"{V1}/sites/{site_id}").json()
    assert team_view["address"] == secret and team_view["lat"] == 37.38456


# -- uploads over the limit ---------------------------------------------------------------


@pytest.fixture
def app_config(app_config):
    return {**app_config, "UPLOAD_MAX_BYTES": 200_000}


@pytest.mark.parametrize(
    "size",
    [
        300_000,  # the body is over the limit: refused while it streams in
        200_001,  # the body has room for the envelope; the file itself is measured too
    ],
)
def test_a_multipart_upload_over_the_limit_is_413_and_nothing_is_kept(app, http, world, size):
    data = b"\xff\xd8\xff" + b"\0" * (size - 3)
    response = http(
        "editor",
        "POST",
        f"{V1}/media",
        data={"team_id": str(world.team.id)},
        files={"file": ("big.jpg", io.BytesIO(data), "image/jpeg")},
    )
    assert_api_error(response, 413)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(MediaItem.id))) == 2  # the world's
        storage = get_storage()
        assert not list(storage.keys("originals")) and not list(storage.keys("tmp"))


# -- consent withdrawal reaches caches ----------------------------------------------------


def test_published_media_are_revalidated_and_gone_once_consent_is_withdrawn(app, http, world):
    with app.app_context():
        item = db.session.get(MediaItem, world.media_id)
        key = f"derived/{item.id}/640.jpg"
        get_storage().save(key, io.BytesIO(b"\xff\xd8\xff\xe0 picture"))
        item.derivatives = {"640.jpg": {"key": key, "mime": "image/jpeg", "width": 640}}
        db.session.commit()
    url = f"/media/{world.media_id}/640.jpg"
    first = http("anon", "GET", url)
    assert first.status_code == 200
    cache = first.headers["Cache-Control"]
    assert "max-age=300" in cache and "must-revalidate" in cache and "31536000" not in cache
    again = http("anon", "GET", url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    with app.app_context():
        db.session.get(MediaItem, world.media_id).consent = Consent.NOT_YET
        db.session.commit()
    assert (
        http("anon", "GET", url, headers={"If-None-Match": first.headers["ETag"]}).status_code
        == 404
    )
    member = http("editor", "GET", url)
    assert member.status_code == 200 and "no-store" in member.headers["Cache-Control"]
