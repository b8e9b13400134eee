"""Uploading a real photo: stored under its content hash, deduplicated, never served."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import MediaItem

V1 = "/api/v1"
FLOWER = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "flower.jpg"
needs_flower = pytest.mark.skipif(not FLOWER.exists(), reason=f"{FLOWER} is absent")


def upload(api, world, path=FLOWER, name="flower.jpg", actor="editor", team=None):
    with open(path, "rb") as fh:
        data = {"team_id": str((team or world.team).id), "file": (fh, name, "image/jpeg")}
        return api.post(actor, f"{V1}/media", data=data)


@needs_flower
def test_upload_stores_the_original_under_its_hash(app, api, world):
    sha = hashlib.sha256(FLOWER.read_bytes()).hexdigest()
    response = upload(api, world)
    assert response.status_code == 201, response.json
    item = response.json
    assert item["duplicate"] is False
    assert item["name"] == "flower.jpg" and item["kind"] == "photo"
    assert item["status"] in ("pending", "processing", "ready", "failed")
    if item["status"] == "ready":  # the processing job ran inline (immediate queue)
        assert item["derivatives"] and item["kind"] == "photo"
    assert item["size"] == FLOWER.stat().st_size
    stored = Path(app.config["MEDIA_ROOT"]) / "originals" / sha[:2] / sha
    assert stored.read_bytes() == FLOWER.read_bytes()
    text = response.get_data(as_text=True)
    assert "originals/" not in text and str(app.config["MEDIA_ROOT"]) not in text
    with app.app_context():
        row = db.session.get(MediaItem, item["id"])
        assert row.original_key == f"originals/{sha[:2]}/{sha}" and row.sha256 == sha


@needs_flower
def test_same_file_twice_is_one_item(api, world):
    first = upload(api, world)
    second = upload(api, world, name="copy of flower.jpg")
    assert first.status_code == 201 and second.status_code == 200
    assert second.json["duplicate"] is True and second.json["id"] == first.json["id"]
    listed = api.get("editor", f"{V1}/media?team_id={world.team.id}").json
    assert len(listed) == 2  # the world's item and the flower


@needs_flower
def test_another_team_gets_its_own_item(api, world):
    first = upload(api, world)
    other = upload(api, world, actor="other", team=world.other_team)
    assert other.status_code == 201 and other.json["id"] != first.json["id"]


@needs_flower
def test_original_is_never_downloadable(app, api, world):
    item = upload(api, world).json
    sha = hashlib.sha256(FLOWER.read_bytes()).hexdigest()
    candidates = [
        f"/media/{item['id']}/original",
        f"/media/{item['id']}/originals",
        f"/media/{item['id']}/{sha}",
        f"/media/originals/{sha[:2]}/{sha}",
        f"/originals/{sha[:2]}/{sha}",
        f"/static/../media/originals/{sha[:2]}/{sha}",
        f"/media/{item['id']}/..%2F..%2Foriginals%2F{sha[:2]}%2F{sha}",
    ]
    for url in candidates:
        for actor in ("editor", "site_admin", "anon"):
            response = api.get(actor, url)
            assert response.status_code in (404, 308, 400), (url, actor, response.status_code)
            assert response.get_data() != FLOWER.read_bytes()
    for variant, url in item["derivatives"].items():
        assert url == f"/media/{item['id']}/{variant}"
        served = api.get("editor", url)
        assert served.status_code == 200 and served.get_data() != FLOWER.read_bytes()


def test_media_json_lists_derivative_urls_not_keys(app, api, world):
    with app.app_context():
        row = db.session.get(MediaItem, world.media_id)
        row.derivatives = {"640.webp": {"key": "derived/1/640.webp", "mime": "image/webp"}}
        db.session.commit()
    item = api.get("editor", f"{V1}/media/{world.media_id}").json
    assert item["derivatives"] == {"640.webp": f"/media/{world.media_id}/640.webp"}
    assert "derived/" not in str(item) and "originals/" not in str(item)
    assert "original_key" not in item


def test_patch_media_sets_translations_and_consent(api, world):
    url = f"{V1}/media/{world.media_id}"
    response = api.patch(
        "editor",
        url,
        json={
            "caption": "Mercado",
            "alt_text": {"en": "A market stall"},
            "consent": "consent_recorded",
            "lat": 37.4,
            "lon": -6.0,
            "location_confirmed": True,
            "site_id": world.public_site.id,
        },
    )
    assert response.status_code == 200, response.json
    item = response.json
    assert item["caption"] == {"es": "Mercado"}  # team A writes Spanish first
    assert api.get("editor", url + "?lang=en").json["alt_text_text"] == "A market stall"
    assert item["consent"] == "consent_recorded" and item["site_id"] == world.public_site.id
    bad = api.patch("editor", url, json={"consent": "maybe"})
    assert bad.status_code == 422


def test_delete_media_removes_the_item(api, world):
    url = f"{V1}/media/{world.media_id}"
    assert api.delete("editor", url).status_code == 204
    assert api.get("editor", url).status_code == 404


GPX = FLOWER.with_name("Mojstrovka.gpx")


@pytest.mark.skipif(not GPX.exists(), reason=f"{GPX} is absent")
def test_refused_upload_is_labelled_by_its_bytes(api, world):
    # Declared a JPEG photo, it is a GPS track: refused, and listed as a track.
    response = upload(api, world, path=GPX, name="IMG_0001.jpg")
    assert response.status_code == 201, response.json
    item = api.get("editor", f"{V1}/media/{response.json['id']}").json
    assert (item["status"], item["kind"]) == ("failed", "track")
    assert "GPS track" in item["error"]
    listed = api.get("editor", f"{V1}/media?team_id={world.team.id}&kind=track").json
    assert [i["id"] for i in listed] == [item["id"]]
