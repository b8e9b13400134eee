"""The tour editor page, "new tour", and the API pieces it relies on (Markdown preview,
typed coordinates, discussion prompts)."""

import json
import re

import pytest

from tourbuilder.models import Role
from tourbuilder.models import TourVisibility


def editor_data(html: str) -> dict:
    found = re.search(r'id="tour-editor-data">(.*?)</script>', html, re.S)
    return json.loads(found[1])


@pytest.fixture
def world(make):
    team = make.team(languages=["es", "ar"])
    return {
        "team": team,
        "tour": make.tour(team, visibility=TourVisibility.DRAFT),
        "public": make.tour(team),
        "editor": make.user(team, Role.EDITOR),
        "facilitator": make.user(team, Role.FACILITATOR),
        "outsider": make.user(make.team(), Role.EDITOR),
        "site": make.site(team, name={"es": "Huerto </script><b>"}),
    }


@pytest.mark.parametrize(
    ("who", "tour", "status"),
    [
        ("editor", "tour", 200),
        ("facilitator", "tour", 403),  # sees the draft, may not change it
        ("outsider", "tour", 404),  # may not even know the draft exists
        ("outsider", "public", 403),
    ],
)
def test_only_the_team_editors_open_the_editor(client, auth, world, who, tour, status):
    auth.login(world[who])
    assert client.get(f"/tours/{world[tour].slug}/edit").status_code == status


def test_signed_out_people_are_sent_to_sign_in(client, world):
    response = client.get(f"/tours/{world['tour'].slug}/edit")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_page_gives_its_script_the_api_and_the_team_sites_as_json(client, auth, world):
    auth.login(world["editor"])
    html = client.get(f"/tours/{world['tour'].slug}/edit?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in html
    data = editor_data(html)
    assert data["urls"]["stops"] == f"/api/v1/tours/{world['tour'].id}/stops"
    assert data["interface_language"] == "ar"
    assert data["strings"]["saved"] != "All changes saved"  # in Arabic
    assert [s["name"] for s in data["sites"]] == ["Huerto </script><b>"]
    assert "</script><b>" not in html.split('id="tour-editor-data">')[1].split("</script>")[0]
    assert "<script>" not in html.replace("<script src=", "").replace(
        '<script type="application/json"', ""
    )  # no inline code: the CSP would block it


def test_new_tour_opens_the_editor_in_the_interface_language(client, auth, world):
    auth.login(world["editor"])
    response = client.post(f"/teams/{world['team'].id}/tours/new?lang=ar")
    assert response.status_code == 303
    slug = response.headers["Location"].split("/tours/")[1].removesuffix("/edit")
    tour = client.get(f"/api/v1/tours?team_id={world['team'].id}&page_size=100").json
    made = next(t for t in tour if t["slug"] == slug)
    assert made["languages"][0] == "ar"
    assert made["visibility"] == "draft"
    assert "ar" in made["title"]


def test_facilitators_make_no_tours(client, auth, world):
    auth.login(world["facilitator"])
    assert client.post(f"/teams/{world['team'].id}/tours/new").status_code == 403


def test_the_team_and_tour_pages_link_the_editor_for_editors_only(client, auth, world):
    link = f"/tours/{world['public'].slug}/edit"
    assert link not in client.get(f"/tours/{world['public'].slug}").get_data(as_text=True)
    auth.login(world["facilitator"])
    assert link not in client.get(f"/tours/{world['public'].slug}").get_data(as_text=True)
    auth.logout()
    auth.login(world["editor"])
    assert link in client.get(f"/tours/{world['public'].slug}").get_data(as_text=True)
    assert link in client.get(f"/teams/{world['team'].id}").get_data(as_text=True)


def test_markdown_preview_is_sanitised_as_published(client, auth, world):
    auth.login(world["editor"])
    text = "**Huerto** <script>alert(1)</script> [x](javascript:alert(2)) [ok](https://e.org)"
    response = client.post("/api/v1/markdown", json={"text": text})
    assert response.status_code == 200
    html = response.json["html"]
    assert "<strong>Huerto</strong>" in html
    assert "&lt;script&gt;" in html and "<script" not in html  # shown, never run
    assert 'href="javascript' not in html
    assert '<a href="https://e.org" rel="nofollow noopener">ok</a>' in html


def test_markdown_preview_needs_someone_and_plain_text(client, auth, world):
    assert client.post("/api/v1/markdown", json={"text": "hi"}).status_code == 401
    auth.login(world["editor"])
    response = client.post("/api/v1/markdown", json={"text": "bad \x00 byte"})
    assert response.status_code == 422
    assert client.post("/api/v1/markdown", json={}).status_code == 422


@pytest.mark.parametrize(
    ("q", "status", "lat"),
    [("37°23'21\"N 5°59'4\"W", 200, 37.3891667), ("37.5, -5", 200, 37.5), ("91, 0", 422, None)],
)
def test_coordinates_are_read_by_the_server(client, q, status, lat):
    response = client.get("/api/v1/coordinates", query_string={"q": q})
    assert response.status_code == status
    if lat is None:
        assert "latitude" in response.json["errors"]["query"]["q"][0].lower()
    else:
        assert response.json["lat"] == pytest.approx(lat)


def test_discussion_prompts_are_translated_and_for_presenters_only(client, auth, world):
    tour = world["public"]
    auth.login(world["editor"])
    stop_id = client.get(f"/api/v1/tours/{tour.id}/stops").json[0]["id"]
    url = f"/api/v1/tours/{tour.id}/stops/{stop_id}"
    prompts = {"es": "¿Quién riega?", "ar": "من يسقي الحديقة؟"}
    response = client.patch(url, json={"discussion_prompts": prompts})
    assert response.status_code == 200, response.json
    assert response.json["discussion_prompts"] == prompts
    client.patch(url, json={"discussion_prompts": {"es": ""}})
    assert client.get(url).json["discussion_prompts"] == {"ar": prompts["ar"]}
    auth.logout()
    assert "discussion_prompts" not in client.get(url).json  # the public reads the tour


def test_discussion_prompts_come_back_when_changes_are_discarded(client, auth, world):
    tour = world["tour"]
    auth.login(world["editor"])
    stop_id = client.get(f"/api/v1/tours/{tour.id}/stops").json[0]["id"]
    url = f"/api/v1/tours/{tour.id}/stops/{stop_id}"
    client.patch(url, json={"discussion_prompts": {"es": "¿Quién riega?"}})
    published = client.post(f"/api/v1/tours/{tour.id}/publish", json={"visibility": "public"})
    assert published.status_code == 200, published.json
    client.patch(url, json={"discussion_prompts": {"es": "Otra pregunta"}})
    assert client.post(f"/api/v1/tours/{tour.id}/discard", json={}).status_code == 200
    assert client.get(url).json["discussion_prompts"] == {"es": "¿Quién riega?"}
