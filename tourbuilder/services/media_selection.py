"""The media page's filters and what it does to a selection of items at once.

Filters (``FILTERS``) are named facts about an item, so the page can keep them in its URL
(``?kind=photo&show=needs-location``) and the browser can apply them to rows without a
reload. Bulk actions call :func:`tourbuilder.services.library.update_item` and
``delete_media`` for each item: one rule for a change, whether made to one item or many.
Services flush; the adapter commits.
"""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Consent
from ..models import MediaItem
from ..models import MediaKind
from ..models import MediaStatus
from ..models import Stop
from ..models import StopMedia
from ..models import Team
from ..models import Tour
from .library import delete_media
from .library import team_media_among
from .library import update_item

#: Kinds that show a picture, so they need alt text.
VISUAL = {MediaKind.PHOTO, MediaKind.PANORAMA, MediaKind.VIDEO}
#: The "show only" filters, in the page's order.
FILTERS = (
    "needs-location",
    "needs-alt-text",
    "consent-not-recorded",
    "unused",
    "failed",
)


def facts(item: MediaItem, used: set[int]) -> set[str]:
    """The filters ``item`` matches (``used``: ids of items some tour shows)."""
    found = set()
    if item.lat is None:
        found.add("needs-location")
    if item.kind in VISUAL and not any((item.alt_text or {}).values()):
        found.add("needs-alt-text")
    if item.consent is Consent.NOT_YET:
        found.add("consent-not-recorded")
    if item.id not in used:
        found.add("unused")
    if item.status is MediaStatus.FAILED:
        found.add("failed")
    return found


def matches(item: MediaItem, item_facts: set[str], kind: str | None, shown: set[str]) -> bool:
    """Does the item pass the page's filters (a kind, and every "show only" fact)?"""
    return (not kind or str(item.kind) == kind) and shown <= item_facts


def used_ids(team: Team) -> set[int]:
    """Ids of the team's items that a tour shows (at a stop, or as its cover)."""
    at_stops = db.session.scalars(
        select(StopMedia.media_id)
        .join(MediaItem, MediaItem.id == StopMedia.media_id)
        .where(MediaItem.team_id == team.id)
    ).all()
    covers = db.session.scalars(
        select(Tour.cover_id).where(Tour.team_id == team.id, Tour.cover_id.is_not(None))
    ).all()
    return set(at_stops) | set(covers)


def tours_using(items: list[MediaItem]) -> list[Tour]:
    """The tours that show any of ``items`` (at a stop or as the cover), by id."""
    ids = [item.id for item in items] or [0]
    at_stops = (
        select(Stop.tour_id)
        .join(StopMedia, StopMedia.stop_id == Stop.id)
        .where(StopMedia.media_id.in_(ids))
    )
    return db.session.scalars(
        select(Tour).where(Tour.id.in_(at_stops) | Tour.cover_id.in_(ids)).order_by(Tour.id)
    ).all()


def bulk_update(team: Team, ids: list[int], **fields) -> list[MediaItem]:
    """Set the same fields (``consent``, ``site_id``) on the team's items among ``ids``;
    other ids are left out silently (they name nothing of this team's).

    :raise InvalidValue: see ``update_item`` (a site of another team, a bad consent).
    """
    items = team_media_among(team, ids)
    for item in items:
        update_item(item, **fields)
    return items


def bulk_delete(team: Team, ids: list[int]) -> int:
    """Delete the team's items among ``ids``; returns how many."""
    items = team_media_among(team, ids)
    for item in items:
        delete_media(item)
    return len(items)
