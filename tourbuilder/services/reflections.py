"""Workshop reflections: short texts participants send from their phones on the stop being
presented (no account, name optional), seen only by the workshop's facilitators and by the
teams whose tours they are about, and exported as CSV and Markdown grouped by tour and stop.

Sending is rate limited per client per workshop (``REFLECTION_RATE_LIMIT``, e.g. ``"5 per
minute"``) with the app's rate limiter (:mod:`tourbuilder.throttle`): counts live in Redis
when ``REDIS_URL`` is set, else in the process's memory.

Services flush; the adapter commits.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import time
from dataclasses import dataclass

from flask import current_app
from limits import parse_many
from sqlalchemy import or_
from sqlalchemy import select

from ..extensions import db
from ..extensions import limiter
from ..models import Reflection
from ..models import Tour
from ..models import utcnow
from ..models import Workshop
from ..models import WorkshopFacilitator
from ..models.teams import is_site_admin
from ..models.workshops import REFLECTION_MAX
from ..models.workshops import REFLECTION_NAME_MAX
from .errors import InvalidValue
from .errors import NotFound
from .errors import Throttled
from .errors import translate as _
from .publishing import published_view
from .tour_export import spreadsheet_safe
from .workshops import programme


def client_hash(client: str) -> str:
    """What is stored of a client (its address, a device id): a hash, never the value."""
    return hashlib.sha256(("reflection:" + (client or "")).encode()).hexdigest()


def _throttle(workshop: Workshop, client: str) -> None:
    """Count one reflection from ``client`` at ``workshop``.

    :raise Throttled: the client sent its share for now.
    """
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    keys = (current_app.config.get("RATELIMIT_KEY_PREFIX", ""), "reflection", str(workshop.id))
    strategy = limiter.limiter
    for limit in parse_many(current_app.config["REFLECTION_RATE_LIMIT"]):
        if not strategy.hit(limit, *keys, client):
            reset_time, _remaining = strategy.get_window_stats(limit, *keys, client)
            wait = max(1, math.ceil(reset_time - time.time()))
            raise Throttled(
                None,
                _("You sent several reflections just now. Please wait a moment."),
                retry_after=wait,
            )


def add(
    workshop: Workshop,
    tour: Tour | None,
    stop_number: int | None,
    body: str,
    name: str = "",
    client: str = "",
) -> Reflection:
    """A participant's reflection on ``tour`` (a tour of the programme) at stop
    ``stop_number`` (1-based; None: the tour as a whole). ``client`` says who sent it
    (an address, a device id); only its hash is stored.

    :raise InvalidValue: empty or too long text or name; a stop the tour does not have.
    :raise NotFound: the tour is not on the workshop's programme.
    :raise Throttled: too many reflections from this client at this workshop just now.
    """
    body = (body or "").strip()
    name = (name or "").strip()
    if not body:
        raise InvalidValue("body", _("Write your reflection first."))
    if len(body) > REFLECTION_MAX:
        raise InvalidValue("body", _("A reflection has at most 500 characters."))
    if len(name) > REFLECTION_NAME_MAX:
        raise InvalidValue("name", _("A name has at most 80 characters."))
    if tour is not None:
        if tour.id not in {shared.id for shared in programme(workshop)}:
            raise NotFound("tour_id", _("This tour is not on the workshop's programme."))
        if stop_number is not None:
            shown = published_view(db.session.get(Tour, tour.id))
            count = len(shown.stops) if shown is not None else 0
            if not isinstance(stop_number, int) or not 1 <= stop_number <= count:
                raise InvalidValue("stop_number", _("The tour has no stop with this number."))
    elif stop_number is not None:
        raise InvalidValue("stop_number", _("Say which tour the stop belongs to."))
    hashed = client_hash(client)
    _throttle(workshop, hashed)
    reflection = Reflection(
        workshop=workshop,
        tour_id=tour.id if tour is not None else None,
        stop_number=stop_number,
        body=body,
        name=name,
        client_hash=hashed,
    )
    db.session.add(reflection)
    db.session.flush()
    return reflection


def mark_shown(reflection: Reflection) -> Reflection:
    """Record that the facilitator showed it on screen (now)."""
    reflection.shown_at = utcnow()
    db.session.flush()
    return reflection


def for_workshop(workshop: Workshop) -> list[Reflection]:
    """Every reflection of the workshop, oldest first (the adapter checks who asks)."""
    query = (
        select(Reflection)
        .where(Reflection.workshop_id == workshop.id)
        .order_by(Reflection.created_at, Reflection.id)
    )
    return list(db.session.scalars(query))


def visible_to(user, workshop: Workshop | None = None) -> list[Reflection]:
    """The reflections ``user`` may read (of ``workshop`` only, if given), oldest first:
    all of the workshops they facilitate, those on their own teams' tours, every one for a
    site admin; none for anyone else (reflections are never public)."""
    if not getattr(user, "is_authenticated", False):
        return []
    query = select(Reflection).order_by(Reflection.created_at, Reflection.id)
    if workshop is not None:
        query = query.where(Reflection.workshop_id == workshop.id)
    if not is_site_admin(user):
        facilitated = select(WorkshopFacilitator.workshop_id).where(
            WorkshopFacilitator.user_id == user.id
        )
        own_tours = select(Tour.id).where(Tour.team_id.in_(user.team_ids() or {-1}))
        query = query.where(
            or_(Reflection.workshop_id.in_(facilitated), Reflection.tour_id.in_(own_tours))
        )
    return list(db.session.scalars(query))


@dataclass
class Group:
    """The reflections on one stop (``number`` None: on the tour as a whole)."""

    tour: Tour | None
    tour_title: str
    number: int | None
    stop_title: str
    reflections: list[Reflection]


def grouped(workshop: Workshop, user) -> list[Group]:
    """What ``user`` may read of the workshop's reflections, by tour (in programme order,
    then tours withdrawn since) and by stop; stop titles in the workshop's language, from
    the tour's published version."""
    language = workshop.language or "en"
    order = {tour.id: i for i, tour in enumerate(programme(workshop))}
    groups: dict[tuple, Group] = {}
    views: dict[int, Tour | None] = {}
    for reflection in visible_to(user, workshop):
        tour = reflection.tour
        key = (tour.id if tour else None, reflection.stop_number)
        if key not in groups:
            groups[key] = _group(tour, reflection.stop_number, language, views)
        groups[key].reflections.append(reflection)

    def sort_key(item):
        (tour_id, number), _group = item
        return (
            tour_id is None,
            order.get(tour_id, len(order)),
            tour_id or 0,
            number is not None,
            number or 0,
        )

    return [group for _key, group in sorted(groups.items(), key=sort_key)]


