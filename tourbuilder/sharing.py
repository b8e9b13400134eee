"""What a tour shows when it leaves the site: preview tags (Open Graph, Twitter cards),
the iframe snippet, the oEmbed answer and the cover picture they point to.

Everything here is what the *public* may see, whoever asks: the cover only when an
anonymous viewer may see it (:func:`~tourbuilder.models.tours.media_visible_to`), links
absolute on ``PUBLIC_URL`` (:mod:`tourbuilder.links`). Text people wrote goes out as
plain values; Jinja escapes it into attributes and :func:`embed_snippet` escapes it
itself, since the snippet is HTML other sites paste into theirs.
"""

from __future__ import annotations

import re

from flask import current_app
from flask import url_for
from markupsafe import escape

from . import derivatives
from . import maps
from .links import absolute_url
from .models import MediaItem
from .models import Tour
from .models import TourVisibility
from .models.tours import media_visible_to

PROVIDER = "tourbuilder"
DESCRIPTION_MAX = 200
#: The snippet sizes offered on the share panel (width, height in CSS pixels).
EMBED_SIZES = {"small": (480, 360), "medium": (640, 480), "large": (960, 600)}
DEFAULT_SIZE = "medium"
#: Largest picture offered to link previews (they show about 1200 px at most).
PREVIEW_MAX_WIDTH = 1600
#: Open Graph wants language_TERRITORY.
OG_LOCALES = {
    "en": "en_GB", "es": "es_ES", "pt": "pt_PT", "el": "el_GR", "ar": "ar_AR",
    "fr": "fr_FR", "ca": "ca_ES",
}  # fmt: skip


def is_shareable(tour: Tour) -> bool:
    """Public and unlisted tours may be shared; drafts and workshop tours stay inside."""
    return tour.is_published


def plain_excerpt(text: str, limit: int = DESCRIPTION_MAX) -> str:
    """``text`` on one line, cut at a word before ``limit`` characters with an ellipsis."""
    flat = re.sub(r"\s+", " ", text or "").strip()
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:") + "…"


def og_locale(lang: str) -> str:
    return OG_LOCALES.get(lang, lang)


def preview_picture(item: MediaItem | None) -> dict | None:
    """The cover's largest JPEG web version up to :data:`PREVIEW_MAX_WIDTH` (a photo, a
    panorama, or a video's poster), when the public may see it; else None."""
    if item is None or not media_visible_to(item, None):
        return None
    found = derivatives.of_role(item.derivatives, "photo", "jpg") or derivatives.of_role(
        item.derivatives, "poster", "jpg"
    )
    fitting = [(n, e) for n, e in found if (e.get("width") or 0) <= PREVIEW_MAX_WIDTH]
    if not (fitting or found):
        return None
    name, entry = (fitting or found)[-1]
    return {
        "url": absolute_url("media.derivative", item_id=item.id, variant=name),
        "width": entry.get("width") or "",
        "height": entry.get("height") or "",
        "mime": entry.get("mime") or "image/jpeg",
    }


def embed_url(tour: Tour, **values) -> str:
    return absolute_url("sharing.embed", slug=tour.slug, **values)


def embed_snippet(src: str, title: str, width: int, height: int) -> str:
    """The ``<iframe>`` people paste into their page; ``src`` and ``title`` escaped."""
    return (
        f'<iframe src="{escape(src)}" width="{int(width)}" height="{int(height)}" '
        f'title="{escape(title)}" loading="lazy" allowfullscreen '
        f'referrerpolicy="strict-origin-when-cross-origin" style="border:0"></iframe>'
    )


def snippets(tour: Tour, lang: str) -> dict[str, str]:
    """The snippet in each of :data:`EMBED_SIZES`."""
    src, title = embed_url(tour), tour.text("title", lang)
    return {name: embed_snippet(src, title, w, h) for name, (w, h) in EMBED_SIZES.items()}


