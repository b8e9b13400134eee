"""The home map's data: the compact GeoJSON layer, its search and a popup's card."""

from __future__ import annotations

import gzip
import json

from tourbuilder.models import SiteVisibility

V1 = "/api/v1"


def test_layer_is_sent_gzipped_and_changes_when_a_site_does(api, world, make):
    plain = api.get("anon", f"{V1}/sites.geojson")
    packed = api.get("anon", f"{V1}/sites.geojson", headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert json.loads(gzip.decompress(packed.data)) == plain.json
    assert len(packed.data) < len(plain.data)
    etag = plain.headers["ETag"]
    assert (
        api.get("anon", f"{V1}/sites.geojson", headers={"If-None-Match": etag}).status_code == 304
    )

    added = make.site(world.team, visibility=SiteVisibility.PUBLIC, name={"es": "Huerto"})
    make.site(world.team, visibility=SiteVisibility.DRAFT, name={"es": "Borrador"})
    fresh = api.get("anon", f"{V1}/sites.geojson", headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert [f["id"] for f in fresh.json["features"]] == [world.public_site.id, added.id]
    exact = fresh.json["features"][1]
    assert "approximate" not in exact["properties"]
    assert exact["geometry"]["coordinates"] == [round(added.lon, 5), round(added.lat, 5)]


def test_layer_names_and_country_follow_the_language(api, world):
    doc = api.get("anon", f"{V1}/sites.geojson", query_string={"lang": "ar"}).json
    team = doc["teams"][str(world.team.id)]
    assert team["country"] == "ES"
    assert team["country_name"] == "إسبانيا"
    english = api.get("anon", f"{V1}/sites.geojson", query_string={"lang": "en"}).json
    assert english["teams"][str(world.team.id)]["country_name"] == "Spain"
    assert english["features"][0]["properties"]["name"] == world.public_site.name["en"]


def test_search_ignores_case_and_accents_and_never_finds_drafts(api, world, make):
    garden = make.site(
        world.team,
        visibility=SiteVisibility.PUBLIC,
        name={"es": "Huerta comunitaria de España", "ar": "حديقة المجتمع"},
        description={"en": "A **shared** vegetable garden run by neighbours"},
    )
    make.site(world.team, visibility=SiteVisibility.DRAFT, name={"es": "Huerta secreta de España"})

    def found(q):
        response = api.get("anon", f"{V1}/sites/search", query_string={"q": q})
        assert response.status_code == 200
        return response.json["ids"]

    assert found("espana huerta") == [garden.id]
    assert found("VEGETABLE neighbours") == [garden.id]
    assert found("حديقة") == [garden.id]
    assert found("secreta") == []
    assert found("garden nowhere") == []
    assert api.get("anon", f"{V1}/sites/search").status_code == 422


def test_card_shows_team_country_and_public_tours_only(api, world):
    url = f"{V1}/sites/{world.public_site.id}/card"
    hostile = "<img src=x onerror=alert(1)>"
    api.patch("editor", f"{V1}/tours/{world.tours['public'].id}", json={"title": {"en": hostile}})
    card = api.get("anon", url, query_string={"lang": "en"}).json
    assert card["name"] == world.public_site.name["en"]
    assert card["team"] == {"name": "Team A", "country": "ES", "country_name": "Spain"}
    assert card["approximate"] is True
    assert card["url"] == f"/sites/{world.public_site.id}"
    assert all(t["url"].startswith("/tours/") for t in card["tours"])
    assert {t["url"] for t in card["tours"]} <= {f"/tours/{world.tours['public'].slug}"}
    assert api.get("anon", f"{V1}/sites/{world.draft_site.id}/card").status_code == 404
    assert api.get("editor", f"{V1}/sites/{world.draft_site.id}/card").status_code == 200