def _group(tour: Tour | None, number: int | None, language: str, views: dict) -> Group:
    if tour is None:
        return Group(None, _("The workshop as a whole"), None, "", [])
    if tour.id not in views:
        views[tour.id] = published_view(tour)
    view = views[tour.id] or tour
    stop_title = ""
    if number is not None and 1 <= number <= len(view.stops):
        stop_title = view.stops[number - 1].display_title(language)
    return Group(tour, view.text("title", language) or tour.slug, number, stop_title, [])


def export_csv(workshop: Workshop, user) -> str:
    """The reflections ``user`` may read, one row each, grouped by tour and stop. Text cells
    a spreadsheet would read as a formula start with a quote. Starts with a BOM (UTF-8)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(
        ["tour", "tour_title", "stop_number", "stop_title", "sent_at", "name", "reflection",
         "shown_at"]
    )  # fmt: skip
    for group in grouped(workshop, user):
        for reflection in group.reflections:
            texts = [group.tour_title, group.stop_title]
            writer.writerow(
                [
                    group.tour.slug if group.tour else "",
                    spreadsheet_safe(texts[0]),
                    group.number if group.number is not None else "",
                    spreadsheet_safe(texts[1]),
                    reflection.created_at.isoformat(timespec="seconds"),
                    spreadsheet_safe(reflection.name),
                    spreadsheet_safe(reflection.body),
                    reflection.shown_at.isoformat(timespec="seconds")
                    if reflection.shown_at
                    else "",
                ]
            )
    return "\ufeff" + out.getvalue()


MARKDOWN_SPECIAL = "\\`*_[]<>#|~!"


def markdown_text(text: str) -> str:
    """People's words as plain Markdown text: one line, markup characters escaped (and a
    leading list or quote marker), so nobody's text becomes a heading, link or HTML."""
    line = " ".join(text.split())
    line = "".join("\\" + c if c in MARKDOWN_SPECIAL else c for c in line)
    return "\\" + line if line[:1] in ("-", "+", "=") else line


def export_markdown(workshop: Workshop, user) -> str:
    """The reflections ``user`` may read as a Markdown document: a section per tour, a
    subsection per stop, a quoted line per reflection with its author's name if given."""
    lines = [f"# {markdown_text(_('Reflections'))}: {markdown_text(workshop.title)}", ""]
    when = workshop.starts_on.isoformat()
    if workshop.ends_on and workshop.ends_on != workshop.starts_on:
        when += " – " + workshop.ends_on.isoformat()
    lines += [markdown_text(", ".join(filter(None, [when, workshop.place]))), ""]
    current_tour = object()
    for group in grouped(workshop, user):
        if group.tour is not current_tour:
            current_tour = group.tour
            lines += [f"## {markdown_text(group.tour_title)}", ""]
        if group.number is None:
            heading = _("The tour as a whole") if group.tour else _("General")
        else:
            heading = f"{group.number}. {group.stop_title}".rstrip()
        lines += [f"### {markdown_text(heading)}", ""]
        for reflection in group.reflections:
            line = f"> {markdown_text(reflection.body)}"
            if reflection.name:
                line += f" — {markdown_text(reflection.name)}"
            lines += [line, ""]
    if len(lines) <= 4:
        lines += [markdown_text(_("No reflections yet.")), ""]
    return "\n".join(lines)
