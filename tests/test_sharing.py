"""Sharing a tour: preview tags, the embed view and its frame rules, oEmbed, QR codes that
decode to the tour's address, stop links and the printable handout; hostile text stays
text everywhere it goes."""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser

import pytest
import zxingcpp
from PIL import Image

from tourbuilder.extensions import db
from tourbuilder.models import Consent
from tourbuilder.models import Role
from tourbuilder.models import Stop
from tourbuilder.models import Tour
from tourbuilder.models import TourVisibility

from .test_public import add_photo

HOSTILE = '"><script>alert(1)</script>${alert(2)}`\u2028<img src=x onerror=alert(3)>'


class Page(HTMLParser):
    """The elements of a page the tests read: meta tags, links, iframes, scripts, ids."""

    def __init__(self, html: str):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict] = []
        self.scripts: list[dict] = []
        self.images: list[dict] = []
        self.tags: list[str] = []
        self.ids: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta.setdefault(key, []).append(attrs.get("content"))
        elif tag in ("link", "a"):
            self.links.append({"tag": tag, **attrs})
        elif tag == "script":
            self.scripts.append(attrs)
        elif tag == "img":
            self.images.append(attrs)


def page(client, url: str) -> Page:
    response = client.get(url)
    assert response.status_code == 200, url
    return Page(response.get_data(as_text=True))


def decode_qr(png: bytes) -> str:
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return found.text


def set_visibility(app, tour, visibility):
    with app.app_context():
        db.session.get(Tour, tour.id).visibility = visibility
        db.session.commit()


# Preview tags


def test_public_tour_has_preview_tags_with_the_cover(app, client, make):
    team = make.team()
    tour = make.tour(team, summary={"en": "A walk\n\nthrough   " + "word " * 80})
    cover = add_photo(app, team, consent=Consent.NO_PEOPLE)
    with app.app_context():
        db.session.get(Tour, tour.id).cover_id = cover
        db.session.commit()
    make.republish(tour)
    tags = page(client, f"/tours/{tour.slug}?lang=en").meta
    url = f"http://localhost/tours/{tour.slug}"
    assert tags["og:title"] == [f"Tour {tour.slug.split('-')[1]}"]
    assert tags["og:url"] == [url]
    description = tags["og:description"][0]
    assert description.startswith("A walk through word") and description.endswith("…")
    assert len(description) <= 200 and "\n" not in description
    assert tags["og:image"] == [f"http://localhost/media/{cover}/1280.jpg"]
    assert tags["og:image:alt"] == ["A described photo"]
    assert tags["twitter:card"] == ["summary_large_image"]
    assert tags["og:locale"] == ["en_GB"] and tags["og:locale:alternate"] == ["es_ES"]
    assert "robots" not in tags


def test_cover_the_public_may_not_see_is_not_previewed(app, client, make):
    team = make.team()
    tour = make.tour(team)
    cover = add_photo(app, team, consent=Consent.NOT_YET)
    with app.app_context():
        db.session.get(Tour, tour.id).cover_id = cover
        db.session.commit()
    make.republish(tour)
    tags = page(client, f"/tours/{tour.slug}").meta
    assert "og:image" not in tags and "twitter:image" not in tags
    assert tags["twitter:card"] == ["summary"]


def test_unlisted_tour_has_tags_but_asks_not_to_be_indexed(client, make):
    tour = make.tour(make.team(), visibility=TourVisibility.UNLISTED)
    parsed = page(client, f"/tours/{tour.slug}")
    assert parsed.meta["robots"] == ["noindex"] and parsed.meta["og:title"]
    assert not [link for link in parsed.links if "oembed" in link.get("type", "")]
    assert "share-embed" in parsed.ids  # the share panel: anyone with the link may share it


