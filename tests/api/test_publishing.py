"""Published versions: the public sees what was published while the team edits the draft;
publish (the check runs every time), discard changes, unpublish."""

from __future__ import annotations

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import Consent
from tourbuilder.models import MediaItem
from tourbuilder.models import MediaStatus
from tourbuilder.models import Stop
from tourbuilder.models import StopMedia
from tourbuilder.models import Tour
from tourbuilder.models import TourPublication
from tourbuilder.models.tours import media_visible_to

V1 = "/api/v1"


def titles(response) -> list[str]:
    return [stop["title"]["en"] for stop in response.json]


def test_the_public_sees_the_published_version_while_the_team_edits(api, world):
    tour = world.tours["public"]
    url = f"{V1}/tours/{tour.id}"
    first, second = world.stop_ids["public"]
    api.patch("editor", url, json={"title": {"en": "Draft title"}})
    api.patch("editor", f"{url}/stops/{first}", json={"title": {"en": "Draft stop"}})
    api.post("editor", f"{url}/stops", json={"title": {"en": "New stop"}, "lat": 1, "lon": 2})

    assert api.get("anon", url).json["title"]["en"] == tour.title["en"]
    assert titles(api.get("anon", f"{url}/stops")) == ["Stop 1", "Stop 2"]
    assert titles(api.get("facilitator", f"{url}/stops")) == ["Draft stop", "Stop 2", "New stop"]
    assert api.get("editor", url).json["has_unpublished_changes"] is True
    assert api.get("anon", url).json["has_unpublished_changes"] is False
    preview = api.get("editor", f"{url}/stops", query_string={"published": "true"})
    assert titles(preview) == ["Stop 1", "Stop 2"]  # the team previews the public's view
    listed = [t for t in api.get("anon", f"{V1}/tours").json if t["id"] == tour.id]
    assert listed[0]["title"]["en"] == tour.title["en"]

    published = api.post("editor", f"{url}/publish", json={"visibility": "public"})
    assert published.status_code == 200 and published.json["has_unpublished_changes"] is False
    assert api.get("anon", url).json["title"]["en"] == "Draft title"
    assert titles(api.get("anon", f"{url}/stops")) == ["Draft stop", "Stop 2", "New stop"]


def test_a_draft_that_lost_its_last_stop_cannot_be_published_and_the_public_keeps_the_old(
    app, api, world
):
    tour = world.tours["unlisted"]
    url = f"{V1}/tours/{tour.id}"
    for stop_id in world.stop_ids["unlisted"]:
        assert api.delete("editor", f"{url}/stops/{stop_id}").status_code == 200
    check = api.get("editor", f"{url}/publish-check").json
    assert check["can_publish"] is False
    assert [p["code"] for p in check["problems"]] == ["no_stops"]

    refused = api.post("editor", f"{url}/publish", json={"visibility": "unlisted"})
    assert refused.status_code == 409
    assert refused.json["problems"][0]["code"] == "no_stops"
    refused = api.patch("editor", url, json={"visibility": "public"})  # no way around it
    assert refused.status_code == 409
    assert titles(api.get("anon", f"{url}/stops")) == ["Stop 1", "Stop 2"]
    assert api.get("anon", url).json["visibility"] == "unlisted"
    with app.app_context():
        assert len(db.session.get(TourPublication, tour.id).document["stops"]) == 2


def test_discard_puts_the_draft_back_to_the_published_version(app, api, world):
    tour = world.tours["public"]
    url = f"{V1}/tours/{tour.id}"
    first, second = world.stop_ids["public"]
    before = api.get("editor", f"{url}/stops").json
    api.patch("editor", url, json={"title": {"en": "Changed"}})
    api.patch("editor", f"{url}/stops/{second}", json={"narrative": "New words", "media_ids": []})
    api.delete("editor", f"{url}/stops/{first}")
    api.post("editor", f"{url}/stops", json={"title": "Extra", "lat": 1, "lon": 2})

    version = api.get("editor", url).json["version"]
    stale = api.post("editor", f"{url}/discard", json={"version": version - 1})
    assert stale.status_code == 409 and stale.json["current"]["version"] == version
    discarded = api.post("editor", f"{url}/discard", json={"version": version})
    assert discarded.status_code == 200, discarded.json
    assert discarded.json["has_unpublished_changes"] is False
    assert discarded.json["title"] == tour.title
    after = api.get("editor", f"{url}/stops").json
    assert [s["id"] for s in after] == [first, second]  # the deleted stop is back, same id
    for old, new in zip(before, after, strict=True):
        for field in ("title", "narrative", "presenter_notes", "media_ids", "lat", "lon"):
            assert old[field] == new[field], field


