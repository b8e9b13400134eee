"""Tours, stops and sites through the API: listing, slugs, publishing, texts, GeoJSON."""

from __future__ import annotations

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import MediaItem
from tourbuilder.models import MediaStatus

V1 = "/api/v1"


def ids(response) -> set[int]:
    return {item["id"] for item in response.json}


def test_tour_list_shows_public_and_own_team_only(api, world):
    t = {name: tour.id for name, tour in world.tours.items()}
    assert ids(api.get("anon", f"{V1}/tours")) == {t["public"]}
    assert ids(api.get("other", f"{V1}/tours")) == {t["public"], world.other_tour.id}
    assert ids(api.get("facilitator", f"{V1}/tours")) == set(t.values())


def test_site_list_and_pagination(api, world):
    assert ids(api.get("anon", f"{V1}/sites")) == {world.public_site.id}
    mine = api.get("editor", f"{V1}/sites", query_string={"page_size": 1, "page": 2})
    assert len(mine.json) == 1
    assert '"total": 2' in mine.headers["X-Pagination"]
    filtered = api.get("other", f"{V1}/sites", query_string={"team_id": world.team.id})
    assert ids(filtered) == {world.public_site.id}


def test_approximate_site_is_rounded_for_non_editors(api, world):
    url = f"{V1}/sites/{world.public_site.id}"
    assert api.get("anon", url).json["lat"] == 37.38
    assert api.get("facilitator", url).json["lon"] == -5.99
    assert api.get("editor", url).json["lat"] == 37.38456


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Mercado de Feria", "mercado-de-feria"),
        ("Économie sociale à Séville!", "economie-sociale-a-seville"),
        ("Αθήνα αλληλεγγύη", None),
        ("جولة في السوق", None),
    ],
)
def test_slug_made_from_the_title(api, world, title, slug):
    response = api.post("editor", f"{V1}/tours", json={"team_id": world.team.id, "title": title})
    assert response.status_code == 201, response.json
    tour = response.json
    if slug:
        assert tour["slug"] == slug
    else:
        assert tour["slug"].startswith("tour-") and tour["slug"].isascii()
    assert tour["title"] == {"es": title} and tour["visibility"] == "draft"
    again = api.post("editor", f"{V1}/tours", json={"team_id": world.team.id, "title": title})
    assert again.json["slug"] != tour["slug"]


def test_taken_or_malformed_slug_is_refused(api, world):
    body = {"team_id": world.team.id, "title": "x"}
    taken = api.post("editor", f"{V1}/tours", json={**body, "slug": world.tours["public"].slug})
    assert taken.status_code == 409 and "slug" in taken.json["errors"]["json"]
    bad = api.post("editor", f"{V1}/tours", json={**body, "slug": "../Admin"})
    assert bad.status_code == 422


def test_publishing_runs_the_checks(app, api, world):
    created = api.post("editor", f"{V1}/tours", json={"team_id": world.team.id, "title": "R"})
    url = f"{V1}/tours/{created.json['id']}"
    refused = api.patch("editor", url, json={"visibility": "public"})
    assert refused.status_code == 409
    assert refused.json["errors"]["visibility"] == ["The tour has no stops yet."]

    stop = api.post("editor", f"{url}/stops", json={"title": "Plaza"}).json
    problems = api.patch("editor", url, json={"visibility": "unlisted"}).json["errors"]
    assert any("no place on the map" in p for p in problems["visibility"])

    with app.app_context():
        pending = MediaItem(team_id=world.team.id, kind="photo", original_name="kids.jpg")
        db.session.add(pending)
        db.session.commit()
        pending_id = pending.id
    api.patch(
        "editor",
        f"{url}/stops/{stop['id']}",
        json={"site_id": world.public_site.id, "media_ids": [pending_id]},
    )
    refused = api.patch("editor", url, json={"visibility": "public"}).json
    assert refused["errors"]["visibility"] == [
        "Stop 1 (Plaza) shows kids.jpg, which is still being processed.",
        "Stop 1 (Plaza) shows kids.jpg, whose consent is not recorded.",
        "Stop 1 (Plaza) shows kids.jpg, which has no description for people who cannot see "
        "it (alt text) in Spanish.",
    ]
    assert [(p["code"], p["media_id"]) for p in refused["problems"]] == [
        ("media_processing", pending_id),
        ("media_without_consent", pending_id),
        ("media_without_alt_text", pending_id),
    ]
    api.patch(
        "editor",
        f"{V1}/media/{pending_id}",
        json={"consent": "no_people", "alt_text": "Children at the market"},
    )
    problems = api.patch("editor", url, json={"visibility": "public"}).json["errors"]
    assert problems["visibility"] == [
        "Stop 1 (Plaza) shows kids.jpg, which is still being processed."
    ]
    assert api.get("editor", url).json["visibility"] == "draft"

    with app.app_context():
        db.session.get(MediaItem, pending_id).status = MediaStatus.READY
        db.session.commit()
    published = api.patch("editor", url, json={"visibility": "public"})
    assert published.status_code == 200, published.json
    assert published.json["published_at"]
    assert api.get("anon", url).status_code == 200


def test_workshop_tour_is_hidden_from_anonymous(api, world):
    url = f"{V1}/tours/{world.tours['public'].id}"
    assert api.patch("editor", url, json={"visibility": "workshop"}).status_code == 200
    assert api.get("anon", url).status_code == 404
    assert api.get("anon", f"{url}/stops").status_code == 404
    assert world.tours["public"].id not in ids(api.get("anon", f"{V1}/tours"))