@pytest.mark.parametrize("visibility", [TourVisibility.DRAFT, TourVisibility.WORKSHOP])
def test_unshared_tours_have_no_preview_tags_or_share_panel(client, make, auth, visibility):
    team = make.team()
    tour = make.tour(team, visibility=visibility)
    auth.login(make.user(team, Role.EDITOR))
    parsed = page(client, f"/tours/{tour.slug}")
    assert not [key for key in parsed.meta if key.startswith(("og:", "twitter:"))]
    assert "share-embed" not in parsed.ids


def test_hostile_titles_stay_text_in_preview_tags_and_share_panel(client, make):
    tour = make.tour(make.team(), title={"en": HOSTILE}, summary={"en": HOSTILE})
    response = client.get(f"/tours/{tour.slug}?lang=en")
    html = response.get_data(as_text=True)
    parsed = Page(html)
    assert parsed.meta["og:title"] == [HOSTILE] and parsed.meta["twitter:title"] == [HOSTILE]
    assert parsed.meta["og:description"] == [HOSTILE.replace("\u2028", " ")]
    assert "<script>alert" not in html and "<img src=x" not in html
    assert parsed.tags.count("img") == 1  # the QR code, nothing the title made
    # the snippets travel as escaped JSON; each one escapes the title in its attribute
    snippets = json.loads(html.split('id="share-snippets">')[1].split("</script>")[0])
    for snippet in snippets.values():
        assert "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in snippet
        assert "<script>" not in snippet


# The embed view and the frame rules


def test_embed_view_can_be_framed_and_other_pages_cannot(client, make):
    tour = make.tour(make.team())
    embed = client.get(f"/tours/{tour.slug}/embed")
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed.headers
    assert "script-src 'self' 'nonce-" in embed.headers["Content-Security-Policy"]
    for url in (f"/tours/{tour.slug}", f"/tours/{tour.slug}/handout", "/", "/sitemap.xml"):
        response = client.get(url)
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], url
        assert response.headers["X-Frame-Options"] == "DENY", url


def test_embed_allowed_origins_setting(app, client, make):
    tour = make.tour(make.team())
    app.config["EMBED_ALLOWED_ORIGINS"] = ["https://partner.example", "x; script-src *"]
    policy = client.get(f"/tours/{tour.slug}/embed").headers["Content-Security-Policy"]
    assert "frame-ancestors https://partner.example" in policy
    assert "script-src *" not in policy  # a source that would add a directive is dropped


def test_embed_view_has_no_site_header_and_opens_the_tour_in_a_new_tab(client, make):
    tour = make.tour(make.team(), stops=3)
    parsed = page(client, f"/tours/{tour.slug}/embed?stop=2&lang=en")
    assert "header" in parsed.tags and "nav" not in parsed.tags
    assert "lang-select" not in parsed.ids and {"stop-1", "stop-2", "stop-3"} <= parsed.ids
    (full,) = [link for link in parsed.links if link.get("class") == "embed-full"]
    assert full["href"] == f"/tours/{tour.slug}"
    assert full["target"] == "_blank" and full["rel"] == "noopener"
    assert parsed.meta["robots"] == ["noindex"]
    html = client.get(f"/tours/{tour.slug}/embed?stop=2").get_data(as_text=True)
    data = json.loads(html.split('class="tb-map-data">')[1].split("</script>")[0])
    assert data["start"] == 2 and len(data["markers"]) == 3  # map.js opens at stop 2


@pytest.mark.parametrize("visibility", [TourVisibility.DRAFT, TourVisibility.WORKSHOP])
def test_embed_shows_only_shared_tours_even_to_members(client, make, auth, visibility):
    team = make.team()
    tour = make.tour(team, visibility=visibility)
    auth.login(make.user(team, Role.ADMIN))
    assert client.get(f"/tours/{tour.slug}/embed").status_code == 404


