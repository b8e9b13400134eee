"""Public pages: the map of every published project and tour, a tour, a site; health.

Views load and authorise (the rules live on the models), gather what the page shows and
render. Maps come from :mod:`tourbuilder.maps`; user text reaches them only as JSON.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort
from flask import Blueprint
from flask import g
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import format_number
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from .. import derivatives
from .. import maps
from .. import page_cache
from .. import sharing
from ..extensions import db
from ..i18n import content_language
from ..i18n import current_language
from ..models import MediaItem
from ..models import MediaKind
from ..models import Site
from ..models import Stop
from ..models import TourVisibility
from ..services import library
from ..services import presenting
from ..services import publishing
from ..services import site_map
from ..services import tours
from ..text import render_markdown
from . import map_tiles

bp = Blueprint("public", __name__)


@bp.route("/healthz")
def healthz():
    from ..database import ping

    ping()
    return {"status": "ok"}


def get_viewable_site(site_id: int) -> Site:
    """:raise 404: no such site, or the current user may not view it."""
    site = db.session.get(Site, site_id)
    if site is None or not site.can_view(current_user):
        abort(404)
    return site


def shown_photos(items, user) -> list[dict]:
    """Pictures of the photos (and panoramas, as still pictures) ``user`` may see here."""
    return [m for m in shown_media(items, user) if m["type"] in ("photo", "panorama")]


def shown_media(items, user) -> list[dict]:
    """What ``user`` may see here of ``items`` (see :func:`library.shown_to`), ready for
    ``_partials/media.html``."""
    shown = []
    for item in library.shown_to(items, user):
        if item.kind in (MediaKind.PHOTO, MediaKind.PANORAMA):
            entry = picture_of(item)
            if entry and item.kind is MediaKind.PANORAMA:
                entry["pano"] = panorama_of(item)
        else:
            entry = player_of(item)
        if entry:
            entry.setdefault("type", str(item.kind))
            shown.append(entry)
    return shown


def panorama_of(item: MediaItem) -> dict | None:
    """The 360° viewer's image and first view (the GPano initial view the pipeline kept)."""
    images = derivatives.of_role(item.derivatives, "panorama", "jpg")
    if not images:
        return None
    view = (item.details or {}).get("panorama") or {}
    return {
        "src": url_for("media.derivative", item_id=item.id, variant=images[-1][0]),
        "yaw": view.get("heading", 0.0),
        "pitch": view.get("pitch", 0.0),
        "hfov": min(max(view.get("fov") or 90.0, 50.0), 120.0),
    }


def player_of(item: MediaItem) -> dict | None:
    """Sources, poster and caption tracks of a video or sound recording; None until it has
    its web versions. Video plays the 720p rendition when there is one (lighter on phones
    and slow connections), else the smallest there is."""
    videos = derivatives.of_role(item.derivatives, "video")
    sources = videos or derivatives.of_role(item.derivatives, "audio")
    if not sources:
        return None

    def url(name):
        return url_for("media.derivative", item_id=item.id, variant=name)

    chosen, entry = next(
        ((n, e) for n, e in videos if derivatives.parse(n).size == 720), sources[0]
    )
    posters = derivatives.of_role(item.derivatives, "poster", "jpg")
    lang = current_language()
    return {
        "id": item.id,
        "type": "video" if videos else "audio",
        "src": url(chosen),
        "mime": entry.get("mime") or "video/mp4",
        "poster": url(posters[-1][0]) if posters else "",
        "width": item.width or "",
        "height": item.height or "",
        "tracks": [
            {"src": url(name), "lang": derivatives.parse(name).language}
            for name, _entry in derivatives.of_role(item.derivatives, "captions")
        ],
        "alt": item.text("alt_text", lang),
        "alt_lang": item.text_language("alt_text", lang) or "",
        "caption": item.text("caption", lang),
        "caption_lang": item.text_language("caption", lang) or "",
        "credit": item.credit,
        "publishable": item.is_publishable,
    }


def picture_of(item: MediaItem) -> dict | None:
    """``srcset``s (WebP and JPEG), fallback ``src``, size, alt text, caption and credit
    from the item's photo-size derivatives; None when it has none yet."""
    found = {
        ext: [(e["width"], n) for n, e in derivatives.of_role(item.derivatives, "photo", ext)]
        for ext in ("webp", "jpg")
    }
    if not found["jpg"]:
        return None

    def srcset(entries):
        return ", ".join(
            f"{url_for('media.derivative', item_id=item.id, variant=name)} {width}w"
            for width, name in entries
        )

    width, name = found["jpg"][-1]
    lang = current_language()
    return {
        "id": item.id,
        "webp": srcset(found["webp"]),
        "jpg": srcset(found["jpg"]),
        "src": url_for("media.derivative", item_id=item.id, variant=name),
        "width": width,
        "height": item.derivatives[name].get("height") or "",
        "alt": item.text("alt_text", lang),
        "alt_lang": item.text_language("alt_text", lang) or "",
        "caption": item.text("caption", lang),
        "caption_lang": item.text_language("caption", lang) or "",
        "credit": item.credit,
        "publishable": item.is_publishable,
    }


