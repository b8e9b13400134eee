"""sitemap.xml and robots.txt: public tours and sites only, with their language versions,
every URL escaped by the XML library."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tourbuilder.models import SiteVisibility
from tourbuilder.models import TourVisibility

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def sitemap(client) -> dict[str, ET.Element]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    return {url.find("s:loc", NS).text: url for url in root.findall("s:url", NS)}


def test_sitemap_lists_public_tours_and_sites_only(client, make):
    team = make.team()
    public = make.tour(team)
    hidden = [
        make.tour(team, visibility=visibility)
        for visibility in (TourVisibility.DRAFT, TourVisibility.WORKSHOP, TourVisibility.UNLISTED)
    ]
    site = make.site(team, visibility=SiteVisibility.PUBLIC)
    draft_site = make.site(team)
    urls = sitemap(client)
    assert "http://localhost/" in urls
    assert f"http://localhost/tours/{public.slug}" in urls
    assert f"http://localhost/sites/{site.id}" in urls
    for tour in hidden:
        assert not [u for u in urls if tour.slug in u], tour.visibility
    assert f"http://localhost/sites/{draft_site.id}" not in urls
    entry = urls[f"http://localhost/tours/{public.slug}"]
    assert entry.find("s:lastmod", NS).text.startswith(str(public.updated_at.year))
    versions = {link.get("hreflang"): link.get("href") for link in entry.findall("x:link", NS)}
    assert versions == {
        "es": f"http://localhost/tours/{public.slug}?lang=es",
        "en": f"http://localhost/tours/{public.slug}?lang=en",
        "x-default": f"http://localhost/tours/{public.slug}",
    }


@pytest.mark.parametrize("hostile", ['a&b<c>"d', "x]]>y"])
def test_sitemap_escapes_what_goes_into_it(app, client, make, hostile):
    app.config["PUBLIC_URL"] = f"https://example.org/{hostile}"
    tour = make.tour(make.team())
    urls = sitemap(client)  # parses: nothing broke the XML
    assert f"https://example.org/{hostile}/tours/{tour.slug}" in urls


def test_robots_points_to_the_sitemap(app, client):
    app.config["PUBLIC_URL"] = "https://tours.example.org"
    text = client.get("/robots.txt", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "Sitemap: https://tours.example.org/sitemap.xml" in text
    assert "Disallow: /api/" in text and "User-agent: *" in text
