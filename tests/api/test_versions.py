"""Versions (optimistic concurrency): a change sent with a stale ``version`` is refused
with 409, the current representation beside the error, and nothing changes."""

from __future__ import annotations

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import MediaItem
from tourbuilder.models import Site
from tourbuilder.models import Stop
from tourbuilder.models import Tour

V1 = "/api/v1"


def urls(world) -> dict[str, tuple[str, type, int]]:
    tour = world.tours["draft"]
    stop_id = world.stop_ids["draft"][0]
    return {
        "tour": (f"{V1}/tours/{tour.id}", Tour, tour.id),
        "stop": (f"{V1}/tours/{tour.id}/stops/{stop_id}", Stop, stop_id),
        "site": (f"{V1}/sites/{world.draft_site.id}", Site, world.draft_site.id),
        "media": (f"{V1}/media/{world.media_id}", MediaItem, world.media_id),
    }


CHANGES = {
    "tour": ("title", {"en": "Changed"}),
    "stop": ("title", {"en": "Changed"}),
    "site": ("name", {"en": "Changed"}),
    "media": ("caption", {"en": "Changed"}),
}


def stored(app, model, ident, field):
    with app.app_context():
        obj = db.session.get(model, ident)
        return obj.version, dict(getattr(obj, field))


@pytest.mark.parametrize("kind", list(CHANGES))
def test_every_change_counts_and_a_stale_version_is_refused(app, api, world, kind):
    url, model, ident = urls(world)[kind]
    field, text = CHANGES[kind]
    first = api.get("editor", url).json
    assert first["version"] == 1

    saved = api.patch("editor", url, json={field: text, "version": 1})
    assert saved.status_code == 200, saved.json
    assert saved.json["version"] == 2

    before = stored(app, model, ident, field)
    stale = api.patch("editor", url, json={field: {"en": "Lost update"}, "version": 1})
    assert stale.status_code == 409
    assert stale.json["code"] == 409 and "version" in stale.json["errors"]["json"]
    assert stale.json["current"]["version"] == 2
    assert stale.json["current"][field]["en"] == "Changed"
    assert stored(app, model, ident, field) == before  # nothing changed

    unchecked = api.patch("editor", url, json={field: {"en": "No version sent"}})
    assert unchecked.status_code == 200 and unchecked.json["version"] == 3


@pytest.mark.parametrize("kind", list(CHANGES))
def test_a_stale_delete_is_refused_and_a_current_one_deletes(app, api, world, kind):
    url, model, ident = urls(world)[kind]
    api.patch("editor", url, json=dict([CHANGES[kind]]))  # now version 2
    refused = api.delete("editor", url, json={"version": 1})
    assert refused.status_code == 409 and refused.json["current"]["id"] == ident
    with app.app_context():
        assert db.session.get(model, ident) is not None
    assert api.delete("editor", url, json={"version": 2}).status_code in (200, 204)
    with app.app_context():
        assert db.session.get(model, ident) is None


def test_delete_without_a_body_still_works_and_a_bad_version_is_422(app, api, world):
    url = f"{V1}/sites/{world.draft_site.id}"
    assert api.delete("editor", url, json={"version": "two"}).status_code == 422
    assert api.delete("editor", url, json=[1]).status_code == 422
    assert api.delete("editor", url).status_code == 204


def test_reorder_uses_the_tours_version(app, api, world):
    tour = world.tours["draft"]
    a, b = world.stop_ids["draft"]
    url = f"{V1}/tours/{tour.id}/stops/order"
    moved = api.put("editor", url, json={"stop_ids": [b, a], "version": 1})
    assert moved.status_code == 200, moved.json
    assert [s["id"] for s in moved.json] == [b, a]
    assert moved.json[0]["tour_version"] == 2
    stale = api.put("editor", url, json={"stop_ids": [a, b], "version": 1})
    assert stale.status_code == 409 and stale.json["current"]["stop_ids"] == [b, a]
    with app.app_context():
        assert [s.id for s in db.session.get(Tour, tour.id).stops] == [b, a]
    assert api.put("editor", url, json=[a, b]).status_code == 200  # the plain list still works


def test_adding_and_removing_stops_count_in_the_tours_version(api, world):
    tour = world.tours["draft"]
    url = f"{V1}/tours/{tour.id}"
    added = api.post("editor", f"{url}/stops", json={"title": "New"}).json
    assert added["tour_version"] == 2 and added["version"] == 1
    api.delete("editor", f"{url}/stops/{added['id']}")
    assert api.get("editor", url).json["version"] == 3
    stale = api.patch("editor", url, json={"title": "Late", "version": 2})
    assert stale.status_code == 409


def test_media_form_with_a_stale_version_is_refused(app, api, world):
    client, _ = api.client_for("session:editor")
    page = client.get(f"/teams/{world.team.id}/media").get_data(as_text=True)
    assert 'name="version" value="1"' in page
    url = f"/teams/{world.team.id}/media/{world.media_id}"
    assert client.post(url, data={"consent": "not_yet", "version": "1"}).status_code == 303
    # the detail panel (library.js) asks for JSON: 409; a plain form goes back with a message
    refused = client.post(
        url, data={"consent": "no_people", "version": "1"}, headers={"Accept": "application/json"}
    )
    assert refused.status_code == 409 and refused.json["stale"] is True
    plain = client.post(url, data={"consent": "no_people", "version": "1"}, follow_redirects=True)
    assert "changed this item since you opened the page" in plain.get_data(as_text=True)
    with app.app_context():
        item = db.session.get(MediaItem, world.media_id)
        assert (item.version, str(item.consent)) == (2, "not_yet")
    assert client.post(url, data={"consent": "no_people"}).status_code == 303
