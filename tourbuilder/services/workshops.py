"""Workshops that bring teams together: create them, name their facilitators, and let team
admins share their published tours with them (the ordered programme).

A shared tour may be viewed, presented and packed by the workshop's facilitators without
joining its team (``Tour.can_view``/``Tour.can_present`` ask :func:`facilitates`);
withdrawing it ends that at once. Who may create or manage a workshop is said on
:class:`~tourbuilder.models.Workshop`; the functions here that take ``by`` check it
themselves, the others trust their adapter.

Services flush; the adapter commits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from sqlalchemy import func
from sqlalchemy import select

from ..extensions import db
from ..models import Role
from ..models import Tour
from ..models import TourVisibility
from ..models import User
from ..models import utcnow
from ..models import Workshop
from ..models import WorkshopFacilitator
from ..models import WorkshopTour
from ..models.teams import is_site_admin
from ..models.teams import role_for
from ..models.workshops import can_create_workshop
from ..models.workshops import facilitates as _facilitates
from .accounts import find_user
from .errors import Conflict
from .errors import Forbidden
from .errors import InvalidValue
from .errors import NotFound
from .errors import translate as _

#: The language tours are shown in at a workshop: a two- or three-letter code.
LANGUAGE = re.compile(r"[a-z]{2,3}")
FIELDS = ("title", "starts_on", "ends_on", "place", "notes", "language")
TITLE_MAX = 200
PLACE_MAX = 200
NOTES_MAX = 5000


def _clean(fields: dict, workshop: Workshop | None = None) -> dict:
    """The fields, stripped and checked.

    :raise InvalidValue: an empty title, a text too long, an end before the start.
    """
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise InvalidValue(sorted(unknown)[0], _("Unknown field."))
    cleaned = dict(fields)
    for name, limit in (("title", TITLE_MAX), ("place", PLACE_MAX), ("notes", NOTES_MAX)):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
            if len(cleaned[name]) > limit:
                raise InvalidValue(name, _("This text is too long."))
    if "title" in cleaned and not cleaned["title"]:
        raise InvalidValue("title", _("Give the workshop a title."))
    for name in ("starts_on", "ends_on"):
        if name in cleaned and cleaned[name] is not None and not isinstance(cleaned[name], date):
            raise InvalidValue(name, _("Not a date."))
    if "starts_on" in cleaned and cleaned["starts_on"] is None:
        raise InvalidValue("starts_on", _("Say when the workshop starts."))
    if "language" in cleaned:
        cleaned["language"] = (cleaned["language"] or "en").strip().lower() or "en"
        if not LANGUAGE.fullmatch(cleaned["language"]):
            raise InvalidValue("language", f"Not a language code: {cleaned['language']}.")
    starts = cleaned.get("starts_on", workshop.starts_on if workshop else None)
    ends = cleaned.get("ends_on", workshop.ends_on if workshop else None)
    if starts and ends and ends < starts:
        raise InvalidValue("ends_on", _("The workshop cannot end before it starts."))
    return cleaned


def create_workshop(by: User, **fields) -> Workshop:
    """A new workshop; ``by`` becomes its first facilitator.

    :raise Forbidden: ``by`` is neither a site admin nor an admin or facilitator of a team.
    :raise InvalidValue: see :func:`_clean` (``title`` and ``starts_on`` are needed).
    """
    if not can_create_workshop(by):
        raise Forbidden(
            None, _("Only site admins and team admins or facilitators create workshops.")
        )
    fields.setdefault("title", "")
    fields.setdefault("starts_on", None)
    workshop = Workshop(created_by=by, **_clean(fields))
    workshop.facilitators.append(WorkshopFacilitator(user=by))
    db.session.add(workshop)
    db.session.flush()
    return workshop


def update_workshop(workshop: Workshop, **fields) -> Workshop:
    """Change the workshop's title, dates, place, notes or language.

    :raise InvalidValue: see :func:`_clean`.
    """
    for name, value in _clean(fields, workshop).items():
        setattr(workshop, name, value)
    db.session.flush()
    return workshop


def delete_workshop(workshop: Workshop) -> None:
    """The workshop, its programme (every sharing) and its reflections."""
    db.session.delete(workshop)
    db.session.flush()


def add_facilitator(workshop: Workshop, email: str) -> WorkshopFacilitator:
    """Name the account with ``email`` a facilitator (it need not belong to any team).

    :raise NotFound: no account has this email (they sign up or are invited first).
    :raise Conflict: they already facilitate this workshop.
    """
    user = find_user(email or "")
    if user is None:
        raise NotFound("email", _("No account has this email: ask the person to create one first."))
    if workshop.is_facilitator(user):
        raise Conflict("email", _("This person already facilitates the workshop."))
    entry = WorkshopFacilitator(user=user)
    workshop.facilitators.append(entry)
    db.session.flush()
    return entry


def remove_facilitator(workshop: Workshop, user: User) -> None:
    """Take ``user`` off the workshop's facilitators.

    :raise NotFound: they are not one.
    :raise Conflict: they are the last one (a workshop keeps at least one).
    """
    entry = next((f for f in workshop.facilitators if f.user_id == user.id), None)
    if entry is None:
        raise NotFound("user_id", _("This person does not facilitate the workshop."))
    if len(workshop.facilitators) == 1:
        raise Conflict("user_id", _("A workshop needs at least one facilitator."))
    workshop.facilitators.remove(entry)
    db.session.flush()


def can_share(user, tour: Tour) -> bool:
    """Team admins of the tour's team (and site admins) share it with workshops."""
    return is_site_admin(user) or role_for(user, tour.team_id) is Role.ADMIN


