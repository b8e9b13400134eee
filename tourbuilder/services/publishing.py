"""Published versions of tours: the public sees what was published while the team goes on
editing the draft.

A tour's rows (the tour, its stops, their media links) are its **draft**. Publishing
copies them into a JSON document, the tour's :class:`~tourbuilder.models.TourPublication`
(one per tour, replaced whole): the tour's title, summary, cover, theme and languages; its
stops in order with their texts, places, site ids and media ids. The slug (the address)
and the visibility stay on the tour. Sites and media items are shown as they are now
under their own rules (only publishable media reach the public).

Who sees what: team members (and site admins) see the draft; everyone else sees the
published version, built by :func:`published_view` as transient ``Tour``/``Stop``/
``StopMedia`` objects (never added to the session) so pages, templates and API schemas
read them like the draft. ``visibility`` is ``draft`` exactly when there is no
publication.

Services flush; the adapter commits.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import MediaItem
from ..models import Site
from ..models import Stop
from ..models import StopMedia
from ..models import Tour
from ..models import TourPublication
from ..models import TourVisibility
from ..models import utcnow
from .errors import Conflict
from .errors import InvalidValue
from .errors import NotFound
from .errors import PublishError
from .publish_check import publish_problems
from .tours import lock_tour
from .versions import bump

TOUR_FIELDS = ("title", "summary", "theme", "languages", "cover_id")
STOP_FIELDS = (
    "site_id", "lat", "lon", "title", "narrative", "presenter_notes", "discussion_prompts",
    "zoom", "layout",
)  # fmt: skip
#: Fields documents published before they existed lack: read as these.
STOP_DEFAULTS = {"discussion_prompts": {}}


def _plain(value):
    """JSON-ready copies of mutable JSON columns (dicts and lists)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def stop_document(stop: Stop) -> dict:
    """One stop of a published version."""
    document = {"id": stop.id, **{name: _plain(getattr(stop, name)) for name in STOP_FIELDS}}
    document["media_ids"] = [link.media_id for link in stop.media_links]
    return document


def document(tour: Tour) -> dict:
    """The draft of ``tour`` as a published version would hold it."""
    return {
        "tour": {name: _plain(getattr(tour, name)) for name in TOUR_FIELDS},
        "stops": [stop_document(stop) for stop in tour.stops],
    }


def has_unpublished_changes(tour: Tour) -> bool:
    """Does the draft differ from the published version? False for a tour never published
    (and for a published view itself)."""
    if getattr(tour, "is_published_view", False) or tour.publication is None:
        return False
    return document(tour) != tour.publication.document


def publish(
    tour: Tour,
    visibility: TourVisibility | str = TourVisibility.PUBLIC,
    version: int | None = None,
    by=None,
) -> TourPublication:
    """Publish the draft as it is now, replacing the published version in one step, and
    show it to ``visibility``'s audience (``public``, ``unlisted`` or ``workshop``). The
    publish check runs every time.

    :raise InvalidValue: ``visibility`` is ``draft`` (that is :func:`unpublish`).
    :raise StaleVersion: ``version`` is given and not the tour's current one.
    :raise PublishError: the check finds problems; the published version stays as it was.
    """
    visibility = TourVisibility(visibility)
    if visibility is TourVisibility.DRAFT:
        raise InvalidValue("visibility", "Publish as public, unlisted or workshop.")
    lock_tour(tour, version, change=True)
    problems = publish_problems(tour)
    if problems:
        raise PublishError(problems)
    now = utcnow()
    if tour.publication is None:
        tour.publication = TourPublication(document=document(tour))
    else:
        tour.publication.document = document(tour)
    tour.publication.published_at = now
    tour.publication.published_by_id = getattr(by, "id", None)
    tour.visibility = visibility
    tour.published_at = now
    db.session.flush()
    return tour.publication


def unpublish(tour: Tour, version: int | None = None) -> None:
    """Take the tour off every public page, list, map and feed at once: back to a draft,
    its published version gone. The draft is kept.

    :raise StaleVersion: ``version`` is given and not the tour's current one.
    """
    bump(tour, version)
    tour.publication = None
    tour.visibility = TourVisibility.DRAFT
    tour.published_at = None
    db.session.flush()


def change_visibility(tour: Tour, visibility: TourVisibility | str, by=None) -> None:
    """A visibility set with the tour's other fields (``PATCH``): ``draft`` unpublishes;
    another visibility than the current one publishes the draft to it (the check runs);
    the current one changes nothing (it does not publish pending changes).

    :raise PublishError: as :func:`publish`.
    """
    visibility = TourVisibility(visibility)
    if visibility is tour.visibility:
        return
    if visibility is TourVisibility.DRAFT:
        unpublish(tour)
    else:
        publish(tour, visibility, by=by)


def discard_changes(tour: Tour, version: int | None = None) -> None:
    """Put the draft back to the published version: the tour's fields, its stops (with
    their ids where those are free), their order, texts, places and media. Media items
    and sites deleted since are left out.

    :raise Conflict: the tour was never published: there is nothing to go back to.
    :raise StaleVersion: ``version`` is given and not the tour's current one.
    """
    if tour.publication is None:
        raise Conflict(None, "The tour is not published: there is no published version.")
    lock_tour(tour, version, change=True)
    published = tour.publication.document
    fields = dict(published["tour"])
    cover_id = fields.pop("cover_id")
    for name, value in fields.items():
        setattr(tour, name, _plain(value))
    tour.cover = _team_item(tour, cover_id)
    current = {stop.id: stop for stop in tour.stops}
    stops = [
        _restored_stop(tour, current.pop(entry["id"], None), entry) for entry in published["stops"]
    ]
    tour.stops[:] = stops
    tour.stops.reorder()
    db.session.flush()