def test_what_leaves_the_site_is_the_published_version(app, client, make, auth):
    team = make.team()
    tour = make.tour(team, title={"en": "Published title"})
    with app.app_context():
        db.session.get(Tour, tour.id).title = {"en": "Draft title not yet published"}
        db.session.commit()
    url = f"http://localhost/tours/{tour.slug}"
    auth.login(make.user(team, Role.EDITOR))  # the team sees the draft on the tour page...
    assert page(client, f"/tours/{tour.slug}?lang=en").meta["og:title"] == ["Published title"]
    for path in ("/embed?lang=en", "/handout?lang=en"):
        html = client.get(f"/tours/{tour.slug}{path}").get_data(as_text=True)
        assert ("Draft title" in html) is (path.startswith("/handout")), path
    auth.logout()  # ...and everyone else the published version, everywhere
    oembed = client.get("/oembed", query_string={"url": url, "lang": "en"}).get_json()
    assert oembed["title"] == "Published title"
    html = client.get(f"/tours/{tour.slug}/handout?lang=en").get_data(as_text=True)
    assert "Published title" in html and "Draft title" not in html


def test_embed_refuses_a_stop_the_tour_does_not_have(client, make):
    tour = make.tour(make.team(), stops=2)
    assert client.get(f"/tours/{tour.slug}/embed?stop=3").status_code == 404
    assert client.get(f"/tours/{tour.slug}/embed?stop=0").status_code == 404


def test_hostile_text_stays_text_in_the_embed_view(app, client, make):
    tour = make.tour(make.team(), title={"en": HOSTILE}, stops=0)
    with app.app_context():
        db.session.add(Stop(tour_id=tour.id, title={"en": HOSTILE}, lat=37.4, lon=-6.0,
                            narrative={"en": HOSTILE + " **bold**"}))  # fmt: skip
        db.session.commit()
    make.republish(tour)
    html = client.get(f"/tours/{tour.slug}/embed?lang=en").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "**bold**" not in html and "<strong>" not in html  # the excerpt is plain text


# oEmbed


def test_oembed_answers_for_a_public_tour(app, client, make):
    team = make.team()
    tour = make.tour(team, title={"en": HOSTILE})
    url = f"http://localhost/tours/{tour.slug}"
    discovery = [
        link
        for link in page(client, f"/tours/{tour.slug}").links
        if link.get("type") == "application/json+oembed"
    ]
    assert discovery[0]["href"].startswith("http://localhost/oembed?url=")
    response = client.get("/oembed", query_string={"url": url, "format": "json", "lang": "en"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    answer = response.get_json()
    assert answer["type"] == "rich" and answer["version"] == "1.0"
    assert answer["title"] == HOSTILE and answer["provider_name"] == "tourbuilder"
    assert answer["html"].startswith(f'<iframe src="{url}/embed" width="640" height="480"')
    assert "<script>" not in answer["html"] and "&lt;script&gt;" in answer["html"]
    assert (answer["width"], answer["height"]) == (640, 480)
    small = client.get("/oembed", query_string={"url": url + "/embed", "maxwidth": "320"})
    assert (small.get_json()["width"], small.get_json()["height"]) == (320, 240)
    stop = client.get("/oembed", query_string={"url": url + "/stops/2"}).get_json()
    assert stop["html"].startswith(f'<iframe src="{url}/embed?stop=2"')
    embed = client.get("/oembed", query_string={"url": url + "/embed?stop=1"}).get_json()
    assert embed["html"].startswith(f'<iframe src="{url}/embed?stop=1"')
    for missing in ("/stops/9", "/embed?stop=9"):
        assert client.get("/oembed", query_string={"url": url + missing}).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "http://evil.example/tours/{slug}",
        "javascript:alert(1)//localhost/tours/{slug}",
        "http://localhost:99999/tours/{slug}",
        "http://localhost/tours/{slug}/handout",
        "http://localhost/tours/no-such-tour",
        "http://localhost/",
        "not a url",
    ],
)
def test_oembed_is_404_for_other_hosts_pages_and_malformed_urls(client, make, url):
    tour = make.tour(make.team())
    response = client.get("/oembed", query_string={"url": url.format(slug=tour.slug)})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "visibility", [TourVisibility.DRAFT, TourVisibility.WORKSHOP, TourVisibility.UNLISTED]
)
def test_oembed_is_404_for_tours_that_are_not_public(client, make, auth, visibility):
    team = make.team()
    tour = make.tour(team, visibility=visibility)
    auth.login(make.user(team, Role.ADMIN))
    url = f"http://localhost/tours/{tour.slug}"
    assert client.get("/oembed", query_string={"url": url}).status_code == 404


