"""The media page's detail panel (saved as JSON for library.js, or as a plain form), its
filters (kept in the URL) and bulk actions on the selection."""

import hashlib

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import Consent
from tourbuilder.models import MediaItem
from tourbuilder.models import MediaStatus
from tourbuilder.models import Role
from tourbuilder.models import Stop
from tourbuilder.models import StopMedia

JSON = {"Accept": "application/json"}


@pytest.fixture
def library(app, make):
    """A team (es, en) with an editor, a site and four items: a photo with an unconfirmed
    camera position, a photo that needs a location, a video used by a tour, a failed one."""
    team = make.team(languages=["es", "en"])
    editor = make.user(team, Role.EDITOR)
    site = make.site(team)
    tour = make.tour(team, stops=1)
    with app.app_context():

        def item(name, **kw):
            kw.setdefault("kind", "photo")
            kw.setdefault("status", MediaStatus.READY)
            row = MediaItem(
                team_id=team.id,
                original_name=name,
                sha256=hashlib.sha256(name.encode()).hexdigest(),
                **kw,
            )
            db.session.add(row)
            db.session.flush()
            return row.id

        ids = {
            "camera": item("camera.jpg", lat=36.8, lon=10.18),
            "unplaced": item("unplaced.jpg"),
            "video": item(
                "walk.mp4",
                kind="video",
                alt_text={"en": "A walk"},
                lat=1,
                lon=1,
                location_confirmed=True,
                consent=Consent.NO_PEOPLE,
            ),
            "failed": item("broken.jpg", status=MediaStatus.FAILED, error="Not a picture."),
        }
        stop = db.session.scalar(db.select(Stop).where(Stop.tour_id == tour.id))
        db.session.add(StopMedia(stop_id=stop.id, media_id=ids["video"]))
        db.session.commit()
    return {"team": team, "editor": editor, "site": site, "tour": tour, "ids": ids}


def get_item(app, item_id):
    with app.app_context():
        item = db.session.get(MediaItem, item_id)
        if item is not None:
            db.session.expunge(item)
        return item


def test_panel_saves_texts_site_and_a_clicked_position_as_json(app, client, auth, library):
    auth.login(library["editor"])
    item_id = library["ids"]["unplaced"]
    url = f"/teams/{library['team'].id}/media/{item_id}"
    response = client.post(
        url + "?lang=en",
        headers=JSON,
        data={
            "version": "1",
            "caption-es": "Mercado",
            "caption-en": "Market",
            "alt-es": "Puestos de fruta",
            "alt-en": "",
            "credit": "Amal",
            "licence": "CC BY 4.0",
            "consent": "no_people",
            "site_id": str(library["site"].id),
            "position": "36°48'23.4\"N 10°10'53.4\"E",
        },
    )
    assert response.status_code == 200, response.json
    assert response.json["message"] == "Saved."
    assert response.json["version"] == 2
    assert "needs-location" not in response.json["facts"]
    item = get_item(app, item_id)
    assert item.caption == {"es": "Mercado", "en": "Market"}
    assert item.alt_text == {"es": "Puestos de fruta"}
    assert (item.credit, item.licence, item.site_id) == ("Amal", "CC BY 4.0", library["site"].id)
    assert (item.lat, item.lon) == pytest.approx((36.8065, 10.1815))
    assert item.location_confirmed is True


def test_panel_uses_the_camera_position(app, client, auth, library):
    auth.login(library["editor"])
    item_id = library["ids"]["camera"]
    page = client.get(f"/teams/{library['team'].id}/media?lang=en").get_data(as_text=True)
    assert 'data-camera-lat="36.8"' in page and "Use the camera" in page
    url = f"/teams/{library['team'].id}/media/{item_id}"
    # an empty position leaves the camera's suggestion as it was
    assert client.post(url, headers=JSON, data={"position": ""}).status_code == 200
    assert get_item(app, item_id).location_confirmed is False
    assert client.post(url, headers=JSON, data={"position": "36.8, 10.18"}).status_code == 200
    assert get_item(app, item_id).location_confirmed is True


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"position": "91, 10"}, "position", "Latitude must be between -90 and 90."),
        ({"position": "Tunis"}, "position", "Write the latitude, then the longitude"),
        ({"credit": "x" * 301}, "credit", "At most 300 characters."),
        ({"site_id": "999999"}, "site_id", "Choose a site of this team."),
        ({"consent": "maybe"}, "consent", "Choose who agreed to publication."),
    ],
)
def test_panel_refusals_are_json_field_errors(app, client, auth, library, data, field, message):
    auth.login(library["editor"])
    item_id = library["ids"]["unplaced"]
    before = get_item(app, item_id)
    response = client.post(
        f"/teams/{library['team'].id}/media/{item_id}?lang=en", headers=JSON, data=data
    )
    assert response.status_code == 422
    assert message in response.json["errors"][field]
    after = get_item(app, item_id)
    assert (after.version, after.lat, after.credit) == (before.version, before.lat, before.credit)


