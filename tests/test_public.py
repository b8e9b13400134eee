"""Public pages: who sees which tour and site, what media the public sees, escaping,
approximate positions, language and direction."""

from __future__ import annotations

import json
import re

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import Consent
from tourbuilder.models import MediaItem
from tourbuilder.models import MediaKind
from tourbuilder.models import MediaStatus
from tourbuilder.models import Role
from tourbuilder.models import SiteVisibility
from tourbuilder.models import Stop
from tourbuilder.models import StopMedia
from tourbuilder.models import TourVisibility

DATA = re.compile(r'<script type="application/json" class="tb-map-data">(.*?)</script>', re.S)
HOSTILE = '${alert(1)}</script><script>alert(2)</script>"><img src=x onerror=alert(3)>`'


def map_data(html: str) -> dict:
    (payload,) = DATA.findall(html)
    return json.loads(payload)


@pytest.fixture
def actors(make, auth):
    """``login(actor)`` for "anonymous", "other team" (an editor elsewhere) and "member"
    (a facilitator of the content's team); ``team`` owns the content."""
    team = make.team()
    users = {
        "member": make.user(team, role=Role.FACILITATOR),
        "other team": make.user(make.team(), role=Role.EDITOR),
    }

    def login(actor):
        if actor != "anonymous":
            auth.login(users[actor])

    login.team = team
    return login


TOUR_RULES = [
    (TourVisibility.PUBLIC, "anonymous", 200),
    (TourVisibility.PUBLIC, "other team", 200),
    (TourVisibility.PUBLIC, "member", 200),
    (TourVisibility.UNLISTED, "anonymous", 200),
    (TourVisibility.UNLISTED, "other team", 200),
    (TourVisibility.UNLISTED, "member", 200),
    (TourVisibility.WORKSHOP, "anonymous", 404),
    (TourVisibility.WORKSHOP, "other team", 404),
    (TourVisibility.WORKSHOP, "member", 200),
    (TourVisibility.DRAFT, "anonymous", 404),
    (TourVisibility.DRAFT, "other team", 404),
    (TourVisibility.DRAFT, "member", 200),
]


@pytest.mark.parametrize(("visibility", "actor", "status"), TOUR_RULES)
def test_tour_page_visibility(client, make, actors, visibility, actor, status):
    tour = make.tour(actors.team, visibility=visibility, slug="t")
    actors(actor)
    response = client.get(f"/tours/{tour.slug}?lang=en")
    assert response.status_code == status
    if status == 200:
        assert "Tour " in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("visibility", "actor", "status"),
    [
        (SiteVisibility.PUBLIC, "anonymous", 200),
        (SiteVisibility.PUBLIC, "other team", 200),
        (SiteVisibility.PUBLIC, "member", 200),
        (SiteVisibility.DRAFT, "anonymous", 404),
        (SiteVisibility.DRAFT, "other team", 404),
        (SiteVisibility.DRAFT, "member", 200),
    ],
)
def test_site_page_visibility(client, make, actors, visibility, actor, status):
    site = make.site(actors.team, visibility=visibility)
    actors(actor)
    assert client.get(f"/sites/{site.id}").status_code == status


def test_missing_tour_and_site_are_404(client):
    assert client.get("/tours/nowhere").status_code == 404
    assert client.get("/sites/999").status_code == 404


def test_home_lists_only_public_tours_and_sites(client, make):
    team = make.team()
    for visibility in TourVisibility:
        make.tour(team, slug=f"t-{visibility.value}", visibility=visibility,
                  title={"en": f"Tour {visibility.value}"})  # fmt: skip
    make.site(team, name={"en": "Shown site"}, visibility=SiteVisibility.PUBLIC)
    make.site(team, name={"en": "Draft site"}, visibility=SiteVisibility.DRAFT)
    html = client.get("/?lang=en").get_data(as_text=True)
    assert "Tour public" in html
    for hidden in ("Tour unlisted", "Tour workshop", "Tour draft", "Draft site"):
        assert hidden not in html
    layer = client.get(map_data(html)["layer"]).json  # the points the home map clusters
    assert [f["properties"]["name"] for f in layer["features"]] == ["Shown site"]


OVERVIEW = re.compile(r'<script type="application/json" id="home-overview">(.*?)</script>', re.S)


def overview(html: str) -> dict:
    (payload,) = OVERVIEW.findall(html)
    return json.loads(payload)


