"""Follow-along: a facilitator's presentation that phones in the room follow.

The sessions themselves live in :mod:`tourbuilder.live` (memory or Redis); this module
holds the rules around them:

=======================================  ==================================================
who                                      may
=======================================  ==================================================
someone who may present the tour         start a session on it (optionally in a workshop)
the session's presenter                  move it to another stop, or to another tour they
                                         may present (a workshop's programme); end it
anyone with the code, while it lives     follow it: the tour's **published** version, with
                                         its publishable media, even a workshop-only tour
=======================================  ==================================================

Phones never see a draft or media without consent: they see what an offline pack of the
tour would hold. A tour that has no published version cannot be followed.
"""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..live import get_store
from ..live import LiveSession
from ..models import MediaItem
from ..models import Tour
from ..models import User
from . import publishing
from . import workshops
from .errors import InvalidValue
from .errors import NotFound

UNPUBLISHED = "Publish the tour first: phones follow its published version."


def may_present(user, tour: Tour) -> bool:
    """The presenting rule: team members, and facilitators of a workshop the tour is
    shared with (:meth:`Tour.can_present`)."""
    return tour.can_present(user)


def start(tour: Tour, user, workshop_id: int | None = None) -> LiveSession:
    """A new session on ``tour`` presented by ``user``, in the workshop ``workshop_id``
    (whose programme must hold the tour) when given: then phones can send reflections.

    :raise NotFound: ``user`` may not present ``tour``, or may not see the workshop.
    :raise InvalidValue: the tour has no published version for phones to show, or is not
        on the workshop's programme.
    """
    if not may_present(user, tour):
        raise NotFound(None, "There is no tour at this address, or it is not shared with you.")
    if publishing.published_view(tour) is None:
        raise InvalidValue("tour_id", UNPUBLISHED)
    if workshop_id is not None:
        _check_programme(workshops.get_workshop(workshop_id, user), tour)
    return get_store().create(tour.slug, user.id, workshop_id)


def _check_programme(workshop, tour: Tour) -> None:
    """:raise InvalidValue: ``tour`` is not on the workshop's programme."""
    if tour not in workshops.programme(workshop):
        raise InvalidValue("tour_id", "This tour is not on the workshop's programme.")


def owned_session(code: str, user) -> LiveSession:
    """The session ``code`` if ``user`` presents it.

    :raise NotFound: no such session (ended, expired), or someone else's.
    """
    session = get_store().get(code)
    if session is None or not user.is_authenticated or session.presenter_id != user.id:
        raise NotFound(None, "There is no follow-along session with this code.")
    return session


def followed_tour(session: LiveSession) -> Tour | None:
    """The published version of the tour the session shows, or None when its presenter may
    no longer present it (a withdrawn share) or it is no longer published."""
    tour = db.session.scalar(select(Tour).where(Tour.slug == session.slug))
    presenter = db.session.get(User, session.presenter_id)
    if tour is None or presenter is None or not may_present(presenter, tour):
        return None
    return publishing.published_view(tour)


def move(session: LiveSession, user, stop: int, step: int = 0, slug: str | None = None):
    """Move ``session`` to ``stop`` (0 is the title slide, ``len(stops) + 1`` the end) of
    its tour, or of the tour at ``slug``, which ``user`` must be able to present.

    :raise NotFound: no tour at ``slug`` that ``user`` may present.
    :raise InvalidValue: ``stop`` is not a stop of the tour.
    """
    slug = slug or session.slug
    tour = db.session.scalar(select(Tour).where(Tour.slug == slug))
    if tour is None or not may_present(user, tour):
        raise NotFound("slug", "There is no tour at this address, or it is not shared with you.")
    shown = publishing.published_view(tour)
    if shown is None:
        raise InvalidValue("slug", UNPUBLISHED)
    if slug != session.slug and session.workshop_id is not None:
        _check_programme(workshops.get_workshop(session.workshop_id, user), tour)
    if not 0 <= stop <= len(shown.stops) + 1:
        raise InvalidValue(
            "stop", f"Stops go from 0 (the title) to {len(shown.stops) + 1} (the end)."
        )
    if 1 <= stop <= len(shown.stops):
        title = shown.stops[stop - 1].display_title(shown.fallback_language())
    else:
        title = shown.text("title", shown.fallback_language())
    return get_store().set_state(session.code, slug=slug, stop=stop, step=step, title=title)


def media_followed(item: MediaItem, codes) -> bool:
    """Does one of the sessions ``codes`` (those a phone has opened) show ``item``? Only
    publishable items of a followed tour's published version."""
    if not item.is_publishable:
        return False
    store = get_store()
    for code in codes:
        session = store.get(code)
        tour = followed_tour(session) if session is not None else None
        if tour is not None and tour.team_id == item.team_id:
            publication = db.session.get(Tour, tour.id).publication
            if publication is not None and item.id in publication.media_ids():
                return True
    return False
