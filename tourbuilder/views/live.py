"""Follow-along for the room: joining by code, the phone page, its event stream, sending a
reflection, and the room's QR code.

``/live/<code>`` is public for anyone with the code while the session lives: it shows the
published version of the tour the presenter shows (services/follow_along.py). The phone
keeps the codes it opened in its session cookie, so the media of that tour are served to
it (views/media.py) even when the tour is workshop-only. Codes that find no session are
counted per client address (``LIVE_CODE_RATE_LIMIT``, throttle.py): guessing gets 429.
"""

from __future__ import annotations

import json
import time

from flask import abort
from flask import Blueprint
from flask import current_app
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import Response
from flask import session as cookie
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import qr
from .. import room
from .. import throttle
from ..extensions import db
from ..i18n import content_language
from ..live import get_store
from ..live import normalise_code
from ..services import follow_along
from .public import stop_view

bp = Blueprint("live", __name__)

#: Codes a phone remembers (the newest last): enough for a day of workshops.
REMEMBERED = 8


def get_session(code: str):
    """:raise 404: no session with this code (never started, ended or expired)."""
    session = get_store().get(code)
    if session is None:
        abort(404)
    return session


def remember(code: str) -> None:
    codes = [c for c in cookie.get("live", []) if c != code][-(REMEMBERED - 1) :]
    cookie["live"] = [*codes, code]


def room_url(code: str) -> str:
    """The address phones open: on ``PUBLIC_URL``, or the laptop's LAN address when the
    app listens on every interface (tourbuilder/room.py)."""
    config = current_app.config
    base = room.room_base(
        config.get("PUBLIC_URL"), config.get("SERVE_HOST"), request.url_root,
        config.get("SERVE_PORT"),
    )  # fmt: skip
    return base + url_for("live.follow", code=code)


@bp.route("/live")
@throttle.live_code
def join():
    """A field for the code; ``?code=`` opens the session when it lives."""
    typed = request.args.get("code")
    error = None
    if typed is not None:
        code = normalise_code(typed)
        if code and get_store().get(code):
            return redirect(url_for("live.follow", code=code))
        error = _("No presentation is running with this code. Check it with the presenter.")
    return render_template("live/join.html", typed=typed or "", error=error), 404 if error else 200


@bp.route("/live/<code>")
@throttle.live_code
def follow(code: str):
    """The phone page: the stop the presenter shows, and every other stop to browse."""
    session = get_session(code)
    tour = follow_along.followed_tour(session)
    if tour is None:
        return render_template("live/unavailable.html"), 404
    remember(code)
    lang = content_language(tour.languages, tour.fallback_language())
    g.content_lang = lang
    stops = [stop_view(stop, n, lang) for n, stop in enumerate(tour.stops, start=1)]
    return render_template(
        "live/follow.html",
        code=code,
        session=session,
        tour=tour,
        stops=stops,
        reflections=session.workshop_id is not None,
        patterns={
            "position": _("Stop %(num)s of %(total)s"),
            "back": _("Back to the presenter (stop %(num)s)"),
            "count": _("%(num)s characters left"),
            "about": _("Your reflection on stop %(num)s"),
        },
    )


