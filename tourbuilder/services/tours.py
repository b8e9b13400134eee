"""Tour operations on plain values (no request): create, stops, order, publish checks.

The API, the editor pages, the CLI and the tests call these; they change the session and
leave committing to the caller.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select

from ..extensions import db
from ..models import Consent
from ..models import MediaItem
from ..models import Site
from ..models import Stop
from ..models import StopMedia
from ..models import Team
from ..models import Tour
from ..models import TourVisibility
from ..models import utcnow

SLUG_MAX = 80
PUBLISHED = (TourVisibility.PUBLIC, TourVisibility.UNLISTED)
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class TourError(ValueError):
    """A request the tour cannot take; ``field`` names the value at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class PublishError(Exception):
    """The tour cannot be published yet; ``problems`` says why, one sentence each."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def slugify(text: str) -> str:
    """ASCII letters, digits and hyphens from ``text``; ``""`` when nothing Latin is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-")


def _slug_taken(slug: str) -> bool:
    return db.session.scalar(select(Tour.id).where(Tour.slug == slug)) is not None


def unique_slug(title: str) -> str:
    """A free slug made from ``title``: ``market-walk``, ``market-walk-2``… or ``tour-<n>``
    for titles without Latin letters (Arabic, Greek…)."""
    base = slugify(title)
    if not base:
        base = "tour"
        n = (db.session.scalar(select(db.func.max(Tour.id))) or 0) + 1
        candidate = f"tour-{n}"
    else:
        n, candidate = 1, base
    while _slug_taken(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def create_tour(team: Team, title: dict, slug: str | None = None, **fields) -> Tour:
    """A new draft tour of ``team``; ``slug`` is made from the title when not given.

    :raise TourError: the slug is malformed or taken, or the cover is not the team's.
    """
    visibility = fields.pop("visibility", TourVisibility.DRAFT)
    if slug:
        if not SLUG_RE.match(slug):
            raise TourError("slug", "Use lowercase ASCII letters, digits and hyphens.")
        if _slug_taken(slug):
            raise TourError("slug", f"The slug {slug!r} is taken.")
    else:
        fallback = team.default_language
        text = title.get(fallback) or next((t for t in title.values() if t), "")
        slug = unique_slug(text)
    cover_id = fields.pop("cover_id", None)
    tour = Tour(team=team, title=title, slug=slug, **fields)
    if cover_id is not None:
        tour.cover = team_media(team.id, [cover_id], "cover_id")[0]
    db.session.add(tour)
    set_visibility(tour, visibility)
    return tour


def update_tour(tour: Tour, **fields) -> Tour:
    """Change a tour's fields; a visibility change runs the publish checks.

    :raise TourError: a malformed or taken slug, or a cover from another team.
    :raise PublishError: publishing while the publish checks fail.
    """
    visibility = fields.pop("visibility", None)
    if "slug" in fields and fields["slug"] != tour.slug:
        slug = fields.pop("slug")
        if not slug or not SLUG_RE.match(slug):
            raise TourError("slug", "Use lowercase ASCII letters, digits and hyphens.")
        if _slug_taken(slug):
            raise TourError("slug", f"The slug {slug!r} is taken.")
        tour.slug = slug
    fields.pop("slug", None)
    if "cover_id" in fields:
        cover_id = fields.pop("cover_id")
        tour.cover = team_media(tour.team.id, [cover_id], "cover_id")[0] if cover_id else None
    for name, value in fields.items():
        setattr(tour, name, value)
    if visibility is not None:
        set_visibility(tour, visibility)
    return tour


def publish_problems(tour: Tour) -> list[str]:
    """Why ``tour`` may not be published yet; an empty list when it may."""
    problems = []
    if not tour.stops:
        problems.append("The tour has no stops yet.")
    for number, stop in enumerate(tour.stops, start=1):
        name = stop.display_title() or f"Stop {number}"
        if stop.position_for(None) is None:
            problems.append(f"Stop {number} ({name}) has no place on the map.")
        for item in stop.media:
            label = item.original_name or f"media item {item.id}"
            if item.consent is Consent.NOT_YET:
                problems.append(
                    f"Stop {number} ({name}) shows {label}, whose consent is not recorded."
                )
            elif not item.is_publishable:
                problems.append(f"Stop {number} ({name}) shows {label}, which is not ready.")
    return problems


def set_visibility(tour: Tour, visibility: TourVisibility) -> None:
    """Move ``tour`` to ``visibility``; publishing (public, unlisted) needs the checks to pass.

    :raise PublishError: publishing while :func:`publish_problems` finds something.
    """
    visibility = TourVisibility(visibility)
    if visibility in PUBLISHED and tour.visibility not in PUBLISHED:
        problems = publish_problems(tour)
        if problems:
            raise PublishError(problems)
        tour.published_at = utcnow()
    tour.visibility = visibility


def team_site(team_id: int, site_id: int | None) -> Site | None:
    """:raise TourError: ``site_id`` is not a site of the team."""
    if site_id is None:
        return None
    site = db.session.get(Site, site_id)
    if site is None or site.team_id != team_id:
        raise TourError("site_id", f"No site with id {site_id} in this team.")
    return site


def team_media(team_id: int, media_ids: list[int], field: str = "media_ids") -> list[MediaItem]:
    """The team's media items in the given order.

    :raise TourError: an id repeats or is not a media item of the team.
    """
    if len(set(media_ids)) != len(media_ids):
        raise TourError(field, "A media item is listed twice.")
    items = []
    for media_id in media_ids:
        item = db.session.get(MediaItem, media_id)
        if item is None or item.team_id != team_id:
            raise TourError(field, f"No media item with id {media_id} in this team.")
        items.append(item)
    return items


def update_stop(stop: Stop, **fields) -> Stop:
    """Set a stop's fields; ``media_ids`` replaces its media, in order.

    :raise TourError: a site or media item of another team, or half a coordinate pair.
    """
    team_id = stop.tour.team.id  # team_id is unset until a new tour is flushed
    if "site_id" in fields:
        stop.site = team_site(team_id, fields.pop("site_id"))
    if "media_ids" in fields:
        items = team_media(team_id, fields.pop("media_ids"))
        stop.media_links = [StopMedia(media=item) for item in items]
        stop.media_links.reorder()
    for name, value in fields.items():
        setattr(stop, name, value)
    if (stop.lat is None) != (stop.lon is None):
        raise TourError("lat", "Give both lat and lon, or neither.")
    return stop


def add_stop(tour: Tour, **fields) -> Stop:
    """Append a stop to ``tour``. :raise TourError: as :func:`update_stop`."""
    stop = Stop()
    tour.stops.append(stop)
    try:
        update_stop(stop, **fields)
    except TourError:
        tour.stops.remove(stop)
        raise
    tour.stops.reorder()
    return stop


def reorder_stops(tour: Tour, stop_ids: list[int]) -> None:
    """Put the stops in the order of ``stop_ids``, a permutation of the tour's stop ids.

    :raise TourError: ``stop_ids`` is not exactly the tour's stops.
    """
    by_id = {stop.id: stop for stop in tour.stops}
    if len(stop_ids) != len(by_id) or set(stop_ids) != set(by_id):
        raise TourError("stop_ids", "List every stop of the tour exactly once.")
    rank = {stop_id: n for n, stop_id in enumerate(stop_ids)}
    tour.stops.sort(key=lambda stop: rank[stop.id])
    tour.stops.reorder()


def remove_stop(tour: Tour, stop: Stop) -> None:
    tour.stops.remove(stop)
    tour.stops.reorder()