def share_tour(workshop: Workshop, tour: Tour, by) -> WorkshopTour:
    """Share a published tour (public, unlisted or workshop-only) with the workshop: it
    joins the end of the programme and the workshop's facilitators may present it.

    :raise Forbidden: ``by`` is not an admin of the tour's team.
    :raise Conflict: the tour is a draft (never published), or already shared with it.
    """
    if not can_share(by, tour):
        raise Forbidden(None, _("Only admins of the tour's team share it with workshops."))
    if tour.visibility is TourVisibility.DRAFT or tour.publication is None:
        raise Conflict(
            "tour_id",
            _(
                "Drafts cannot be shared: publish the tour first (public, unlisted or "
                "workshop only), then share it."
            ),
        )
    if _entry(workshop, tour) is not None:
        raise Conflict("tour_id", _("This tour is already shared with the workshop."))
    last = max((e.position for e in workshop.programme_entries), default=-1)
    entry = WorkshopTour(tour=tour, position=last + 1, shared_by_id=by.id, shared_at=utcnow())
    workshop.programme_entries.append(entry)
    db.session.flush()
    return entry


def _entry(workshop: Workshop, tour: Tour) -> WorkshopTour | None:
    return next((e for e in workshop.programme_entries if e.tour_id == tour.id), None)


def withdraw_tour(workshop: Workshop, tour: Tour, by) -> None:
    """Take the tour off the workshop's programme: its facilitators lose access at once.
    Team admins of the tour's team withdraw it; the workshop's facilitators may also take
    it off their programme. Reflections already sent stay with the workshop.

    :raise Forbidden: ``by`` is neither.
    :raise NotFound: the tour is not shared with the workshop.
    """
    if not (can_share(by, tour) or workshop.can_manage(by)):
        raise Forbidden(None, _("Only admins of the tour's team withdraw it."))
    entry = _entry(workshop, tour)
    if entry is None:
        raise NotFound("tour_id", _("This tour is not shared with the workshop."))
    workshop.programme_entries.remove(entry)
    db.session.delete(entry)
    db.session.flush()


def reorder(workshop: Workshop, tour_ids: list[int]) -> list[Tour]:
    """Put the programme in the order of ``tour_ids`` (every shared tour, once).

    :raise InvalidValue: the ids are not exactly the programme's tours.
    """
    entries = {e.tour_id: e for e in workshop.programme_entries}
    ids = [int(i) for i in tour_ids]
    if sorted(ids) != sorted(entries):
        raise InvalidValue("tour_ids", _("List every tour of the programme once."))
    for position, tour_id in enumerate(ids):
        entries[tour_id].position = position
    db.session.flush()
    db.session.expire(workshop, ["programme_entries"])
    return programme(workshop)