def map_notes() -> dict:
    """Words every map may show (static/js/map.js): the note over the built-in basemap and
    Leaflet's own controls, which are English otherwise."""
    return {
        "offline": _("Detailed map unavailable — showing a simplified map"),
        "zoomIn": _("Zoom in"),
        "zoomOut": _("Zoom out"),
        "closePopup": _("Close"),
    }


def static_url(filename: str) -> str:
    return url_for("static", filename=filename)


def safe_website(url: str) -> str:
    """The site's web address when it is an http(s) URL, else nothing."""
    parts = urlsplit(url or "")
    return url if parts.scheme in ("http", "https") and parts.netloc else ""


# The home page's filters, read from and kept in its URL by static/js/home-map.js.
HOME_FILTERS = ("q", "country", "team", "theme", "language")


@bp.route("/")
def home():
    """The map of every public project (clustered in the browser from the GeoJSON layer,
    with filters and search) and the gallery of public tours. Kept for anonymous readers
    until a public site, team or tour changes (:mod:`tourbuilder.page_cache`)."""
    chosen = {name: request.args.get(name, "") for name in HOME_FILTERS}
    return page_cache.page(
        lambda: (tuple(chosen.items()), site_map.data_version(), page_cache.home_version()),
        lambda: home_page(chosen),
    )


def home_page(chosen: dict) -> str:
    lang = current_language()
    layer = site_map.layer(lang)
    layer_url = url_for("Sites.SitesGeoJSON", lang=lang)
    data = {
        "layer": layer_url,
        "search": url_for("Sites.SiteSearch"),
        "card": url_for("Sites.SiteCard", site_id=0, lang=lang).replace("/0/", "/{id}/"),
        "labels": {
            "map": _("Map of the projects"),
            "more": _("About this project"),
            "tours": _("Tours that stop here"),
            "shown": _("Projects shown: %(num)s"),
            "cluster": _("%(num)s projects here: zoom in"),
            "approximate": _("Approximate location"),
            "failed": _("The projects could not be loaded. Check your connection and reload."),
            **map_notes(),
        },
    }
    parts = maps.cluster_map(map_tiles(), data, static_url)
    cards = [
        {
            "tour": tour,
            "cover": shown_photos([tour.cover], current_user)[:1],
            "stops": len(tour.stops),
        }
        for tour in publishing.public_tours()
    ]
    return render_template(
        "public/home.html",
        cards=cards,
        parts=parts,
        site_count=layer.count,
        site_count_written=format_number(layer.count),
        facets=layer.facets,
        chosen=chosen,
        layer_url=layer_url,
        overview=maps.json_for_script(home_overview(layer.overview, any(chosen.values()))),
    )


def home_overview(overview: dict, filtered: bool) -> dict:
    """The map's opening view (services/map_overview.py), each group's count also written
    as the reader's language writes numbers, so the page draws it without formatting any;
    with filters, only where to open (the view would show what they leave out)."""
    if filtered or not overview:
        return {k: v for k, v in overview.items() if k == "bounds"}
    views = {
        zoom: {
            "clusters": [[*group, format_number(group[2])] for group in view["clusters"]],
            "points": view["points"],
        }
        for zoom, view in overview["views"].items()
    }
    return {"bounds": overview["bounds"], "views": views}


@bp.route("/tours/<slug>")
@bp.route("/tours/<slug>/stops/<int:number>")
def tour(slug: str, number: int | None = None):
    """A tour as a story: the stops beside the map, which follows the reader. Each stop
    has its own address (``/tours/<slug>/stops/<n>``): the same page, opened at it.

    The public sees the published version; the team the draft (a preview with a banner;
    ``?version=published`` shows the team what the public sees).

    :raise 404: no such tour, one the viewer may not see, or no stop ``number``.
    """
    draft = tours.viewable_tour(slug, current_user)
    as_public = request.args.get("version") == "published"
    if draft.sees_draft(current_user) or not page_cache.cacheable():
        return tour_page(draft, number, as_public)
    # The public's page, kept until the tour, its team, sites or media change.
    outline = page_cache.published_outline(draft)
    if outline is None:
        abort(404)
    languages, stop_count = outline
    if number is not None and not 1 <= number <= stop_count:
        abort(404)
    lang = content_language(languages, languages[0] if languages else draft.fallback_language())
    return page_cache.page(
        lambda: (draft.id, number, lang, page_cache.tour_version(draft)),
        lambda: tour_page(draft, number, False),
    )


