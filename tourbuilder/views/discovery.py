"""What search engines read: sitemap.xml (public tours and public sites, each with its
language versions) and robots.txt pointing to it.

Only what anyone may list goes in: public tours and public sites; drafts, workshop and
unlisted tours never do (an unlisted tour is for the people who were given its link).
"""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import make_response

from ..links import absolute_url
from ..services.publishing import public_tours
from ..services.sites import public_sites
from ..sitemap import Entry
from ..sitemap import sitemap_xml

bp = Blueprint("discovery", __name__)

#: Areas with nothing for search engines: sign-in, team pages, the API, oEmbed.
PRIVATE_PATHS = ("/api/", "/login", "/logout", "/dashboard", "/teams/", "/account", "/oembed")


def language_versions(endpoint: str, languages, **values) -> list[tuple[str, str]]:
    """``(hreflang, URL)`` for each of ``languages`` the interface speaks, and
    ``x-default``; none for a page in one language."""
    known = [lang for lang in languages or [] if lang in current_app.config["LANGUAGES"]]
    if len(known) < 2:
        return []
    versions = [(lang, absolute_url(endpoint, lang=lang, **values)) for lang in known]
    return versions + [("x-default", absolute_url(endpoint, **values))]


def sitemap_entries() -> list[Entry]:
    entries = [
        Entry(
            absolute_url("public.home"),
            alternates=language_versions("public.home", current_app.config["LANGUAGES"]),
        )
    ]
    for tour in public_tours():  # their published versions
        entries.append(
            Entry(
                absolute_url("public.tour", slug=tour.slug),
                tour.updated_at,
                language_versions("public.tour", tour.languages, slug=tour.slug),
            )
        )
    for site in public_sites():
        languages = [lang for lang, text in (site.name or {}).items() if text]
        entries.append(
            Entry(
                absolute_url("public.site", site_id=site.id),
                site.updated_at,
                language_versions("public.site", languages, site_id=site.id),
            )
        )
    return entries


def cached(body, mimetype: str):
    response = make_response(body)
    response.mimetype = mimetype
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["SHARE_CACHE_SECONDS"]
    return response


@bp.route("/sitemap.xml")
def sitemap():
    return cached(sitemap_xml(sitemap_entries()), "application/xml")


@bp.route("/robots.txt")
def robots():
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in PRIVATE_PATHS)]
    lines += ["", f"Sitemap: {absolute_url('discovery.sitemap')}", ""]
    return cached("\n".join(lines), "text/plain")