def _restored_stop(tour: Tour, stop: Stop | None, entry: dict) -> Stop:
    """The draft stop for ``entry``: the same row (counted as changed when it differs), or
    a new one with its old id when that is free."""
    if stop is not None and stop_document(stop) == entry:
        return stop
    if stop is None:
        stop = Stop(title={}, narrative={}, presenter_notes={}, discussion_prompts={})
        if db.session.get(Stop, entry["id"]) is None:
            stop.id = entry["id"]
    else:
        bump(stop)
    for name in STOP_FIELDS:
        setattr(stop, name, _plain(entry.get(name, STOP_DEFAULTS.get(name))))
    site = db.session.get(Site, entry["site_id"]) if entry["site_id"] else None
    stop.site = site if site is not None and site.team_id == tour.team_id else None
    items = [_team_item(tour, media_id) for media_id in entry["media_ids"]]
    stop.media_links = [StopMedia(media=item) for item in items if item is not None]
    stop.media_links.reorder()
    return stop


def _team_item(tour: Tour, media_id: int | None) -> MediaItem | None:
    item = db.session.get(MediaItem, media_id) if media_id else None
    return item if item is not None and item.team_id == tour.team_id else None


def published_view(tour: Tour, rows: dict | None = None) -> Tour | None:
    """The published version of ``tour`` as a transient ``Tour`` (never added to the
    session) with its stops and media links; None when it is not published. It carries
    ``is_published_view = True``.

    Its sites and media items are read in two queries (:func:`referenced_rows`), whatever
    the number of stops; ``rows`` passes them in when they were read for several tours."""
    published = published_document(tour)
    if published is None:
        return None
    publication = tour.publication
    if rows is None:
        rows = referenced_rows([published])
    fields = dict(published["tour"])
    cover_id = fields.pop("cover_id")
    view = Tour(
        id=tour.id,
        team_id=tour.team_id,
        slug=tour.slug,
        visibility=tour.visibility,
        published_at=publication.published_at,
        version=tour.version,
        created_at=tour.created_at,
        updated_at=publication.published_at,
        cover_id=cover_id,
        **{name: _plain(value) for name, value in fields.items()},
    )
    view.team = tour.team
    view.cover = _owned(tour, rows["media"].get(cover_id))
    view.stops = [
        _view_stop(tour, entry, position, rows) for position, entry in enumerate(published["stops"])
    ]
    view.is_published_view = True
    return view


def published_document(tour: Tour) -> dict | None:
    """The published version of ``tour`` as stored (see :func:`document`); None when
    it is not published."""
    if tour.publication is None or tour.visibility is TourVisibility.DRAFT:
        return None
    return tour.publication.document


def referenced_rows(documents: list[dict]) -> dict:
    """The sites and media items published ``documents`` refer to, by id: ``{"sites":
    {id: Site}, "media": {id: MediaItem}}``, in one query each."""
    site_ids, media_ids = set(), set()
    for published in documents:
        media_ids.add(published["tour"].get("cover_id"))
        for entry in published["stops"]:
            site_ids.add(entry.get("site_id"))
            media_ids.update(entry["media_ids"])
    site_ids.discard(None)
    media_ids.discard(None)
    sites = db.session.scalars(select(Site).where(Site.id.in_(site_ids))) if site_ids else []
    media = (
        db.session.scalars(select(MediaItem).where(MediaItem.id.in_(media_ids)))
        if media_ids
        else []
    )
    return {"sites": {s.id: s for s in sites}, "media": {m.id: m for m in media}}


def _owned(tour: Tour, row):
    """``row`` (a site or media item) when it belongs to ``tour``'s team, else None."""
    return row if row is not None and row.team_id == tour.team_id else None


def _view_stop(tour: Tour, entry: dict, position: int, rows: dict) -> Stop:
    fields = {name: _plain(entry.get(name, STOP_DEFAULTS.get(name))) for name in STOP_FIELDS}
    stop = Stop(id=entry["id"], tour_id=tour.id, position=position, **fields)
    stop.site = _owned(tour, rows["sites"].get(entry["site_id"]))
    links = []
    for number, media_id in enumerate(entry["media_ids"]):
        item = _owned(tour, rows["media"].get(media_id))
        if item is not None:
            links.append(StopMedia(stop_id=stop.id, media_id=item.id, position=number, media=item))
    stop.media_links = links
    return stop


def shown_tour(tour: Tour, user, published: bool = False) -> Tour:
    """The tour as ``user`` sees it: the draft for its team (unless ``published`` asks for
    the published version, a preview of what the public sees), else the published version.

    :raise NotFound: ``user`` may not see it, or there is no published version to show.
    """
    if tour.can_view(user) and tour.sees_draft(user) and not published:
        return tour
    view = published_view(tour) if tour.can_view(user) else None
    if view is None:
        raise NotFound(None, "There is no tour at this address, or it is not shared with you.")
    return view


def public_tours(at_site: Site | None = None) -> list[Tour]:
    """The published versions of public tours, the most recently published first; with
    ``at_site``, those whose published version has a stop at that site. A fixed number of
    queries, whatever the number of tours and stops."""
    query = (
        select(Tour)
        .join(TourPublication, TourPublication.tour_id == Tour.id)
        .where(Tour.visibility == TourVisibility.PUBLIC)
        .order_by(TourPublication.published_at.desc(), Tour.id.desc())
        .options(contains_eager(Tour.publication), selectinload(Tour.team))
    )
    tours = db.session.scalars(query).all()
    rows = referenced_rows([tour.publication.document for tour in tours])
    views = [published_view(tour, rows) for tour in tours]
    if at_site is not None:
        views = [v for v in views if any(stop.site_id == at_site.id for stop in v.stops)]
    return views
