"""Public pages: the map of every published project and tour, a tour, a site; health.

Views load and authorise (the rules live on the models), gather what the page shows and
render. Maps come from :mod:`tourbuilder.maps`; user text reaches them only as JSON.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import abort
from flask import Blueprint
from flask import current_app
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from .. import maps
from ..extensions import db
from ..i18n import current_language
from ..models import MediaItem
from ..models import MediaKind
from ..models import Site
from ..models import SiteVisibility
from ..models import Stop
from ..models import Tour
from ..models import TourVisibility
from ..text import render_markdown

bp = Blueprint("public", __name__)

DERIVATIVE_NAME = re.compile(r"^(\d+)\.(jpg|webp)$")


@bp.route("/healthz")
def healthz():
    from ..database import ping

    ping()
    return {"status": "ok"}


def get_viewable_tour(slug: str) -> Tour:
    """:raise 404: no such tour, or the current user may not view it (we do not say which)."""
    tour = db.session.scalar(select(Tour).where(Tour.slug == slug))
    if tour is None or not tour.can_view(current_user):
        abort(404)
    return tour


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
    """What ``user`` may see here of ``items``, ready for ``_partials/media.html``:
    everything for the team, only publishable items for anyone else."""
    shown = []
    for item in items:
        if item is None or not (item.can_view(user) or item.is_publishable):
            continue
        if item.kind in (MediaKind.PHOTO, MediaKind.PANORAMA):
            entry = picture_of(item)
        else:
            entry = player_of(item)
        if entry:
            entry.setdefault("type", str(item.kind))
            shown.append(entry)
    return shown


def player_of(item: MediaItem) -> dict | None:
    """Sources, poster and caption tracks of a video or sound recording; None until it has
    its web versions. Video plays the 720p rendition when there is one (lighter on phones
    and slow connections), else the one there is."""
    names = sorted(item.derivatives or {})
    media = [n for n in names if n.startswith(("video-", "audio"))]
    if not media:
        return None

    def url(name):
        return url_for("media.derivative", item_id=item.id, variant=name)

    videos = sorted((item.derivatives[n].get("size") or 0, n) for n in media if "video-" in n)
    chosen = next((n for size, n in videos if size == 720), videos[0][1] if videos else media[0])
    posters = sorted(
        (item.derivatives[n].get("width") or 0, n)
        for n in names
        if n.startswith("poster-") and n.endswith(".jpg")
    )
    lang = current_language()
    return {
        "id": item.id,
        "type": "video" if videos else "audio",
        "src": url(chosen),
        "mime": item.derivatives[chosen].get("mime") or "video/mp4",
        "poster": url(posters[-1][1]) if posters else "",
        "width": item.width or "",
        "height": item.height or "",
        "tracks": [
            {"src": url(n), "lang": item.derivatives[n].get("language", "")}
            for n in names
            if n.startswith("captions-")
        ],
        "alt": item.text("alt_text", lang),
        "caption": item.text("caption", lang),
        "caption_lang": item.text_language("caption", lang) or "",
        "credit": item.credit,
        "publishable": item.is_publishable,
    }


def picture_of(item: MediaItem) -> dict | None:
    """``srcset``s (WebP and JPEG), fallback ``src``, size, alt text, caption and credit
    from the item's ``<edge>.<ext>`` derivatives; None when it has none yet."""
    found: dict[str, list[tuple[int, str, dict]]] = {"webp": [], "jpg": []}
    for name, entry in (item.derivatives or {}).items():
        match = DERIVATIVE_NAME.match(name)
        if match and entry.get("width"):
            found[match[2]].append((int(entry["width"]), name, entry))
    if not found["jpg"]:
        return None
    for entries in found.values():
        entries.sort(key=lambda e: e[0])

    def srcset(entries):
        return ", ".join(
            f"{url_for('media.derivative', item_id=item.id, variant=name)} {width}w"
            for width, name, _entry in entries
        )

    width, name, entry = found["jpg"][-1]
    lang = current_language()
    return {
        "id": item.id,
        "webp": srcset(found["webp"]),
        "jpg": srcset(found["jpg"]),
        "src": url_for("media.derivative", item_id=item.id, variant=name),
        "width": width,
        "height": entry.get("height") or "",
        "alt": item.text("alt_text", lang),
        "caption": item.text("caption", lang),
        "caption_lang": item.text_language("caption", lang) or "",
        "credit": item.credit,
        "publishable": item.is_publishable,
    }