def test_home_carries_its_first_view_of_public_sites_only(client, make):
    team = make.team()
    shown = make.site(team, name={"en": HOSTILE}, visibility=SiteVisibility.PUBLIC)
    make.site(team, name={"en": "Draft site"}, visibility=SiteVisibility.DRAFT)
    html = client.get("/?lang=en").get_data(as_text=True)
    assert "Draft site" not in html
    assert "<script>alert(2)" not in html  # the name cannot end the JSON's element
    first = overview(html)
    where = [round(shown.lat, 5), round(shown.lon, 5)]  # as exact as the layer
    assert first["bounds"] == [where, where]
    (view,) = first["views"].values()
    assert view["points"] == [[round(shown.lat, 4), round(shown.lon, 4), shown.id, HOSTILE]]

    # a site published later is in the next page's view
    second = make.site(team, name={"en": "Later"}, visibility=SiteVisibility.PUBLIC)
    views = overview(client.get("/?lang=en").get_data(as_text=True))["views"]
    assert {p[2] for v in views.values() for p in v["points"]} == {shown.id, second.id}

    # sites close together are a group, its count written for the page's language
    for n in range(3):
        make.site(team, name={"en": f"Close {n}"}, visibility=SiteVisibility.PUBLIC,
                  lat=40.0 + n / 10000, lon=20.0)  # fmt: skip
    views = overview(client.get("/?lang=en").get_data(as_text=True))["views"]
    groups = [c for v in views.values() for c in v["clusters"] if c[2] == 3]
    assert groups and all(c[7] == "3" for c in groups)

    # with filters in the URL the view would be wrong: only where to open
    filtered = overview(client.get("/?lang=en&country=TN").get_data(as_text=True))
    assert set(filtered) == {"bounds"}


def test_only_unlisted_tours_ask_not_to_be_indexed(client, make):
    team = make.team()
    public = make.tour(team, visibility=TourVisibility.PUBLIC)
    unlisted = make.tour(team, visibility=TourVisibility.UNLISTED)
    noindex = '<meta name="robots" content="noindex">'
    assert noindex not in client.get(f"/tours/{public.slug}").get_data(as_text=True)
    assert noindex in client.get(f"/tours/{unlisted.slug}").get_data(as_text=True)


def test_pages_use_local_assets_only(client, make):
    team = make.team()
    tour = make.tour(team, stops=3)
    site = make.site(team, visibility=SiteVisibility.PUBLIC)
    for url in ("/", f"/tours/{tour.slug}", f"/sites/{site.id}"):
        html = client.get(url).get_data(as_text=True)
        found = set(re.findall(r"https?://[^\s\"'<>\\]+", html))
        found = {u for u in found if not u.startswith("http://localhost/")}  # its own pages
        assert found <= {"http://127.0.0.1:9/{z}/{x}/{y}.png",
                         "https://www.openstreetmap.org/copyright"}, url  # fmt: skip
        assert "/static/vendor/leaflet/dist/leaflet.js" in html


def test_tour_page_shows_stops_in_order_on_the_map(client, make):
    tour = make.tour(make.team(), stops=3)
    html = client.get(f"/tours/{tour.slug}?lang=en").get_data(as_text=True)
    data = map_data(html)
    assert data["kind"] == "tour"
    assert [(m["number"], m["title"], m["target"]) for m in data["markers"]] == [
        (1, "Stop 1", "stop-1"),
        (2, "Stop 2", "stop-2"),
        (3, "Stop 3", "stop-3"),
    ]
    assert html.index('id="stop-1"') < html.index('id="stop-2"') < html.index('id="stop-3"')