def test_oembed_refuses_xml_and_bad_sizes(client, make):
    url = f"http://localhost/tours/{make.tour(make.team()).slug}"
    assert client.get("/oembed", query_string={"url": url, "format": "xml"}).status_code == 501
    assert client.get("/oembed").status_code == 400
    for bad in ("-5", "0", "wide", "1e3", "٣٠٠"):
        response = client.get("/oembed", query_string={"url": url, "maxwidth": bad})
        assert response.status_code == 400, bad


def test_public_url_setting_decides_links_whatever_the_host_header(app, client, make):
    tour = make.tour(make.team())
    app.config["PUBLIC_URL"] = "https://tours.example.org/app/"
    headers = {"Host": "evil.example"}
    png = client.get(f"/tours/{tour.slug}/qr.png", headers=headers).data
    assert decode_qr(png) == f"https://tours.example.org/app/tours/{tour.slug}"
    tags = Page(client.get(f"/tours/{tour.slug}", headers=headers).get_data(as_text=True)).meta
    assert tags["og:url"] == [f"https://tours.example.org/app/tours/{tour.slug}"]
    ok = client.get(
        "/oembed", query_string={"url": f"https://tours.example.org/app/tours/{tour.slug}"}
    )
    assert ok.status_code == 200
    assert f'src="https://tours.example.org/app/tours/{tour.slug}/embed"' in ok.get_json()["html"]
    evil = client.get("/oembed", query_string={"url": f"http://evil.example/tours/{tour.slug}"})
    assert evil.status_code == 404


# QR codes and stop links


