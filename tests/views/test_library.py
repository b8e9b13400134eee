"""The team's media page."""

import re
from pathlib import Path

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import Consent
from tourbuilder.models import MediaItem
from tourbuilder.models import Role
from tourbuilder.models import Tour

from ..conftest import AuthActions

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures"
pytestmark = pytest.mark.skipif(not FIXTURES.exists(), reason="../shared/fixtures is absent")


def upload(client, team, name):
    with open(FIXTURES / name, "rb") as fh:
        response = client.post(
            "/api/v1/media",
            data={"team_id": str(team.id), "file": (fh, name)},
            content_type="multipart/form-data",
        )
    assert response.status_code == 201, response.json
    return response.json["id"]


@pytest.fixture(scope="module")
def uploaded(module_app, module_make):
    """Three photos an editor uploaded through the API, processed once per module and
    database (a module world, see tests/conftest.py)."""
    team = module_make.team()
    editor = module_make.user(team, Role.EDITOR)
    client = module_app.test_client()
    AuthActions(client).login(editor)
    ids = [upload(client, team, n) for n in ("IMG_5910.jpg", "issue-exifr-59.jpg", "flower.jpg")]
    return team, editor, ids


@pytest.fixture
def team_with_media(auth, uploaded):
    """The module's team and photos, its editor signed in."""
    auth.login(uploaded[1])
    return uploaded


def test_page_lists_items_with_status_and_location_flags(client, team_with_media):
    team, _, ids = team_with_media
    page = client.get(f"/teams/{team.id}/media").get_data(as_text=True)
    for item_id in ids:
        assert f'id="item-{item_id}"' in page
    assert page.count('data-status="ready"') == 3
    assert "Needs a location" in page  # flower.jpg has no GPS
    assert page.count(">Camera position not confirmed<") == 2
    assert "vendor/uppy/dist/uppy.min.js" in page
    assert f"/media/{ids[0]}/320.webp" in page


def test_facilitators_see_but_cannot_change(client, auth, make, team_with_media):
    team, _, ids = team_with_media
    auth.logout()
    auth.login(make.user(team, Role.FACILITATOR))
    page = client.get(f"/teams/{team.id}/media").get_data(as_text=True)
    assert f'id="item-{ids[0]}"' in page and "uppy.min.js" not in page
    assert (
        client.post(f"/teams/{team.id}/media/{ids[0]}", data={"consent": "no_people"}).status_code
        == 403
    )
    auth.logout()
    auth.login(make.user(make.team(), Role.EDITOR))
    assert client.get(f"/teams/{team.id}/media").status_code == 404
    assert (
        client.post(f"/teams/{team.id}/media/{ids[0]}", data={"consent": "no_people"}).status_code
        == 404
    )


def test_consent_and_location_confirmation(app, client, team_with_media):
    team, _, ids = team_with_media
    response = client.post(
        f"/teams/{team.id}/media/{ids[0]}",
        data={"consent": "consent_recorded", "confirm_location": "1"},
    )
    assert response.status_code == 303
    with app.app_context():
        item = db.session.get(MediaItem, ids[0])
        assert item.consent is Consent.CONSENT_RECORDED and item.location_confirmed
    refused = client.post(f"/teams/{team.id}/media/{ids[0]}", data={"consent": "maybe"})
    assert refused.status_code == 422  # the same refusal as the API's
    assert "Choose who agreed to publication." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(MediaItem, ids[0]).consent is Consent.CONSENT_RECORDED


def test_draft_tour_from_selected_items(app, client, team_with_media):
    team, _, ids = team_with_media
    response = client.post(
        f"/teams/{team.id}/media/tour", data={"media_ids": [str(i) for i in ids], "title": "Walk"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/edit")  # straight into the tour editor
    slug = re.search(r"/tours/([\w-]+)", response.headers["Location"]).group(1)
    with app.app_context():
        tour = db.session.scalars(db.select(Tour).filter_by(slug=slug)).one()
        assert len(tour.stops) == 2 and tour.visibility.value == "draft"
    assert client.get(f"/tours/{slug}").status_code == 200


def test_draft_tour_needs_positions(client, team_with_media):
    team, _, ids = team_with_media
    response = client.post(f"/teams/{team.id}/media/tour", data={"media_ids": [str(ids[2])]})
    assert response.status_code == 303
    assert "no tour was made" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_two_to_one_photo_becomes_a_panorama_when_the_author_says_so(app, client, auth, make):
    import io as _io

    from PIL import Image

    team = make.team()
    auth.login(make.user(team, Role.EDITOR))
    buffer = _io.BytesIO()
    Image.linear_gradient("L").resize((2000, 1000)).convert("RGB").save(buffer, "JPEG")
    buffer.seek(0)
    response = client.post(
        "/api/v1/media",
        data={"team_id": str(team.id), "file": (buffer, "sphere.jpg")},
        content_type="multipart/form-data",
    )
    item_id = response.json["id"]
    assert response.json["kind"] == "photo"
    page = client.get(f"/teams/{team.id}/media").get_data(as_text=True)
    assert "This is a 360° panorama" in page
    client.post(f"/teams/{team.id}/media/{item_id}", data={"as_panorama": "1"})
    with app.app_context():
        item = db.session.get(MediaItem, item_id)
        assert item.kind.value == "panorama" and item.status.value == "ready"
        assert "panorama-2000.jpg" in item.derivatives and item.details["as_panorama"]
    # a photo that is not 2:1 cannot be turned into one
    other = upload(client, team, "flower.jpg")
    client.post(f"/teams/{team.id}/media/{other}", data={"as_panorama": "1"})
    with app.app_context():
        assert db.session.get(MediaItem, other).kind.value == "photo"


@pytest.mark.parametrize(("interface", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_typed_title_is_in_the_interface_language(
    app, client, team_with_media, interface, direction
):
    """A title typed on an English interface is English, even for a team that writes
    Arabic first: stored under "en" and shown left to right."""
    team, _, ids = team_with_media
    with app.app_context():
        db.session.get(type(team), team.id).languages = ["ar", "en"]
        db.session.commit()
    response = client.post(
        f"/teams/{team.id}/media/tour?lang={interface}",
        data={"media_ids": [str(i) for i in ids], "title": "Market walk"},
    )
    slug = re.search(r"/tours/([\w-]+)", response.headers["Location"]).group(1)
    with app.app_context():
        tour = db.session.scalars(db.select(Tour).filter_by(slug=slug)).one()
        assert tour.title == {interface: "Market walk"}
        assert tour.languages == ["ar", "en"]
    page = client.get(f"/tours/{slug}?lang=en").get_data(as_text=True)
    assert f'lang="{interface}" dir="{direction}">Market walk</h1>' in page