def move(workshop: Workshop, tour: Tour, offset: int) -> list[Tour]:
    """Move one tour up (``-1``) or down (``+1``) the programme; at an end, nothing moves.

    :raise NotFound: the tour is not on the programme.
    """
    ids = [t.id for t in programme(workshop)]
    if tour.id not in ids:
        raise NotFound("tour_id", _("This tour is not shared with the workshop."))
    at = ids.index(tour.id)
    to = max(0, min(len(ids) - 1, at + offset))
    ids.insert(to, ids.pop(at))
    return reorder(workshop, ids)


def programme(workshop: Workshop) -> list[Tour]:
    """The shared tours, in programme order."""
    return [entry.tour for entry in sorted(workshop.programme_entries, key=_order)]


def _order(entry: WorkshopTour):
    return (entry.position, entry.id or 0)


def neighbours(
    workshop: Workshop, tour: Tour, keep: Callable[[Tour], bool] = lambda tour: True
) -> tuple[Tour | None, Tour | None]:
    """The tours before and after ``tour`` in the programme, among those ``keep`` accepts
    (presentation mode moves on). ``tour`` is matched by id: it may be the published view
    of a programme tour rather than its row."""
    tours = [entry for entry in programme(workshop) if keep(entry)]
    ids = [entry.id for entry in tours]
    if tour.id not in ids:
        return None, None
    at = ids.index(tour.id)
    return (tours[at - 1] if at else None), (tours[at + 1] if at + 1 < len(tours) else None)


def workshops_for(user) -> list[Workshop]:
    """The workshops ``user`` facilitates or has a team's tour in; every one for a site
    admin. The soonest first, then by title."""
    if not getattr(user, "is_authenticated", False):
        return []
    query = select(Workshop).order_by(Workshop.starts_on.desc(), Workshop.title, Workshop.id)
    if not is_site_admin(user):
        facilitated = select(WorkshopFacilitator.workshop_id).where(
            WorkshopFacilitator.user_id == user.id
        )
        shared = (
            select(WorkshopTour.workshop_id)
            .join(Tour, Tour.id == WorkshopTour.tour_id)
            .where(Tour.team_id.in_(user.team_ids() or {-1}))
        )
        query = query.where(Workshop.id.in_(facilitated) | Workshop.id.in_(shared))
    return list(db.session.scalars(query))


def shareable_workshops(since: date | None = None) -> list[Workshop]:
    """Workshops a team admin may share a tour with: those not over before ``since``
    (today by default), the soonest first. A workshop is not secret: its title, date
    and place are shown to team admins choosing where to share."""
    since = since or date.today()
    ends = func.coalesce(Workshop.ends_on, Workshop.starts_on)
    query = select(Workshop).where(ends >= since).order_by(Workshop.starts_on, Workshop.id)
    return list(db.session.scalars(query))


def facilitates(user, tour: Tour) -> bool:
    """Is ``user`` a facilitator of a workshop ``tour`` is shared with?"""
    return _facilitates(user, tour.id)


def shares_of(tour: Tour) -> list[WorkshopTour]:
    """The workshops the tour is shared with (listed on the tour's pages), soonest first."""
    query = (
        select(WorkshopTour)
        .join(Workshop, Workshop.id == WorkshopTour.workshop_id)
        .where(WorkshopTour.tour_id == tour.id)
        .order_by(Workshop.starts_on, Workshop.id)
    )
    return list(db.session.scalars(query))


def get_workshop(workshop_id: int, user) -> Workshop:
    """The workshop, if ``user`` may view it.

    :raise NotFound: no such workshop, or ``user`` may not view it.
    """
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None or not workshop.can_view(user):
        raise NotFound(None, _("There is no workshop here, or it is not shared with you."))
    return workshop
