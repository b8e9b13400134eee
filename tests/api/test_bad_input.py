"""Hostile and malformed input: always a 4xx with clear JSON, never a 500, and nothing
previously saved changes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

V1 = "/api/v1"

BAD_COORDINATES = [
    ("lat", "abc"),
    ("lat", "45.0"),
    ("lat", None),
    ("lat", True),
    ("lat", 91),
    ("lat", -90.0001),
    ("lon", 180.5),
    ("lon", [1, 2]),
    ("lon", {"x": 1}),
    ("lat", 1e400),
]


@pytest.mark.parametrize(("field", "value"), BAD_COORDINATES)
def test_bad_site_coordinates_are_422(api, world, field, value):
    body = {"team_id": world.team.id, "name": "Huerto", "lat": 10.0, "lon": 20.0, field: value}
    response = api.post("editor", f"{V1}/sites", json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_422(api, world, literal):
    url = f"{V1}/sites/{world.draft_site.id}"
    before = api.get("editor", url).json
    raw = f'{{"lat": {literal}}}'
    response = api.patch("editor", url, data=raw, content_type="application/json")
    assert response.status_code == 422
    assert api.get("editor", url).json == before


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x" * 201},
        {"name": {"en": "x" * 201}},
        {"name": ""},
        {"name": {"klingon!": "Qapla"}},
        {"name": {"EN_us": "Hello"}},
        {"name": 42},
        {"name": ["a"]},
        {"description": "x" * 20_001},
        {"themes": "food"},
        {"themes": ["x" * 61]},
        {"themes": ["a"] * 21},
        {"website": "javascript:alert(1)"},
        {"website": "not a url"},
        {"visibility": "secret"},
        {"approximate_location": "perhaps"},
        {"team_id": 2},
        {"unknown_field": 1},
        {"address": "x" * 501},
    ],
)
def test_bad_site_patch_is_422_and_changes_nothing(api, world, body):
    url = f"{V1}/sites/{world.draft_site.id}"
    before = api.get("editor", url).json
    response = api.patch("editor", url, json=body)
    assert response.status_code == 422, response.json
    assert response.json["code"] == 422 and response.json["errors"]
    assert api.get("editor", url).json == before


@pytest.mark.parametrize("raw", ["{", "[]", '"text"', "null", "\x00", "1"])
def test_malformed_json_bodies_are_4xx(api, world, raw):
    response = api.patch(
        "editor", f"{V1}/tours/{world.tours['draft'].id}", data=raw, content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert response.json["code"] == response.status_code


def test_unknown_team_is_404_naming_the_field(api, world):
    """An id in a body names nothing that does not exist, like an id in a path."""
    response = api.post(
        "site_admin", f"{V1}/sites", json={"team_id": 99999, "name": "x", "lat": 1, "lon": 1}
    )
    assert response.status_code == 404
    assert "team_id" in response.json["errors"]["json"]


@pytest.mark.parametrize("lang", ["klingon!", "x", "en_US", "<script>", "e" * 40])
def test_bad_lang_parameter_is_422(api, world, lang):
    response = api.get("anon", f"{V1}/tours", query_string={"lang": lang})
    assert response.status_code == 422
    assert "lang" in response.json["errors"]["query"]


@pytest.mark.parametrize("page_size", [0, 101, "many", -1])
def test_bad_page_size_is_422(api, world, page_size):
    response = api.get("anon", f"{V1}/sites", query_string={"page_size": page_size})
    assert response.status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {"zoom": 23},
        {"zoom": -1},
        {"zoom": 5.5},
        {"zoom": "5"},
        {"lat": 10.0, "lon": None},
        {"media_ids": [1, 1]},
        {"media_ids": "1"},
        {"media_ids": [0]},
        {"site_id": "1"},
        {"narrative": {"en": "x" * 50_001}},
    ],
)
def test_bad_stop_patch_is_422_and_changes_nothing(api, world, body):
    url = f"{V1}/tours/{world.tours['draft'].id}/stops/{world.stop_ids['draft'][0]}"
    api.patch("editor", url, json={"lat": None, "lon": None})
    before = api.get("editor", url).json
    response = api.patch("editor", url, json=body)
    assert response.status_code == 422, response.json
    assert api.get("editor", url).json == before


def test_stop_cannot_use_another_teams_site_or_media(api, world):
    url = f"{V1}/tours/{world.tours['draft'].id}/stops"
    for body in ({"site_id": world.other_site.id}, {"media_ids": [world.other_media_id]}):
        response = api.post("editor", url, json=body)
        assert response.status_code == 404, body  # nothing of another team is named
        assert set(body) <= set(response.json["errors"]["json"])
    assert len(api.get("editor", url).json) == 2


def test_media_cannot_join_another_teams_site(api, world):
    url = f"{V1}/media/{world.media_id}"
    response = api.patch("editor", url, json={"site_id": world.other_site.id})
    assert response.status_code == 404 and "site_id" in response.json["errors"]["json"]
    assert api.get("editor", url).json["site_id"] is None


@pytest.mark.parametrize(
    "order",
    [[], [1], "1,2", None, {"stop_ids": []}, {"stop_ids": "1,2"}, ["a", "b"], [True, False]],
)
def test_stop_order_must_be_a_permutation(api, world, order):
    tour = world.tours["draft"].id
    ids = world.stop_ids["draft"]
    url = f"{V1}/tours/{tour}/stops/order"
    for body in (order, [ids[0], ids[0]]):
        response = api.put("editor", url, json=body)
        # {"stop_ids": [...]} is the list with the tour's version beside it (optional)
        expected = 409 if order in ([], [1], {"stop_ids": []}) and body == order else 422
        assert response.status_code == expected, body
    # ids that are not the tour's stops as they are now: a conflict with its state
    assert api.put("editor", url, json=[*ids, 99999]).status_code == 409
    stops = api.get("editor", f"{V1}/tours/{tour}/stops").json
    assert [s["id"] for s in stops] == ids


HOSTILE_NAMES = [
    "../../etc/passwd",
    "concat:a|b",
    "evil\x00.jpg",
    "x" * 300 + ".jpg",
    "..",
    "C:\\Windows\\system.ini",
    "<script>alert(1)</script>.jpg",
    "\t\x1b[31mred.jpg",
    "   ",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_file_names_are_text_only(app, api, world, name):
    data = {"team_id": str(world.team.id), "file": (io.BytesIO(name.encode() + b"!"), name)}
    response = api.post("editor", f"{V1}/media", data=data)
    assert response.status_code == 201, response.json
    shown = response.json["name"]
    assert "/" not in shown and "\\" not in shown and "\x00" not in shown
    assert 0 < len(shown) <= 255 and shown not in ("", ".", "..")
    media_root = Path(app.config["MEDIA_ROOT"])
    stored = [p for p in media_root.rglob("*") if p.is_file()]
    assert stored and all(p.parent.parent.name == "originals" for p in stored)
    assert all(len(p.name) == 64 for p in stored)
    assert not (media_root.parent / "etc").exists()


def test_empty_file_is_422(api, world):
    data = {"team_id": str(world.team.id), "file": (io.BytesIO(b""), "empty.jpg")}
    response = api.post("editor", f"{V1}/media", data=data)
    assert response.status_code == 422
    assert "empty" in str(response.json["errors"]).lower()


@pytest.mark.parametrize(
    "data",
    [
        lambda w: {"team_id": str(w.team.id)},
        lambda w: {"file": (io.BytesIO(b"abc"), "a.jpg")},
        lambda w: {"team_id": "abc", "file": (io.BytesIO(b"abc"), "a.jpg")},
        lambda w: {"team_id": "99999", "file": (io.BytesIO(b"abc"), "a.jpg")},
    ],
)
def test_upload_missing_or_bad_fields_are_refused(api, world, data):
    body = data(world)
    response = api.post("editor", f"{V1}/media", data=body)
    unknown_team = body.get("team_id") == "99999"
    assert response.status_code == (404 if unknown_team else 422), response.json
    listed = api.get("editor", f"{V1}/media?team_id={world.team.id}").json
    assert len(listed) == 1


def test_upload_as_json_is_4xx(api, world):
    response = api.post("editor", f"{V1}/media", json={"team_id": world.team.id, "file": "x"})
    assert 400 <= response.status_code < 500