def tour_page(draft, number: int | None, as_public: bool) -> str:
    """The tour page of ``draft`` as the current user sees it (see :func:`tour`)."""
    if draft.sees_draft(current_user) and not as_public:
        tours.load_stops(draft)
    tour = publishing.shown_tour(draft, current_user, published=as_public)
    if number is not None and not 1 <= number <= len(tour.stops):
        abort(404)
    interface = current_language()
    lang = content_language(tour.languages, tour.fallback_language())
    g.content_lang = lang  # the |t filters show the tour in the language chosen for it
    stops, markers = [], []
    for n, stop in enumerate(tour.stops, start=1):
        stops.append(stop_view(stop, n, lang))
        position = stop.position_for(current_user)
        if position is not None:
            markers.append(
                maps.Marker(
                    lat=position[0],
                    lon=position[1],
                    title=stop.display_title(lang),
                    lang=stops[-1]["title_lang"],
                    target=f"stop-{n}",
                    number=n,
                    extra={"zoom": stop.zoom or 16},
                )
            )
            stops[-1]["on_map"] = True
    # patterns map.js and story.js fill in (gettext formats nothing when given no values)
    labels = {
        "map": _("Map of the tour's stops"),
        "stop": _("Stop %(num)s: %(title)s"),
        "position": _("Stop %(num)s of %(total)s: %(title)s"),
        **map_notes(),
    }
    parts = maps.tour_map(markers, map_tiles(), labels, static_url)
    return render_template(
        "public/tour.html",
        tour=tour,
        stops=stops,
        parts=parts,
        noindex=tour.visibility is not TourVisibility.PUBLIC or tour is draft,
        preview=preview_banner(draft, tour),
        can_present=presenting.can_present(current_user, draft),
        start=number or 0,
        position_label=labels["position"],
        content_lang=lang,
        fallback_shown=lang != interface and interface not in tour.languages,
        interface_lang=interface,
        # what leaves the site is the published version, even when the team looks at the draft
        share=sharing.share_context(
            tour if tour is not draft else publishing.published_view(draft), lang
        ),
    )


def preview_banner(draft, shown) -> dict | None:
    """What the team is looking at (the draft or the published version) and whether they
    differ; None for the public."""
    if not draft.sees_draft(current_user):
        return None
    return {
        "draft": shown is draft,
        "published": draft.publication is not None,
        "changes": publishing.has_unpublished_changes(draft),
        "can_edit": draft.can_edit(current_user),
    }


def stop_view(stop: Stop, number: int, lang: str) -> dict:
    """What the tour page shows of one stop."""
    title_lang = stop.text_language("title", lang)
    if title_lang is None and stop.site is not None:
        title_lang = stop.site.text_language("name", lang)
    site = stop.site if stop.site is not None and stop.site.can_view(current_user) else None
    return {
        "number": number,
        "title": stop.display_title(lang),
        "title_lang": title_lang or "",
        "narrative": Markup(render_markdown(stop.text("narrative", lang))),
        "narrative_lang": stop.text_language("narrative", lang) or "",
        "photos": shown_media(stop.media, current_user),
        "site": site,
        "on_map": False,
    }


@bp.route("/sites/<int:site_id>")
def site(site_id: int):
    """A project's page: its map, story, photos and the public tours that stop there. Kept
    for anonymous readers until the site, its team or the public tours change
    (:mod:`tourbuilder.page_cache`).

    :raise 404: no such site, or one the reader may not see.
    """
    site = get_viewable_site(site_id)
    return page_cache.page(lambda: page_cache.site_version(site), lambda: site_page(site))


def site_page(site) -> str:
    lang = current_language()
    lat, lon = site.position_for(current_user)
    exact = site.is_exact_for(current_user)
    marker = maps.Marker(
        lat=lat,
        lon=lon,
        title=site.text("name", lang),
        lang=site.text_language("name", lang) or "",
        subtitle=" · ".join(site.theme_labels(lang)),
        extra={"approximate": not exact},
    )
    labels = {
        "map": _("Map of the project"),
        "approximate": _("Approximate location"),
        **map_notes(),
    }
    parts = maps.sites_map([marker], map_tiles(), labels, static_url)
    return render_template(
        "public/site.html",
        site=site,
        parts=parts,
        exact=exact,
        description=Markup(render_markdown(site.text("description", lang))),
        photos=shown_media(library.site_media(site), current_user),
        tours=publishing.public_tours(at_site=site),
        website=safe_website(site.website),
    )