def test_stop_texts_markdown_and_presenter_notes(api, world):
    url = f"{V1}/tours/{world.tours['public'].id}/stops"
    created = api.post(
        "editor",
        url,
        json={
            "title": {"en": "Market", "es": "Mercado"},
            "narrative": "**Fresh** <script>alert(1)</script> [web](https://example.org)",
            "presenter_notes": "Secret for facilitators",
            "lat": 37.4,
            "lon": -6.0,
            "zoom": 18,
        },
    )
    assert created.status_code == 201, created.json
    stop = created.json
    assert stop["narrative"] == {
        "es": "**Fresh** <script>alert(1)</script> [web](https://example.org)"
    }
    html = stop["narrative_html"]
    assert "<strong>Fresh</strong>" in html and "<script>" not in html
    assert 'rel="nofollow noopener"' in html
    assert stop["presenter_notes"] == {"es": "Secret for facilitators"}
    tour_url = f"{V1}/tours/{world.tours['public'].id}"
    assert api.get("anon", f"{url}/{stop['id']}").status_code == 404  # only in the draft
    published = api.post("editor", f"{tour_url}/publish", json={"visibility": "public"})
    assert published.status_code == 200, published.json

    one = f"{url}/{stop['id']}"
    assert "presenter_notes" in api.get("facilitator", one).json
    for actor in ("anon", "other"):
        seen = api.get(actor, one).json
        assert "presenter_notes" not in seen
        assert "Secret" not in str(seen)
        assert all("presenter_notes" not in s for s in api.get(actor, url).json)
    assert api.get("anon", one, query_string={"lang": "en"}).json["title_text"] == "Market"
    assert api.get("anon", one, query_string={"lang": "ar"}).json["title_text"] == "Mercado"


def test_translations_merge_on_patch(api, world):
    url = f"{V1}/sites/{world.draft_site.id}"
    api.patch("editor", url, json={"name": {"ar": "سوق", "en": ""}})
    name = api.get("editor", url).json["name"]
    assert name["ar"] == "سوق" and "en" not in name and name["es"]


def test_reorder_stops(api, world):
    tour = world.tours["draft"].id
    first, second = world.stop_ids["draft"]
    response = api.put("editor", f"{V1}/tours/{tour}/stops/order", json=[second, first])
    assert response.status_code == 200
    assert [s["id"] for s in response.json] == [second, first]
    assert [s["position"] for s in response.json] == [0, 1]
    listed = api.get("editor", f"{V1}/tours/{tour}").json["stop_ids"]
    assert listed == [second, first]


def test_deleting_a_site_a_published_tour_needs_is_409(api, world):
    tour = world.tours["public"].id
    stop = world.stop_ids["public"][0]
    api.patch(
        "editor",
        f"{V1}/tours/{tour}/stops/{stop}",
        json={"lat": None, "lon": None, "site_id": world.public_site.id},
    )
    response = api.delete("editor", f"{V1}/sites/{world.public_site.id}")
    assert response.status_code == 409


def test_deleting_a_site_the_published_version_needs_is_409(api, world):
    """The draft no longer stops there, but what the public sees still does."""
    tour = world.tours["public"].id
    stop = world.stop_ids["public"][0]
    url = f"{V1}/tours/{tour}/stops/{stop}"
    api.patch("editor", url, json={"lat": None, "lon": None, "site_id": world.public_site.id})
    published = api.post("editor", f"{V1}/tours/{tour}/publish", json={"visibility": "public"})
    assert published.status_code == 200
    api.patch("editor", url, json={"lat": 37.0, "lon": -6.0, "site_id": None})
    response = api.delete("editor", f"{V1}/sites/{world.public_site.id}")
    assert response.status_code == 409 and world.tours["public"].slug in response.json["message"]


def test_geojson_public_sites_only_rounded_and_cacheable(app, api, world):
    hostile = '<img src=x onerror=alert(1)>"\\'
    api.patch("editor", f"{V1}/sites/{world.public_site.id}", json={"name": {"es": hostile}})
    response = api.get("editor", f"{V1}/sites.geojson")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert "public" in response.headers["Cache-Control"] and response.headers["ETag"]
    doc = response.json
    assert doc["type"] == "FeatureCollection"
    assert [f["id"] for f in doc["features"]] == [world.public_site.id]
    feature = doc["features"][0]
    assert feature["geometry"]["coordinates"] == [-5.99, 37.38]  # rounded, even for editors
    assert feature["properties"] == {
        "name": hostile,
        "themes": [],
        "team": world.team.id,
        "languages": ["en", "es"],
        "approximate": True,
    }
    assert doc["teams"][str(world.team.id)]["name"] == "Team A"
    again = api.get(
        "anon", f"{V1}/sites.geojson", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


def test_team_patch_and_members(api, world):
    url = f"{V1}/teams/{world.team.id}"
    assert api.patch("admin", url, json={"languages": ["en", "es"]}).status_code == 200
    assert api.patch("admin", url, json={"name": "Team B"}).status_code == 409
    members = api.get("facilitator", f"{url}/members").json
    assert {m["role"] for m in members} == {"admin", "editor", "facilitator"}
    assert "email" not in str(members)
