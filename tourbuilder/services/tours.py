"""Tours and their stops on plain values: create, change, order, undo a deletion, and
which tours a viewer may see (publishing is :mod:`.publishing`'s).

Text fields take ``{"lang": text}``; a ``""`` key (a plain string) is in the tour's
fallback language. Services flush; the adapter commits.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Site
from ..models import Stop
from ..models import StopMedia
from ..models import Team
from ..models import Tour
from ..models import TourVisibility
from ..models import utcnow
from ..models.teams import listable
from ..text import set_translated
from .errors import Conflict
from .errors import DomainError
from .errors import InvalidValue
from .errors import NotFound
from .library import team_media
from .library import team_media_among
from .sites import check_position
from .sites import team_site
from .versions import bump

SLUG_MAX = 80
TOUR_TEXTS = ("title", "summary")
STOP_TEXTS = ("title", "narrative", "presenter_notes", "discussion_prompts")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


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
    """A new draft tour of ``team`` (publishing is :mod:`.publishing`'s); ``slug`` is
    made from the title when not given. Plain text is in the tour's first language.

    :raise InvalidValue: the slug is malformed or taken, or the cover is not the team's.
    """
    language = (fields.get("languages") or [team.default_language])[0]
    tour = Tour(team=team, title={}, summary={}, slug="")
    texts = {"title": title, "summary": fields.pop("summary", {})}
    set_translated(tour, texts, TOUR_TEXTS, language, required=("title",))
    if slug:
        _check_slug(slug)
    else:
        fallback = team.default_language
        text = tour.title.get(fallback) or next((t for t in tour.title.values() if t), "")
        slug = unique_slug(text)
    tour.slug = slug
    cover_id = fields.pop("cover_id", None)
    for name, value in fields.items():
        setattr(tour, name, value)
    if cover_id is not None:
        tour.cover = team_media(team.id, [cover_id], "cover_id")[0]
    db.session.add(tour)
    db.session.flush()
    return tour


def _check_slug(slug: str) -> None:
    """:raise InvalidValue: ``slug`` is malformed. :raise Conflict: it is taken."""
    if not slug or not SLUG_RE.match(slug):
        raise InvalidValue("slug", "Use lowercase ASCII letters, digits and hyphens.")
    if _slug_taken(slug):
        raise Conflict("slug", f"The slug {slug!r} is taken.")


def update_tour(tour: Tour, version: int | None = None, **fields) -> Tour:
    """Change a tour's draft fields (its visibility is :mod:`.publishing`'s).

    :raise StaleVersion: ``version`` is given and not the tour's current one.
    :raise InvalidValue: a malformed or taken slug, or a cover from another team.
    """
    bump(tour, version)
    slug = fields.pop("slug", tour.slug)
    if slug != tour.slug:
        _check_slug(slug)
        tour.slug = slug
    if "cover_id" in fields:
        cover_id = fields.pop("cover_id")
        tour.cover = team_media(tour.team.id, [cover_id], "cover_id")[0] if cover_id else None
    set_translated(tour, fields, TOUR_TEXTS, tour.fallback_language(), required=("title",))
    for name, value in fields.items():
        setattr(tour, name, value)
    db.session.flush()
    return tour


def delete_tour(tour: Tour, version: int | None = None) -> None:
    """Delete a tour and its stops; its media stay in the library.

    :raise StaleVersion: ``version`` is given and not the tour's current one.
    """
    bump(tour, version)
    db.session.delete(tour)
    db.session.flush()


def visible_tours(user):
    """A query of the tours ``user`` may list: public tours and every tour of the user's
    teams (all tours for site admins). Unlisted tours of other teams are reached by link,
    never listed."""
    return listable(select(Tour), user, Tour.team_id, Tour.visibility == TourVisibility.PUBLIC)


def team_tours(team: Team) -> list[Tour]:
    """Every tour of ``team``, the most recently changed first."""
    return db.session.scalars(
        select(Tour).where(Tour.team_id == team.id).order_by(Tour.updated_at.desc())
    ).all()


def viewable_tour(slug: str, user) -> Tour:
    """The tour at ``slug`` if ``user`` may view it.

    :raise NotFound: no such tour, or one ``user`` may not view (we do not say which).
    """
    tour = db.session.scalar(select(Tour).where(Tour.slug == slug))
    if tour is None or not tour.can_view(user):
        raise NotFound(None, "There is no tour at this address, or it is not shared with you.")
    return tour


def load_stops(tour: Tour) -> Tour:
    """Read ``tour``'s stops with their sites and media items in a fixed number of queries
    (not one per stop), for a page that shows them all. Returns ``tour``."""
    stops = selectinload(Tour.stops)
    db.session.execute(
        select(Tour)
        .where(Tour.id == tour.id)
        .options(
            joinedload(Tour.cover),
            stops.joinedload(Stop.site),
            stops.selectinload(Stop.media_links).joinedload(StopMedia.media),
        )
    ).unique().all()
    return tour


def lock_tour(tour: Tour, version: int | None = None, *, change: bool = False) -> None:
    """Serialise changes to ``tour``'s stops: take the tour's write lock for the rest of
    the transaction, then read its stops afresh. With ``change`` (a stop added, removed,
    restored or moved: the tour's list of stops changes) the tour's version counts up,
    and with ``version`` only if that is still the tour's version.

    The lock is an UPDATE of the tour row (its ``updated_at``): a row lock that other
    transactions wait for on PostgreSQL, and the database's write lock on SQLite, where
    reads outside a write run in autocommit and so are never stale once it is held.
    Whoever waited then sees the stops as the winner left them.

    :raise NotFound: the tour was deleted meanwhile.
    :raise StaleVersion: ``version`` is given and not the tour's current one.
    """
    if change:
        bump(tour, version)
    table = Tour.__table__
    locked = db.session.execute(
        table.update().where(table.c.id == tour.id).values(updated_at=utcnow())
    )
    if locked.rowcount != 1:
        raise NotFound(None, f"No tour with id {tour.id}.")
    db.session.expire(tour)
    db.session.scalars(
        select(Stop).where(Stop.tour_id == tour.id).execution_options(populate_existing=True)
    ).all()


def _set_stop_fields(stop: Stop, fields: dict, new: bool = False) -> None:
    """:raise InvalidValue: a site or media item of another team, or half a coordinate
    pair."""
    tour = stop.tour
    team_id = tour.team.id  # team_id is unset until a new tour is flushed
    if "site_id" in fields:
        stop.site = team_site(team_id, fields.pop("site_id"))
    if "media_ids" in fields:
        items = team_media(team_id, fields.pop("media_ids"))
        stop.media_links = [StopMedia(media=item) for item in items]
        stop.media_links.reorder()
    set_translated(stop, fields, STOP_TEXTS, tour.fallback_language())
    for name, value in fields.items():
        setattr(stop, name, value)
    check_position(stop, fields, new)


def update_stop(tour: Tour, stop_id: int, version: int | None = None, **fields) -> Stop:
    """Set a stop's fields; ``media_ids`` replaces its media, in order.

    :raise NotFound: no such stop in the tour (perhaps deleted a moment ago).
    :raise StaleVersion: ``version`` is given and not the stop's current one.
    :raise InvalidValue: as :func:`add_stop`.
    """
    lock_tour(tour)
    stop = tour_stop(tour, stop_id)
    bump(stop, version)
    _set_stop_fields(stop, fields)
    db.session.flush()
    return stop


def add_stop(tour: Tour, **fields) -> Stop:
    """Append a stop to ``tour``.

    :raise InvalidValue: a site or media item of another team, or half a coordinate pair.
    """
    lock_tour(tour, change=True)
    stop = Stop(title={}, narrative={}, presenter_notes={}, discussion_prompts={})
    tour.stops.append(stop)
    try:
        _set_stop_fields(stop, fields, new=True)
    except DomainError:
        tour.stops.remove(stop)
        raise
    tour.stops.reorder()
    db.session.flush()
    return stop


def tour_stop(tour: Tour, stop_id: int) -> Stop:
    """:raise NotFound: no stop with this id in ``tour``."""
    stop = db.session.get(Stop, stop_id)
    if stop is None or stop.tour_id != tour.id:
        raise NotFound(None, f"No stop with id {stop_id} in this tour.")
    return stop


def reorder_stops(tour: Tour, stop_ids: list[int], version: int | None = None) -> None:
    """Put the stops in the order of ``stop_ids``, a permutation of the tour's stop ids.
    The tour's version counts the change (the stops' own versions do not: their order is
    the tour's).

    :raise InvalidValue: an id is listed twice.
    :raise StaleVersion: ``version`` is given and not the tour's current one.
    :raise Conflict: ``stop_ids`` are not the tour's stops as they are now (one was added
        or deleted meanwhile, or never belonged to it).
    """
    if len(set(stop_ids)) != len(stop_ids):
        raise InvalidValue("stop_ids", "A stop is listed twice.")
    lock_tour(tour, version, change=True)
    by_id = {stop.id: stop for stop in tour.stops}
    if set(stop_ids) != set(by_id):
        raise Conflict("stop_ids", "List every stop of the tour exactly once, as it is now.")
    rank = {stop_id: n for n, stop_id in enumerate(stop_ids)}
    tour.stops.sort(key=lambda stop: rank[stop.id])
    tour.stops.reorder()
    db.session.flush()


def remove_stop(tour: Tour, stop_id: int, version: int | None = None) -> None:
    """Delete a stop; the ones after it close up. To offer an undo (:func:`restore_stop`),
    an adapter reads the stop first under :func:`lock_tour`, which this takes again.

    :raise NotFound: no such stop in the tour (perhaps deleted a moment ago).
    :raise StaleVersion: ``version`` is given and not the stop's current one.
    """
    lock_tour(tour, change=True)
    stop = tour_stop(tour, stop_id)
    bump(stop, version)
    tour.stops.remove(stop)
    tour.stops.reorder()
    db.session.flush()


def restore_stop(tour: Tour, position: int, stop_id: int | None = None, **fields) -> Stop:
    """Put back a deleted stop (the undo of :func:`remove_stop`) at ``position`` (0 is the
    first; past the end, last) with its ``fields`` as :func:`add_stop` takes them. It keeps
    ``stop_id`` when that id is free, so links to it work again; else it gets a new one.
    A site or media items deleted or moved to another team since are left out, so an
    undo never fails on what it cannot bring back. Counts in the tour's version.

    :raise InvalidValue: half a coordinate pair, or a media item listed twice.
    """
    lock_tour(tour, change=True)
    team_id = tour.team.id
    if fields.get("site_id") is not None:
        site = db.session.get(Site, fields["site_id"])
        fields["site_id"] = site.id if site is not None and site.team_id == team_id else None
    if "media_ids" in fields:
        wanted = fields["media_ids"]
        if len(set(wanted)) != len(wanted):
            raise InvalidValue("media_ids", "A media item is listed twice.")
        kept = {item.id for item in team_media_among(tour.team, wanted)}
        fields["media_ids"] = [media_id for media_id in wanted if media_id in kept]
    stop = Stop(title={}, narrative={}, presenter_notes={}, discussion_prompts={})
    if stop_id is not None and db.session.get(Stop, stop_id) is None:
        stop.id = stop_id
    tour.stops.insert(max(0, min(position, len(tour.stops))), stop)
    _set_stop_fields(stop, fields, new=True)
    tour.stops.reorder()
    db.session.flush()
    return stop