def preview_tags(tour: Tour, lang: str) -> list[tuple[str, str, str]]:
    """``(attribute, name, content)`` for each ``<meta>``: ``property`` for Open Graph,
    ``name`` for Twitter cards."""
    title = tour.text("title", lang)
    description = plain_excerpt(tour.text("summary", lang))
    url = absolute_url("public.tour", slug=tour.slug)
    picture = preview_picture(tour.cover)
    tags = [
        ("property", "og:type", "website"),
        ("property", "og:site_name", PROVIDER),
        ("property", "og:title", title),
        ("property", "og:url", url),
        ("property", "og:locale", og_locale(lang)),
    ]
    languages = current_app.config["LANGUAGES"]
    for other in tour.languages or []:
        if other != lang and other in languages:
            tags.append(("property", "og:locale:alternate", og_locale(other)))
    if description:
        tags.append(("property", "og:description", description))
    card = "summary"
    if picture:
        card = "summary_large_image"
        alt = tour.cover.text("alt_text", lang) or title
        tags += [
            ("property", "og:image", picture["url"]),
            ("property", "og:image:type", picture["mime"]),
            ("property", "og:image:width", str(picture["width"])),
            ("property", "og:image:height", str(picture["height"])),
            ("property", "og:image:alt", alt),
            ("name", "twitter:image", picture["url"]),
            ("name", "twitter:image:alt", alt),
        ]
    tags += [("name", "twitter:card", card), ("name", "twitter:title", title)]
    if description:
        tags.append(("name", "twitter:description", description))
    return [(a, n, c) for a, n, c in tags if c]


def share_context(tour: Tour | None, lang: str) -> dict | None:
    """What the tour page needs for its preview tags and share panel, from the tour's
    published version; None for a tour that is not shared (draft, workshop, or no
    published version)."""
    if tour is None or not is_shareable(tour):
        return None
    url = absolute_url("public.tour", slug=tour.slug)
    embeds = snippets(tour, lang)
    context = {
        "url": url,
        "tags": preview_tags(tour, lang),
        "snippets": embeds,
        "snippets_json": maps.json_for_script(embeds),
        "sizes": EMBED_SIZES,
        "default_size": DEFAULT_SIZE,
        "qr_svg": url_for("sharing.tour_qr", slug=tour.slug, fmt="svg"),
        "qr_png": url_for("sharing.tour_qr", slug=tour.slug, fmt="png"),
        "handout": url_for("sharing.handout", slug=tour.slug),
        "oembed": None,
    }
    if tour.visibility is TourVisibility.PUBLIC:  # unlisted tours are not announced
        context["oembed"] = absolute_url("sharing.oembed", url=url, format="json")
    return context


def oembed_answer(
    tour: Tour, lang: str, maxwidth: int | None, maxheight: int | None, stop: int | None = None
) -> dict:
    """The oEmbed 1.0 "rich" answer for a public tour (opening at ``stop``), fitted within
    the limits given."""
    width, height = EMBED_SIZES[DEFAULT_SIZE]
    if maxwidth and maxwidth < width:
        width, height = maxwidth, round(height * maxwidth / width)
    if maxheight and maxheight < height:
        width, height = round(width * maxheight / height), maxheight
    title = tour.text("title", lang)
    answer = {
        "version": "1.0",
        "type": "rich",
        "provider_name": PROVIDER,
        "provider_url": absolute_url("public.home"),
        "title": title,
        "author_name": tour.team.name if tour.team else "",
        "html": embed_snippet(embed_url(tour, stop=stop), title, width, height),
        "width": width,
        "height": height,
        "cache_age": current_app.config["SHARE_CACHE_SECONDS"],
    }
    picture = preview_picture(tour.cover)
    fits = picture and picture["width"] and picture["height"]
    if fits and maxwidth and picture["width"] > maxwidth:
        fits = False  # the spec: a thumbnail must respect maxwidth and maxheight too
    if fits and maxheight and picture["height"] > maxheight:
        fits = False
    if fits:
        answer.update(
            thumbnail_url=picture["url"],
            thumbnail_width=picture["width"],
            thumbnail_height=picture["height"],
        )
    return answer