def tiles() -> maps.TileSettings:
    return maps.TileSettings.from_config(current_app.config)


def static_url(filename: str) -> str:
    return url_for("static", filename=filename)


def safe_website(url: str) -> str:
    """The site's web address when it is an http(s) URL, else nothing."""
    parts = urlsplit(url or "")
    return url if parts.scheme in ("http", "https") and parts.netloc else ""


@bp.route("/")
def home():
    lang = current_language()
    tours = db.session.scalars(
        select(Tour)
        .where(Tour.visibility == TourVisibility.PUBLIC)
        .order_by(Tour.published_at.desc())
    ).all()
    sites = db.session.scalars(select(Site).where(Site.visibility == SiteVisibility.PUBLIC)).all()
    markers = []
    for site in sites:
        lat, lon = site.position_for(current_user)
        markers.append(
            maps.Marker(
                lat=lat,
                lon=lon,
                title=site.text("name", lang),
                lang=site.text_language("name", lang) or "",
                subtitle=" · ".join(site.themes or []),
                url=url_for("public.site", site_id=site.id),
            )
        )
    labels = {"more": _("About this project"), "map": _("Map of the projects")}
    parts = maps.sites_map(markers, tiles(), labels, static_url)
    cards = [
        {
            "tour": tour,
            "cover": shown_photos([tour.cover], current_user)[:1],
            "stops": len(tour.stops),
        }
        for tour in tours
    ]
    return render_template("public/home.html", cards=cards, parts=parts, site_count=len(sites))


@bp.route("/tours/<slug>")
def tour(slug: str):
    tour = get_viewable_tour(slug)
    lang = current_language()
    stops, markers = [], []
    for number, stop in enumerate(tour.stops, start=1):
        stops.append(stop_view(stop, number, lang))
        position = stop.position_for(current_user)
        if position is not None:
            markers.append(
                maps.Marker(
                    lat=position[0],
                    lon=position[1],
                    title=stop.display_title(lang),
                    lang=stops[-1]["title_lang"],
                    target=f"stop-{number}",
                    number=number,
                    extra={"zoom": stop.zoom or 16},
                )
            )
            stops[-1]["on_map"] = True
    labels = {"map": _("Map of the tour's stops"), "stop": _("Stop")}
    parts = maps.tour_map(markers, tiles(), labels, static_url)
    return render_template(
        "public/tour.html",
        tour=tour,
        stops=stops,
        parts=parts,
        noindex=tour.visibility is not TourVisibility.PUBLIC,
    )


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
    site = get_viewable_site(site_id)
    lang = current_language()
    lat, lon = site.position_for(current_user)
    exact = site.can_edit(current_user) or not site.approximate_location
    marker = maps.Marker(
        lat=lat,
        lon=lon,
        title=site.text("name", lang),
        lang=site.text_language("name", lang) or "",
        subtitle=" · ".join(site.themes or []),
        extra={"approximate": not exact},
    )
    labels = {"map": _("Map of the project"), "approximate": _("Approximate location")}
    parts = maps.sites_map([marker], tiles(), labels, static_url)
    items = db.session.scalars(
        select(MediaItem).where(MediaItem.site_id == site.id).order_by(MediaItem.id)
    ).all()
    tours = db.session.scalars(
        select(Tour)
        .where(
            Tour.visibility == TourVisibility.PUBLIC,
            Tour.id.in_(select(Stop.tour_id).where(Stop.site_id == site.id)),
        )
        .order_by(Tour.published_at.desc())
    ).all()
    return render_template(
        "public/site.html",
        site=site,
        parts=parts,
        exact=exact,
        description=Markup(render_markdown(site.text("description", lang))),
        photos=shown_media(items, current_user),
        tours=tours,
        website=safe_website(site.website),
    )