def test_qr_codes_decode_to_the_tour_and_stop_addresses(client, make):
    tour = make.tour(make.team(), stops=2)
    png = client.get(f"/tours/{tour.slug}/qr.png")
    assert png.mimetype == "image/png" and "public" in png.headers["Cache-Control"]
    assert decode_qr(png.data) == f"http://localhost/tours/{tour.slug}"
    stop = client.get(f"/tours/{tour.slug}/stops/2/qr.png?scale=4")
    assert decode_qr(stop.data) == f"http://localhost/tours/{tour.slug}/stops/2"
    assert Image.open(io.BytesIO(stop.data)).width < Image.open(io.BytesIO(png.data)).width
    links = [a["href"] for a in page(client, f"/tours/{tour.slug}").links if a.get("download")]
    assert f"/tours/{tour.slug}/stops/2/qr.png" in links  # the share panel offers each stop's
    svg = client.get(f"/tours/{tour.slug}/qr.svg")
    assert svg.mimetype == "image/svg+xml"
    assert svg.data.startswith(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ')


def test_qr_codes_are_cached_and_revalidated(client, make):
    tour = make.tour(make.team())
    first = client.get(f"/tours/{tour.slug}/qr.svg")
    same = {"If-None-Match": first.headers["ETag"]}
    assert client.get(f"/tours/{tour.slug}/qr.svg", headers=same).status_code == 304
    png = client.get(f"/tours/{tour.slug}/qr.png", headers=same)
    assert png.status_code == 200  # another picture, another validator


def test_qr_codes_follow_the_tour_page_rule(client, make, auth):
    team = make.team()
    draft = make.tour(team, visibility=TourVisibility.DRAFT, stops=1)
    for url in (f"/tours/{draft.slug}/qr.png", f"/tours/{draft.slug}/stops/1/qr.svg"):
        assert client.get(url).status_code == 404
    auth.login(make.user(team, Role.FACILITATOR))
    member = client.get(f"/tours/{draft.slug}/qr.png")
    assert member.status_code == 200 and "private" in member.headers["Cache-Control"]


def test_qr_refuses_bad_scales_and_missing_stops(client, make):
    tour = make.tour(make.team(), stops=1)
    for scale in ("0", "41", "big"):
        assert client.get(f"/tours/{tour.slug}/qr.png?scale={scale}").status_code == 400
    assert client.get(f"/tours/{tour.slug}/stops/2/qr.png").status_code == 404
    assert client.get(f"/tours/{tour.slug}/qr.gif").status_code == 404


def test_stop_qr_codes_print_the_address_of_the_stop_page(client, make):
    tour = make.tour(make.team(), stops=2)
    url = decode_qr(client.get(f"/tours/{tour.slug}/stops/2/qr.png").data)
    page_of_stop = client.get(url.removeprefix("http://localhost"))
    assert page_of_stop.status_code == 200  # the tour page, opened at stop 2
    assert 'id="stop-2"' in page_of_stop.get_data(as_text=True)


# The printable handout


def test_handout_has_the_map_the_stops_and_the_qr_code(client, make):
    tour = make.tour(make.team(), stops=3, summary={"en": "Three places"})
    html = client.get(f"/tours/{tour.slug}/handout?lang=en").get_data(as_text=True)
    parsed = Page(html)
    assert "nav" not in parsed.tags and "lang-select" not in parsed.ids
    assert html.count("<circle") == 3 and "<polyline" in html
    (qr_image,) = [img for img in parsed.images if "qr" in img["src"]]
    assert qr_image["src"] == f"/tours/{tour.slug}/qr.svg"
    for n in (1, 2, 3):
        assert f"Stop {n}" in html
    assert "Three places" in html and f"http://localhost/tours/{tour.slug}" in html
    assert any(
        script["src"].startswith("/static/js/share.js?v=") and "defer" in script
        for script in parsed.scripts
    )
    assert parsed.meta["robots"] == ["noindex"]


def test_hostile_text_stays_text_in_the_handout(app, client, make):
    tour = make.tour(make.team(), title={"en": HOSTILE}, summary={"en": HOSTILE}, stops=0)
    with app.app_context():
        db.session.add(Stop(tour_id=tour.id, title={"en": HOSTILE}, lat=37.4, lon=-6.0,
                            narrative={"en": HOSTILE}))  # fmt: skip
        db.session.commit()
    make.republish(tour)
    html = client.get(f"/tours/{tour.slug}/handout?lang=en").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3  # title, summary, stop


def test_handout_follows_the_tour_page_rule(client, make, auth):
    team = make.team()
    workshop = make.tour(team, visibility=TourVisibility.WORKSHOP)
    assert client.get(f"/tours/{workshop.slug}/handout").status_code == 404
    auth.login(make.user(team, Role.FACILITATOR))
    assert client.get(f"/tours/{workshop.slug}/handout").status_code == 200


def test_sharing_pages_run_no_inline_code_but_the_nonced_map(client, make):
    from .test_headers import inline_code
    from .test_headers import policy

    tour = make.tour(make.team())
    for url in (f"/tours/{tour.slug}", f"/tours/{tour.slug}/embed", f"/tours/{tour.slug}/handout"):
        response = client.get(url)
        code = inline_code(response.get_data(as_text=True))
        assert not code.handlers and not code.styles and not code.style_elements, url
        nonce = [v for v in policy(response)["script-src"] if v.startswith("'nonce-")]
        for script in code.scripts:
            assert nonce and f"'nonce-{script.get('nonce')}'" == nonce[0], url