def test_discarding_a_tour_never_published_is_a_conflict(api, world):
    refused = api.post("editor", f"{V1}/tours/{world.tours['draft'].id}/discard", json={})
    assert refused.status_code == 409


def test_unpublish_takes_it_off_everything_at_once(app, api, client, world):
    tour = world.tours["public"]
    url = f"{V1}/tours/{tour.id}"
    assert f"/tours/{tour.slug}" in client.get("/?lang=en").get_data(as_text=True)
    unpublished = api.post("editor", f"{url}/unpublish", json={"version": 1})
    assert unpublished.status_code == 200 and unpublished.json["visibility"] == "draft"
    assert api.get("anon", url).status_code == 404
    assert tour.id not in [t["id"] for t in api.get("anon", f"{V1}/tours").json]
    assert client.get(f"/tours/{tour.slug}").status_code == 404
    assert f"/tours/{tour.slug}" not in client.get("/?lang=en").get_data(as_text=True)
    site_page = client.get(f"/sites/{world.public_site.id}?lang=en").get_data(as_text=True)
    assert f"/tours/{tour.slug}" not in site_page
    with app.app_context():
        assert db.session.get(TourPublication, tour.id) is None
        assert len(db.session.get(Tour, tour.id).stops) == 2  # the draft stays


def test_media_only_in_the_draft_is_not_served_to_the_public(app, api, world):
    """A publishable item added to the draft is not the public's until it is published;
    one the published version shows stays theirs while the draft drops it."""
    tour = world.tours["public"]
    with app.app_context():
        item = MediaItem(
            team_id=world.team.id, kind="photo", status=MediaStatus.READY,
            consent=Consent.NO_PEOPLE, original_name="new.jpg", sha256="ef" * 32,
            alt_text={"es": "Nueva"},
        )  # fmt: skip
        db.session.add(item)
        db.session.commit()
        new_id = item.id
    stop_url = f"{V1}/tours/{tour.id}/stops/{world.stop_ids['public'][0]}"
    api.patch("editor", stop_url, json={"media_ids": [new_id]})
    with app.app_context():
        new, old = db.session.get(MediaItem, new_id), db.session.get(MediaItem, world.media_id)
        assert not media_visible_to(new, None)
        assert media_visible_to(old, None)
    api.post("editor", f"{V1}/tours/{tour.id}/publish", json={"visibility": "public"})
    with app.app_context():
        new, old = db.session.get(MediaItem, new_id), db.session.get(MediaItem, world.media_id)
        assert media_visible_to(new, None)
        assert not media_visible_to(old, None)


@pytest.mark.parametrize("visibility", ["public", "unlisted", "workshop"])
def test_publishing_to_each_audience(api, world, visibility):
    tour = world.tours["draft"]
    url = f"{V1}/tours/{tour.id}"
    published = api.post("editor", f"{url}/publish", json={"visibility": visibility})
    assert published.status_code == 200 and published.json["visibility"] == visibility
    anon = api.get("anon", url)
    assert anon.status_code == (404 if visibility == "workshop" else 200)
    assert api.post("editor", f"{url}/publish", json={"visibility": "draft"}).status_code == 422


def test_showing_the_published_version_writes_nothing(app, api, client, world):
    """The published view is made of objects outside the session: reading it (pages, API,
    lists) adds no tour, stop or media link to the database."""
    tour = world.tours["public"]

    def counts():
        with app.app_context():
            return [
                db.session.scalar(db.select(db.func.count()).select_from(model))
                for model in (Tour, TourPublication, Stop, StopMedia)
            ]

    before = counts()
    api.get("anon", f"{V1}/tours")
    api.get("anon", f"{V1}/tours/{tour.id}/stops")
    client.get(f"/tours/{tour.slug}")
    client.get("/")
    client.get(f"/sites/{world.public_site.id}")
    api.post("editor", f"{V1}/tours/{world.tours['draft'].id}/stops", json={"title": "x"})
    after = counts()
    assert after[:2] == before[:2] and after[2] == before[2] + 1 and after[3] == before[3]
