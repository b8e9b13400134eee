"""Presenting a tour in a room: who may present, what the presentation shows, the pages.

Presentation mode (the audience window) and the presenter view are pages built by
``static/js/present.js`` and ``static/js/presenter.js`` from one JSON element,
``#presentation-data``, that :func:`presentation_data` makes. Nothing is fetched at run
time and every address in the page comes from a :class:`PresentUrls`, so the same
:func:`render_presentation` serves the app's routes and the offline tour pack (opened from
``file://``, with relative paths). docs/presenting.md holds the contract.

What is shown: the tour's **published version** when there is one (what the room may see
and what the QR code leads to), else the team's draft. Only publishable media (a room is
the public) and positions as the public sees them (approximate sites rounded). Presenter
notes and discussion prompts are in the presenter view's data only.

No ``request`` here: the caller gives the language, the addresses and the public URL.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

from babel import Locale
from flask import current_app
from flask_babel import force_locale
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin

from .. import derivatives
from .. import maps
from .. import qr
from .. import sharing
from ..i18n import direction
from ..models import MediaItem
from ..models import MediaKind
from ..models import Tour
from ..text import markdown_text
from . import library
from . import publishing

#: The room sees what anonymous people see: publishable media, rounded approximate sites.
AUDIENCE = AnonymousUserMixin()
#: Characters of a stop's narrative shown under its title (readable from the back).
CAPTION_LIMIT = 180
#: Photos are shown at the largest size up to this long edge (a 1080p projector).
PHOTO_EDGE = 2048
#: Video rendition shown (its short edge): light enough for a laptop and a pack.
VIDEO_SIZE = 720


@dataclass(frozen=True)
class PresentUrls:
    """Every address a presentation page contains.

    ``static(path)``: a file under ``static/`` (``"js/present.js"``);
    ``media(item, derivative_name)``: one web derivative of a media item;
    ``tiles_template``: the basemap's ``{z}/{x}/{y}`` template;
    ``page(name)``: the other window, ``"audience"`` or ``"presenter"``, and ``"exit"``,
    where Esc leaves the presentation to (the tour's page; ``""`` to stay).
    """

    static: Callable[[str], str]
    media: Callable[[MediaItem, str], str]
    tiles_template: str
    page: Callable[[str], str]


def can_present(user, tour: Tour) -> bool:
    """May ``user`` present ``tour`` (presentation mode, presenter view, notes)?

    Today: members of the tour's team in any role, and site admins (``Tour.can_present``).
    Extend here (workshop facilitators) so every page and check follows.
    """
    return tour.can_present(user)


def shown_version(tour: Tour) -> Tour:
    """The published version when there is one, else the draft itself."""
    return publishing.published_view(tour) or tour


def _largest(item: MediaItem, role: str, ext: str, limit: int = 0) -> str | None:
    found = derivatives.of_role(item.derivatives, role, ext)
    fitting = [name for name, _e in found if not limit or derivatives.parse(name).size <= limit]
    return (fitting or [name for name, _e in found[:1]] or [None])[-1]


def media_entry(item: MediaItem, lang: str, media_url) -> dict | None:
    """One media item as the presentation shows it; None until it has web versions."""
    entry = {
        "id": item.id,
        "alt": item.text("alt_text", lang),
        "caption": item.text("caption", lang),
        "caption_lang": item.text_language("caption", lang) or "",
        "credit": item.credit or "",
    }
    if item.kind in (MediaKind.PHOTO, MediaKind.PANORAMA):
        name = _largest(item, "photo", "jpg", PHOTO_EDGE)
        if name is None:
            return None
        entry.update(type="photo", src=media_url(item, name))
        pano = _largest(item, "panorama", "jpg")
        if item.kind is MediaKind.PANORAMA and pano:
            view = (item.details or {}).get("panorama") or {}
            entry.update(
                type="panorama",
                pano={
                    "src": media_url(item, pano),
                    "yaw": view.get("heading", 0.0),
                    "pitch": view.get("pitch", 0.0),
                    "hfov": min(max(view.get("fov") or 90.0, 50.0), 120.0),
                },
            )
        return entry
    videos = derivatives.of_role(item.derivatives, "video")
    sources = videos or derivatives.of_role(item.derivatives, "audio")
    if not sources:
        return None
    name, found = next(
        ((n, e) for n, e in videos if derivatives.parse(n).size == VIDEO_SIZE), sources[0]
    )
    poster = _largest(item, "poster", "jpg")
    entry.update(
        type="video" if videos else "audio",
        src=media_url(item, name),
        mime=found.get("mime") or ("video/mp4" if videos else "audio/mp4"),
        poster=media_url(item, poster) if poster else "",
        tracks=[
            {"src": media_url(item, n), "lang": derivatives.parse(n).language}
            for n, _e in derivatives.of_role(item.derivatives, "captions")
        ],
    )
    return entry


def thumbnail(item: MediaItem, media_url) -> str:
    name = item.thumbnail_variant()
    return media_url(item, name) if name else ""


def stop_entry(stop, number: int, lang: str, media_url, presenter: bool) -> dict:
    """One stop: title, short caption, place, media; notes only for the presenter."""
    title_lang = stop.text_language("title", lang)
    if title_lang is None and stop.site is not None:
        title_lang = stop.site.text_language("name", lang)
    position = stop.position_for(AUDIENCE)
    items = library.shown_to(stop.media, AUDIENCE)
    media = [m for m in (media_entry(item, lang, media_url) for item in items) if m]
    entry = {
        "number": number,
        "title": stop.display_title(lang),
        "title_lang": title_lang or "",
        "caption": sharing.plain_excerpt(
            markdown_text(stop.text("narrative", lang)), CAPTION_LIMIT
        ),
        "caption_lang": stop.text_language("narrative", lang) or "",
        "lat": position[0] if position else None,
        "lon": position[1] if position else None,
        "zoom": stop.zoom or 16,
        "media": media,
        "thumb": next((thumbnail(i, media_url) for i in items if i.thumbnail_variant()), ""),
    }
    if presenter:
        entry.update(
            notes=stop.text("presenter_notes", lang),
            notes_lang=stop.text_language("presenter_notes", lang) or "",
            prompts=stop.text("discussion_prompts", lang),
            prompts_lang=stop.text_language("discussion_prompts", lang) or "",
        )
    return entry


def country_name(code: str) -> str:
    """A country's name in the interface language ("ES" -> "Spain")."""
    if not code:
        return ""
    return Locale.parse(str(get_locale() or "en")).territories.get(code.upper(), code)


def qr_data_uri(url: str) -> str:
    """The QR code of ``url`` as an SVG ``data:`` address (inline: works offline)."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr.svg(url)).decode("ascii")


def programme_links(tour: Tour, programme) -> tuple[dict | None, dict | None]:
    """``(previous_tour, next_tour)`` as ``{title, url}`` or None. ``programme`` is an
    object with ``neighbours(tour) -> (previous, next)`` giving those dicts (the
    workshops' programme); without one, both are None."""
    if programme is None:
        return None, None
    return programme.neighbours(tour)


def presentation_data(
    tour: Tour,
    *,
    lang: str,
    media_url: Callable[[MediaItem, str], str],
    presenter: bool = False,
    public_url: str = "",
    programme=None,
) -> dict:
    """Everything presentation mode (or, with ``presenter``, the presenter view) shows of
    ``tour`` (the version to show, see :func:`shown_version`), in content language
    ``lang``. ``public_url`` is the tour's public address (the title slide's QR code; shown
    only when the tour may be shared). Call inside the interface language's locale (the
    labels are translated here)."""
    stops = [
        stop_entry(stop, n, lang, media_url, presenter)
        for n, stop in enumerate(tour.stops, start=1)
    ]
    shareable = bool(public_url) and sharing.is_shareable(tour)
    previous_tour, next_tour = programme_links(tour, programme)
    return {
        "slug": tour.slug,
        "channel": f"tourbuilder-present-{tour.slug}",
        "lang": lang,
        "title": tour.text("title", lang),
        "title_lang": tour.text_language("title", lang) or "",
        "summary": tour.text("summary", lang),
        "summary_lang": tour.text_language("summary", lang) or "",
        "team": tour.team.name if tour.team else "",
        "country": tour.team.country if tour.team else "",
        "country_name": country_name(tour.team.country if tour.team else ""),
        "url": public_url if shareable else "",
        "qr": qr_data_uri(public_url) if shareable else "",
        "draft": tour.visibility.value == "draft",
        "stops": stops,
        "previous_tour": previous_tour,
        "next_tour": next_tour,
        "labels": labels(),
    }


def labels() -> dict:
    """Every word the presentation scripts show (patterns filled in by the scripts)."""
    return {
        "stop": _("Stop %(num)s: %(title)s"),
        "position": _("Stop %(num)s of %(total)s"),
        "next": _("Next"),
        "previous": _("Previous"),
        "end": _("End of the tour"),
        "next_tour": _("Next tour: %(title)s"),
        "offline": _("Detailed map unavailable — showing a simplified map"),
        "explore": _("Explore in 360°"),
        "credit": _("Photo: %(credit)s"),
        "recording": _("Recording: %(credit)s"),
        "no_notes": _("No presenter notes for this stop."),
        "no_media": _("No pictures for this stop."),
        "title_slide": _("Title slide"),
        "end_slide": _("End slide"),
        "jump": _("Go to stop %(num)s"),
        "audience_missing": _("No presentation window is open. Open it with the button above."),
    }


def stop_markers(data: dict) -> list[maps.Marker]:
    return [
        maps.Marker(
            lat=s["lat"],
            lon=s["lon"],
            title=s["title"],
            lang=s["title_lang"],
            number=s["number"],
            extra={"zoom": s["zoom"]},
        )
        for s in data["stops"]
        if s["lat"] is not None
    ]


def render_presentation(
    tour: Tour,
    *,
    lang: str,
    urls: PresentUrls,
    interface_lang: str | None = None,
    presenter: bool = False,
    public_url: str = "",
    programme=None,
    nonce: str = "",
    tile_attribution: str | None = None,
    tile_options: tuple = (),
) -> str:
    """The audience page (or the presenter view) of ``tour`` as one HTML string, its words in
    ``interface_lang`` (by default ``lang`` when the interface has it). Call in an
    application context; ``nonce`` is the page's CSP nonce online (the map's set-up script
    is inline), empty in a pack; ``tile_options`` are more Leaflet TileLayer options (the
    offline pack's ``bounds`` and zooms, see ``maps.TileSettings``)."""
    config = current_app.config
    if interface_lang is None:  # the content's language when the interface has it
        interface_lang = lang if lang in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]
    with force_locale(interface_lang):
        data = presentation_data(
            tour, lang=lang, media_url=urls.media, presenter=presenter,
            public_url=public_url, programme=programme,
        )  # fmt: skip
        parts = None
        if not presenter:
            tiles = maps.TileSettings(
                urls.tiles_template,
                config["TILE_ATTRIBUTION"] if tile_attribution is None else tile_attribution,
                int(config["TILE_MAX_ZOOM"]),
                tuple(tile_options),
            )
            map_labels = {key: data["labels"][key] for key in ("stop", "offline")}
            parts = maps.tour_map(
                stop_markers(data), tiles, map_labels, urls.static,
                keyboard=False, zoom_control=False,
            )  # fmt: skip
            data["map"] = parts.name
        data["pages"] = {name: urls.page(name) for name in ("audience", "presenter", "exit")}
        template = current_app.jinja_env.get_template(
            "present/presenter.html" if presenter else "present/audience.html"
        )
        return template.render(
            data=data,
            data_json=maps.json_for_script(data),
            parts=parts,
            urls=urls,
            nonce=nonce,
            interface_lang=interface_lang,
            interface_dir=direction(interface_lang),
            content_dir=direction(lang),
        )