def test_hostile_titles_are_escaped_everywhere(app, client, make):
    team = make.team()
    site = make.site(team, name={"en": HOSTILE}, themes=[HOSTILE],
                     visibility=SiteVisibility.PUBLIC)  # fmt: skip
    tour = make.tour(team, title={"en": HOSTILE}, summary={"en": HOSTILE}, stops=0)
    with app.app_context():
        narrative = HOSTILE + " <script>alert(9)</script> **bold**"
        db.session.add(Stop(tour_id=tour.id, site_id=site.id, title={"en": HOSTILE},
                            narrative={"en": narrative}))  # fmt: skip
        db.session.commit()
    make.republish(tour)
    for url in ("/?lang=en", f"/tours/{tour.slug}?lang=en", f"/sites/{site.id}?lang=en"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert "&lt;/script&gt;&lt;script&gt;alert(2)" in html or url == "/?lang=en"
        if url == "/?lang=en":  # the home map's points come from the layer, as JSON
            layer = client.get(map_data(html)["layer"]).json
            titles = [f["properties"]["name"] for f in layer["features"]]
        else:
            titles = [m["title"] for m in map_data(html)["markers"]]
        assert HOSTILE in titles, url
    html = client.get(f"/tours/{tour.slug}?lang=en").get_data(as_text=True)
    assert "<strong>bold</strong>" in html


def add_photo(app, team, *, consent, status=MediaStatus.READY, site=None, stop=None):
    with app.app_context():
        item = MediaItem(
            team_id=team.id,
            site_id=site.id if site else None,
            kind=MediaKind.PHOTO,
            status=status,
            consent=consent,
            sha256=f"{consent}-{status}",
            alt_text={"en": "A described photo"},
            caption={"en": "A caption"},
            credit="Someone",
            derivatives={
                f"{edge}.{ext}": {
                    "key": f"k/{edge}.{ext}",
                    "mime": mime,
                    "width": edge,
                    "height": edge * 2 // 3,
                }
                for edge in (640, 1280)
                for ext, mime in (("jpg", "image/jpeg"), ("webp", "image/webp"))
            },  # fmt: skip
        )
        db.session.add(item)
        db.session.flush()
        if stop is not None:
            db.session.add(StopMedia(stop_id=stop.id, media_id=item.id, position=item.id))
        db.session.commit()
        return item.id


@pytest.mark.parametrize(("actor", "sees_unpublishable"), [("anonymous", False),
                                                          ("other team", False),
                                                          ("member", True)])  # fmt: skip
def test_unpublishable_media_is_hidden_from_the_public(
    app, client, make, actors, actor, sees_unpublishable
):
    team = actors.team
    site = make.site(team, visibility=SiteVisibility.PUBLIC)
    tour = make.tour(team, stops=1)
    with app.app_context():
        stop = db.session.scalar(db.select(Stop).where(Stop.tour_id == tour.id))
    ok = add_photo(app, team, consent=Consent.NO_PEOPLE, stop=stop, site=site)
    no_consent = add_photo(app, team, consent=Consent.NOT_YET, stop=stop, site=site)
    processing = add_photo(app, team, consent=Consent.NO_PEOPLE, stop=stop, site=site,
                           status=MediaStatus.PROCESSING)  # fmt: skip
    make.republish(tour)
    actors(actor)
    for url in (f"/tours/{tour.slug}?lang=en", f"/sites/{site.id}?lang=en"):
        html = client.get(url).get_data(as_text=True)
        assert f'srcset="/media/{ok}/640.jpg 640w, /media/{ok}/1280.jpg 1280w"' in html
        assert f"/media/{ok}/640.webp 640w" in html
        assert 'alt="A described photo"' in html and 'loading="lazy"' in html
        assert 'width="1280" height="853"' in html
        for hidden in (no_consent, processing):
            assert (f"/media/{hidden}/" in html) is sees_unpublishable, (url, hidden)


@pytest.mark.parametrize(("actor", "exact"), [("anonymous", False), ("other team", False),
                                              ("member", False), ("editor", True)])  # fmt: skip
def test_approximate_sites_are_rounded_for_non_editors(client, make, actors, auth, actor, exact):
    site = make.site(actors.team, lat=37.123456, lon=-5.987654, approximate_location=True,
                     address="Calle Secreta 7", visibility=SiteVisibility.PUBLIC)  # fmt: skip
    tour = make.tour(actors.team, stops=0)
    with client.application.app_context():
        db.session.add(Stop(tour_id=tour.id, site_id=site.id, title={"en": "Here"}))
        db.session.commit()
    make.republish(tour)
    if actor == "editor":
        auth.login(make.user(actors.team, role=Role.EDITOR))
    else:
        actors(actor)
    expected = (37.123456, -5.987654) if exact else (37.12, -5.99)
    # the map of every project is one public layer, the same for everyone: always rounded
    layer = client.get(map_data(client.get("/").get_data(as_text=True))["layer"]).json
    ((lon, lat),) = [f["geometry"]["coordinates"] for f in layer["features"]]
    assert (lat, lon) == (37.12, -5.99)
    for url in (f"/sites/{site.id}", f"/tours/{tour.slug}"):
        html = client.get(url).get_data(as_text=True)
        (marker,) = [m for m in map_data(html)["markers"]]
        assert (marker["lat"], marker["lon"]) == expected, url
        assert ("37.123456" in html) is exact, url
    site_html = client.get(f"/sites/{site.id}").get_data(as_text=True)
    assert ("Calle Secreta 7" in site_html) is exact


def test_arabic_pages_are_right_to_left(client, make):
    tour = make.tour(make.team())
    for url in ("/?lang=ar", f"/tours/{tour.slug}?lang=ar"):
        html = client.get(url).get_data(as_text=True)
        assert '<html lang="ar" dir="rtl">' in html
    # Spanish text on an Arabic page keeps its own direction
    html = client.get(f"/tours/{tour.slug}?lang=ar").get_data(as_text=True)
    assert 'lang="es" dir="ltr"' in html


def test_public_pages_link_their_other_languages(client, make):
    tour = make.tour(make.team())
    html = client.get(f"/tours/{tour.slug}?lang=el").get_data(as_text=True)
    for code in ("en", "es", "ar", "el", "pt", "fr", "ca"):
        assert f'hreflang="{code}" href="http://localhost/tours/{tour.slug}?lang={code}"' in html
    assert f'hreflang="x-default" href="http://localhost/tours/{tour.slug}"' in html
    missing = client.get("/tours/nowhere?lang=el").get_data(as_text=True)
    assert "hreflang" not in missing  # an error page has no other versions


@pytest.mark.parametrize("lang", ["ar", "el"])
def test_error_pages_speak_the_readers_language(client, lang):
    from tests.test_i18n import po_path
    from tests.test_i18n import read_catalogue

    catalogue = read_catalogue(po_path(lang), lang)
    html = client.get(f"/tours/nowhere?lang={lang}").get_data(as_text=True)
    assert "Not Found" not in html and "Not found" not in html
    assert catalogue.get("Not found").string in html
    assert catalogue.get("There is nothing here, or it is not shared with you.").string in html