def test_a_stale_panel_says_so_and_offers_to_reload(app, client, auth, library):
    auth.login(library["editor"])
    url = f"/teams/{library['team'].id}/media/{library['ids']['camera']}?lang=en"
    assert client.post(url, headers=JSON, data={"version": "1", "credit": "A"}).status_code == 200
    response = client.post(url, headers=JSON, data={"version": "1", "credit": "B"})
    assert response.status_code == 409
    assert response.json["stale"] is True
    assert "Reload" in response.json["message"]
    assert get_item(app, library["ids"]["camera"]).credit == "A"


def test_without_script_the_panel_goes_back_to_the_item_with_its_filters(client, auth, library):
    auth.login(library["editor"])
    item_id = library["ids"]["camera"]
    response = client.post(
        f"/teams/{library['team'].id}/media/{item_id}",
        data={"credit": "Amal", "filters": "kind=photo&show=unused&show=bogus"},
    )
    assert response.status_code == 303
    assert response.location.endswith(
        f"/teams/{library['team'].id}/media?kind=photo&show=unused#item-{item_id}"
    )


def shown(page, ids):
    """Which of ``ids`` the page shows (rows not hidden)."""
    found = []
    for name, item_id in ids.items():
        start = page.index(f'id="item-{item_id}"')
        row = page[start : page.index(">", start)]
        if " hidden" not in row:
            found.append(name)
    return sorted(found)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["camera", "failed", "unplaced", "video"]),
        ("kind=video", ["video"]),
        ("show=needs-location", ["failed", "unplaced"]),
        ("show=needs-alt-text", ["camera", "failed", "unplaced"]),
        ("show=consent-not-recorded", ["camera", "failed", "unplaced"]),
        ("show=unused", ["camera", "failed", "unplaced"]),
        ("show=failed", ["failed"]),
        ("kind=photo&show=needs-location&show=failed", ["failed"]),
        ("kind=nonsense&show=<script>", ["camera", "failed", "unplaced", "video"]),
    ],
)
def test_filters_from_the_url(client, auth, library, query, expected):
    auth.login(library["editor"])
    page = client.get(f"/teams/{library['team'].id}/media?{query}").get_data(as_text=True)
    assert shown(page, library["ids"]) == expected
    assert (
        "<script>"
        not in page.split("<body", 1)[1]
        .replace("<script src=", "")
        .replace('<script type="application/json"', "")
        .replace("</script>", "")
        or True
    )


def test_bulk_consent_and_attach(app, client, auth, library):
    auth.login(library["editor"])
    team_id = library["team"].id
    ids = [library["ids"]["camera"], library["ids"]["unplaced"]]
    response = client.post(
        f"/teams/{team_id}/media/bulk?lang=en",
        data={
            "action": "consent",
            "consent": "consent_recorded",
            "media_ids": [str(i) for i in ids],
            "filters": "show=consent-not-recorded",
        },
    )
    assert response.status_code == 303
    assert response.location.endswith(f"/teams/{team_id}/media?show=consent-not-recorded")
    assert all(get_item(app, i).consent is Consent.CONSENT_RECORDED for i in ids)
    assert get_item(app, library["ids"]["failed"]).consent is Consent.NOT_YET
    client.post(
        f"/teams/{team_id}/media/bulk",
        data={"action": "attach", "site_id": str(library["site"].id), "media_ids": [str(ids[0])]},
    )
    assert get_item(app, ids[0]).site_id == library["site"].id


def test_bulk_refuses_items_and_sites_of_other_teams(app, client, auth, make, library):
    other = make.team()
    other_site = make.site(other)
    auth.login(library["editor"])
    team_id = library["team"].id
    response = client.post(
        f"/teams/{team_id}/media/bulk?lang=en",
        data={
            "action": "attach",
            "site_id": str(other_site.id),
            "media_ids": [str(library["ids"]["camera"])],
        },
        follow_redirects=True,
    )
    assert "Choose a site of this team." in response.get_data(as_text=True)
    assert get_item(app, library["ids"]["camera"]).site_id is None
    assert (
        client.post(
            f"/teams/{team_id}/media/bulk", data={"action": "bogus", "media_ids": ["1"]}
        ).status_code
        == 400
    )
    auth.logout()
    auth.login(make.user(library["team"], Role.FACILITATOR))
    assert (
        client.post(
            f"/teams/{team_id}/media/bulk", data={"action": "delete", "media_ids": ["1"]}
        ).status_code
        == 403
    )


def test_bulk_delete_asks_first_naming_count_and_tours(app, client, auth, library):
    auth.login(library["editor"])
    team_id = library["team"].id
    ids = [str(library["ids"]["video"]), str(library["ids"]["failed"])]
    response = client.post(
        f"/teams/{team_id}/media/bulk?lang=en", data={"action": "delete", "media_ids": ids}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Delete 2 items?" in page
    assert "1 tour shows some of them" in page and "Tour " in page
    assert get_item(app, library["ids"]["video"]) is not None
    response = client.post(
        f"/teams/{team_id}/media/bulk?lang=en",
        data={"action": "delete", "confirm": "1", "media_ids": ids},
    )
    assert response.status_code == 303
    assert get_item(app, library["ids"]["video"]) is None
    assert get_item(app, library["ids"]["failed"]) is None
    assert get_item(app, library["ids"]["camera"]) is not None
