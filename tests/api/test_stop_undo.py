"""Undoing a stop's deletion: DELETE answers the stop as it was; POST …/stops/restore puts
it back where it was, with everything it had."""

from __future__ import annotations

from tourbuilder.extensions import db
from tourbuilder.models import MediaItem
from tourbuilder.models import Tour

V1 = "/api/v1"


def test_deleting_then_restoring_brings_the_stop_back_whole(app, api, world):
    tour = world.tours["public"]
    first, second = world.stop_ids["public"]
    url = f"{V1}/tours/{tour.id}/stops"
    api.patch(
        "editor",
        f"{url}/{first}",
        json={
            "site_id": world.public_site.id,
            "narrative": {"es": "**Mercado**", "en": "Market"},
            "zoom": 17,
            "layout": "wide",
        },
    )
    before = api.get("editor", f"{url}/{first}").json

    deleted = api.delete("editor", f"{url}/{first}")
    assert deleted.status_code == 200
    body = deleted.json
    assert body["position"] == 0 and body["media_ids"] == [world.media_id]
    assert body["presenter_notes"] == {"en": "Ask about the cooperative."}
    assert body["tour_version"] == 2
    assert [s["id"] for s in api.get("editor", url).json] == [second]

    restored = api.post("editor", f"{url}/restore", json=body)  # the answer, sent back as is
    assert restored.status_code == 201, restored.json
    assert [s["id"] for s in api.get("editor", url).json] == [first, second]
    again = api.get("editor", f"{url}/{first}").json
    for field in ("title", "narrative", "presenter_notes", "site_id", "lat", "lon", "zoom"):
        assert again[field] == before[field], field
    assert again["media_ids"] == [world.media_id] and again["layout"] == "wide"
    assert again["tour_version"] == 3


def test_restore_leaves_out_what_is_gone_and_takes_a_new_id_if_needed(app, api, world):
    tour = world.tours["draft"]
    first, second = world.stop_ids["draft"]
    url = f"{V1}/tours/{tour.id}/stops"
    api.patch("editor", f"{url}/{second}", json={"media_ids": [world.media_id]})
    body = api.delete("editor", f"{url}/{second}").json
    with app.app_context():
        db.session.delete(db.session.get(MediaItem, world.media_id))
        db.session.commit()
    body["position"] = 7  # past the end: last
    restored = api.post("editor", f"{url}/restore", json=body)
    assert restored.status_code == 201, restored.json
    assert restored.json["id"] == second and restored.json["media_ids"] == []
    assert [s["id"] for s in api.get("editor", url).json] == [first, second]
    # the id is taken now (by the restored stop): a second restore gets a new id
    copy = api.post("editor", f"{url}/restore", json={**body, "position": 0}).json
    assert copy["id"] not in (first, second)
    with app.app_context():
        assert [s.id for s in db.session.get(Tour, tour.id).stops] == [copy["id"], first, second]


def test_restore_refuses_half_a_place_and_a_missing_position(api, world):
    url = f"{V1}/tours/{world.tours['draft'].id}/stops/restore"
    assert api.post("editor", url, json={"title": "x"}).status_code == 422
    assert api.post("editor", url, json={"position": 0, "lat": 37.0}).status_code == 422
    assert api.post("facilitator", url, json={"position": 0}).status_code == 403