@bp.route("/live/<code>/events")
@throttle.live_code
def events(code: str):
    """Server-Sent Events: ``state`` at once and at every change, ``reflection`` on the
    presenter's own stream only, ``end`` when the session ends; a comment line every
    ``LIVE_HEARTBEAT_SECONDS`` keeps proxies and phones from dropping the connection."""
    session = get_session(code)
    store = get_store()
    presenter = current_user.is_authenticated and current_user.id == session.presenter_id
    heartbeat = float(current_app.config["LIVE_HEARTBEAT_SECONDS"])
    # EventSource sends Last-Event-ID when it reconnects; ?after= on a fresh page
    replay_from = request.headers.get("Last-Event-ID") or request.args.get("after")

    def message(event_id, kind, data) -> str:
        return f"id: {event_id}\nevent: {kind}\ndata: {json.dumps(data)}\n\n"

    def stream():
        last = store.last_event_id(code)
        now = store.get(code)
        if now is None:
            yield message(last, "end", {})
            return
        yield "retry: 2000\n\n"
        if presenter and replay_from:
            # reflections the presenter's window missed while it reconnected
            for event in store.events(code, replay_from, timeout=0):
                if event.kind == "reflection":
                    yield message(event.id, event.kind, event.data)
        yield message(last, "state", now.state())
        quiet_since = time.monotonic()
        while True:
            fresh = store.events(code, last, timeout=heartbeat)
            for event in fresh:
                last = event.id
                if event.kind == "reflection" and not presenter:
                    continue
                yield message(event.id, event.kind, event.data)
                if event.kind == "end":
                    return
            if fresh:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= heartbeat:
                if store.get(code) is None:  # expired while nothing happened
                    yield message(last, "end", {})
                    return
                yield ": heartbeat\n\n"
                quiet_since = time.monotonic()

    return Response(
        stream(),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@bp.route("/live/<code>/qr.svg")
@throttle.live_code
def qr_code(code: str):
    """The room's QR code: the phone page's address (:func:`room_url`)."""
    get_session(code)
    response = Response(qr.svg(room_url(code)), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/live/<code>/reflections", methods=["POST"])
@throttle.live_code
def reflect(code: str):
    """A participant's reflection on a stop (JSON ``{stop, body, name}``), for a session
    held in a workshop: stored by services/reflections.py (which checks its length and
    how often one phone sends), then shown on the presenter's stream.

    :raise 404: no such session, or one outside a workshop.
    """
    from ..models import Tour
    from ..models import Workshop
    from ..services import commit
    from ..services import reflections

    session = get_session(code)
    shown = follow_along.followed_tour(session)
    if shown is None or session.workshop_id is None:
        abort(404)
    workshop = db.session.get(Workshop, session.workshop_id)
    if workshop is None:
        abort(404)
    data = request.get_json(silent=True) or {}
    stop = data.get("stop")
    reflection = reflections.add(
        workshop, db.session.get(Tour, shown.id), stop if isinstance(stop, int) else 0,
        str(data.get("body") or ""), str(data.get("name") or ""), request.remote_addr,
    )  # fmt: skip
    commit()
    event = {"id": reflection.id, "stop": reflection.stop_number, "name": reflection.name,
             "body": reflection.body, "slug": shown.slug}  # fmt: skip
    get_store().publish(code, "reflection", event)
    return {"id": reflection.id}, 201


def live_settings(tour, presenter: bool) -> dict:
    """What the presentation pages' follow-along scripts need (templates/present/_live.html):
    the presenter view starts and ends a session, shows its QR code and the reflections;
    the audience window sends its stop and shows the QR code on the title slide.
    ``?workshop=<id>`` on the page's address holds the session in that workshop."""
    from flask_wtf.csrf import generate_csrf

    from ..maps import json_for_script

    workshop = request.args.get("workshop", "")
    config = current_app.config
    reachable = room.reachable(config.get("SERVE_HOST"))
    data = {
        "slug": tour.slug,
        "tour_id": tour.id,
        "workshop_id": int(workshop) if workshop.isdigit() and len(workshop) < 10 else None,
        "start": url_for("Live.LiveSessions"),
        "api": url_for("Live.LiveSessions") + "/",
        "events": url_for("live.join") + "/",
        "csrf": generate_csrf(),
        "reachable": reachable,
        "labels": {
            "heading": _("Follow along on phones"),
            "intro": _("Phones in the room follow the stop you show, over this laptop's network."),
            "start": _("Start follow-along"),
            "end": _("End follow-along"),
            "code": _("Code"),
            "open": _("Or open %(url)s and type the code"),
            "qr": _("QR code to follow along"),
            "warning": _(
                "Phones can't reach this laptop: it serves only itself. "
                "Restart with make run HOST=0.0.0.0"
            ),
            "failed": _("Follow-along could not start: %(reason)s"),
            "reflections": _("Reflections"),
            "none": _("Reflections sent from phones appear here."),
            "show": _("Show on screen"),
            "hide": _("Hide from screen"),
            "shown": _("Shown"),
            "stop": _("Stop %(num)s"),
            "anonymous": _("Anonymous"),
        },
    }
    return {
        "json": json_for_script(data),
        "css": url_for("static", filename="css/live.css"),
        "script": url_for(
            "static", filename=f"js/{'presenter' if presenter else 'present'}-live.js"
        ),
    }
