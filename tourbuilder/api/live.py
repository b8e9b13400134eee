"""Follow-along sessions: ``POST /api/v1/live`` (start), ``POST /api/v1/live/{code}/state``
(the presenter's stop), ``DELETE /api/v1/live/{code}`` (end). The presenter view calls them
with the session cookie and its CSRF token; a token works too. Phones follow at
``/live/{code}`` (views/live.py). Rules: services/follow_along.py.
"""

from __future__ import annotations

from flask import current_app
from flask import url_for
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import fields
from marshmallow import Schema
from marshmallow import validate

from .. import room
from ..extensions import db
from ..live import ALPHABET
from ..live import CODE_LENGTH
from ..live import get_store
from ..models import Reflection
from ..models import Tour
from ..services import commit
from ..services import follow_along
from ..services import reflections
from ..views.live import room_url
from . import schemas
from .common import load_or_404
from .common import make_blueprint
from .common import require_user

blp = make_blueprint(
    "live",
    "Follow-along: phones in the room follow the stop a presenter shows (Server-Sent "
    "Events at /live/{code}/events).",
)
CODE = {"code": {"type": "string", "pattern": f"^[{ALPHABET}]{{{CODE_LENGTH}}}$"}}


class StartBody(Schema):
    tour_id = schemas.Id(required=True)
    workshop_id = schemas.Id(
        allow_none=True, metadata={"description": "The workshop the session is part of"}
    )


class SessionSchema(Schema):
    code = fields.String(metadata={"description": "What people type at /live"})
    url = fields.String(metadata={"description": "The phone page, as phones in the room reach it"})
    join_url = fields.String(metadata={"description": "Where people type the code"})
    qr = fields.String(metadata={"description": "The room's QR code (SVG)"})
    events = fields.String(metadata={"description": "The Server-Sent Events stream"})
    reachable = fields.Boolean(metadata={"description": "False: the app serves only this machine"})
    warning = fields.String(allow_none=True)
    stop = fields.Integer()
    step = fields.Integer()
    slug = fields.String()


class StateBody(Schema):
    stop = fields.Integer(required=True, validate=validate.Range(min=0, max=10_000))
    step = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000))
    slug = schemas.Text(validate=validate.Length(min=1, max=200))


def describe(session) -> dict:
    reachable = room.reachable(current_app.config.get("SERVE_HOST"))
    url = room_url(session.code)
    return {
        "code": session.code,
        "url": url,
        "join_url": url.rsplit("/", 1)[0],
        "qr": url_for("live.qr_code", code=session.code),
        "events": url_for("live.events", code=session.code),
        "reachable": reachable,
        "warning": None
        if reachable
        else _(
            "Phones can't reach this laptop: it serves only itself. "
            "Restart with make run HOST=0.0.0.0"
        ),
        "stop": session.stop,
        "step": session.step,
        "slug": session.slug,
    }


@blp.route("/live")
class LiveSessions(MethodView):
    @blp.arguments(StartBody)
    @blp.response(201, SessionSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Never: a refusal is 404 (a code reveals nothing)")
    @blp.alt_response(404, description="No such tour, or not one the caller may present")
    @blp.alt_response(422, description="The tour has no published version")
    def post(self, data):
        """Start follow-along on a tour the caller may present."""
        user = require_user()
        tour = load_or_404(Tour, data["tour_id"], "view")
        session = follow_along.start(tour, user, data.get("workshop_id"))
        return describe(session)


@blp.route("/live/<code>")
class LiveSession(MethodView):
    @blp.doc(parameters=[{"in": "path", "name": "code", "schema": CODE["code"]}])
    @blp.response(200, SessionSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(404, description="No such session, or someone else's")
    def get(self, code):
        """A session the caller presents: its room address and state."""
        return describe(follow_along.owned_session(code, require_user()))

    @blp.doc(parameters=[{"in": "path", "name": "code", "schema": CODE["code"]}])
    @blp.response(204)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Never: a refusal is 404 (a code reveals nothing)")
    @blp.alt_response(404, description="No such session, or someone else's")
    def delete(self, code):
        """End the session: phones are told and stop following."""
        follow_along.owned_session(code, require_user())
        get_store().end(code)


@blp.route("/live/<code>/state")
class LiveState(MethodView):
    @blp.doc(parameters=[{"in": "path", "name": "code", "schema": CODE["code"]}])
    @blp.arguments(StateBody)
    @blp.response(200, SessionSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Never: a refusal is 404 (a code reveals nothing)")
    @blp.alt_response(404, description="No such session or tour, or someone else's")
    @blp.alt_response(422, description="Not a stop of the tour")
    def post(self, data, code):
        """Move the session to a stop (0: the title slide; stops + 1: the end)."""
        user = require_user()
        session = follow_along.owned_session(code, user)
        moved = follow_along.move(session, user, data["stop"], data["step"], data.get("slug"))
        return describe(moved or session)


@blp.route("/live/<code>/reflections/<int:reflection_id>/shown")
class ReflectionShown(MethodView):
    @blp.doc(parameters=[{"in": "path", "name": "code", "schema": CODE["code"]}])
    @blp.response(204)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Never: a refusal is 404 (a code reveals nothing)")
    @blp.alt_response(404, description="No such session or reflection, or someone else's")
    def post(self, code, reflection_id):
        """Record that the presenter showed a reflection of the session on screen."""
        session = follow_along.owned_session(code, require_user())
        reflection = db.session.get(Reflection, reflection_id)
        if reflection is None or reflection.workshop_id != session.workshop_id:
            abort(404, message=f"No reflection with id {reflection_id} in this session.")
        reflections.mark_shown(reflection)
        commit()
