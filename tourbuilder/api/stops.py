"""A tour's stops: ``/api/v1/tours/{id}/stops``, their order, and the undo of a deletion
(on the ``Tours`` blueprint of :mod:`.tours`)."""

from __future__ import annotations

from flask import jsonify
from flask import request
from flask.views import MethodView
from flask_login import current_user
from marshmallow import fields
from marshmallow import post_dump
from marshmallow import Schema
from marshmallow import validate
from marshmallow import ValidationError

from ..database import MAX_ID
from ..models import Stop
from ..models import Tour
from ..services import commit
from ..services import presenting
from ..services import tours as domain
from ..services.errors import NotFound
from ..text import render_markdown
from . import schemas
from .common import body_version
from .common import CURRENT_SCHEMAS
from .common import field_error
from .common import load_or_404
from .common import VERSION_BODY
from .common import VersionConflict
from .tours import blp
from .tours import shown
from .tours import ShownArgs

MAX_STOPS = 1000  # far beyond any tour; bounds the work of one reorder
STOP_IDS = {
    "type": "array",
    "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    "uniqueItems": True,
    "maxItems": MAX_STOPS,
}


class StopFields(Schema):
    site_id = schemas.Id(allow_none=True)
    lat = schemas.Latitude(allow_none=True)
    lon = schemas.Longitude(allow_none=True)
    title = schemas.Translated(max_length=200)
    narrative = schemas.Translated(max_length=50_000, metadata={"description": "Markdown"})
    presenter_notes = schemas.Translated(max_length=20_000)
    discussion_prompts = schemas.Translated(
        max_length=20_000, metadata={"description": "Questions for a workshop, one a line"}
    )
    zoom = schemas.Whole(allow_none=True, validate=validate.Range(min=0, max=22))
    layout = schemas.Text(validate=validate.Length(max=40))
    media_ids = fields.List(
        schemas.Id(), validate=validate.Length(max=100), metadata={"uniqueItems": True}
    )
    version = schemas.Version()


class StopCreate(StopFields):
    """A new stop: its own place is both coordinates or none (see ``COORDINATE_PAIR``)."""

    class Meta:
        exclude = ("version",)


class LocationSchema(Schema):
    lat = fields.Float()
    lon = fields.Float()


class StopSchema(Schema):
    id = fields.Integer()
    version = fields.Integer()
    tour_id = fields.Integer()
    tour_version = fields.Function(
        lambda stop: stop.tour.version,
        metadata={"description": "The tour's version (its stops' list and order count in it)"},
    )
    position = fields.Integer()
    site_id = fields.Integer(allow_none=True)
    lat = fields.Float(allow_none=True, metadata={"description": "The stop's own place"})
    lon = fields.Float(allow_none=True)
    location = fields.Function(
        lambda stop: _location(stop),
        metadata={"description": "Where the stop is shown: its place, else its site's"},
    )
    title = fields.Dict()
    title_text = fields.Function(lambda stop: stop.display_title(schemas.requested_language()))
    narrative = fields.Dict(metadata={"description": "Markdown, by language"})
    narrative_text = schemas.ResolvedText("narrative")
    narrative_html = fields.Function(
        lambda stop: render_markdown(stop.text("narrative", schemas.requested_language())),
        metadata={"description": "The resolved narrative as sanitised HTML"},
    )
    discussion_prompts = fields.Dict(
        metadata={"description": "Only for those who may present the tour"}
    )
    presenter_notes = fields.Dict(
        metadata={"description": "Only for those who may present the tour"}
    )
    zoom = fields.Integer(allow_none=True)
    layout = fields.String()
    media_ids = fields.Function(lambda stop: [link.media_id for link in stop.media_links])

    @post_dump(pass_original=True)
    def hide_presenter_notes(self, data, stop, **kwargs):
        if not presenting.can_present(current_user, stop.tour):  # one rule for every page
            data.pop("presenter_notes", None)
            data.pop("discussion_prompts", None)
        return data


CURRENT_SCHEMAS[Stop] = StopSchema


def _location(stop: Stop) -> dict | None:
    position = stop.position_for(current_user)
    return {"lat": position[0], "lon": position[1]} if position else None


@blp.route("/tours/<int:tour_id>/stops")
class Stops(MethodView):
    @blp.arguments(ShownArgs, location="query")
    @blp.response(200, StopSchema(many=True))
    @blp.alt_response(404, description="No such tour, or one you may not see")
    def get(self, args, tour_id):
        """List a tour's stops in order (not paginated): the draft's for its team, the
        published version's for everyone else."""
        return shown(load_or_404(Tour, tour_id), args).stops

    @blp.arguments(StopCreate)
    @blp.response(201, StopSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Not an editor of the team")
    @blp.alt_response(404, description="No such tour, or one you may not see")
    def post(self, data, tour_id):
        """Add a stop at the end. Its site and media must belong to the tour's team."""
        stop = domain.add_stop(load_or_404(Tour, tour_id, "edit"), **data)
        commit()
        return stop


@blp.route("/tours/<int:tour_id>/stops/order")
class StopOrder(MethodView):
    @blp.doc(
        requestBody={
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "oneOf": [
                            STOP_IDS,
                            {
                                "type": "object",
                                "required": ["stop_ids"],
                                "properties": {
                                    "stop_ids": STOP_IDS,
                                    "version": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                                },
                            },
                        ]
                    },
                    "example": {"stop_ids": [3, 1, 2], "version": 4},
                }
            },
        }
    )
    @blp.response(200, StopSchema(many=True))
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Not an editor of the team")
    @blp.alt_response(404, description="No such tour, or one you may not see")
    @blp.alt_response(
        409, schema=VersionConflict, description="Stale version, or not the tour's stops now"
    )
    @blp.alt_response(422, description="Not a list of distinct stop ids")
    def put(self, tour_id):
        """Reorder the stops: the body lists every stop id of the tour once, in order
        (``[3, 1, 2]``, or ``{"stop_ids": [3, 1, 2], "version": 4}`` with the tour's
        version)."""
        tour = load_or_404(Tour, tour_id, "edit")
        body = request.get_json(silent=True)
        version = None
        if isinstance(body, dict):
            version = body_version()
            body = body.get("stop_ids")
        if not isinstance(body, list) or len(body) > MAX_STOPS:
            field_error("stop_ids", "Send a JSON list of stop ids, such as [3, 1, 2].")
        try:
            stop_ids = fields.List(schemas.Id()).deserialize(body)
        except ValidationError:
            field_error("stop_ids", "Every stop id is a positive integer.")
        domain.reorder_stops(tour, stop_ids, version)
        commit()
        return tour.stops


@blp.route("/tours/<int:tour_id>/stops/<int:stop_id>")
class StopById(MethodView):
    @blp.arguments(ShownArgs, location="query")
    @blp.response(200, StopSchema)
    @blp.alt_response(404, description="No such stop, or a tour you may not see")
    def get(self, args, tour_id, stop_id):
        """Show a stop (of the draft for the team, else of the published version);
        presenter notes only for those who may present the tour."""
        tour = shown(load_or_404(Tour, tour_id), args)
        stop = next((stop for stop in tour.stops if stop.id == stop_id), None)
        if stop is None:
            raise NotFound(None, f"No stop with id {stop_id} in this tour.")
        return stop

    @blp.arguments(StopFields)
    @blp.response(200, StopSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Not an editor of the team")
    @blp.alt_response(404, description="No such stop, or a tour you may not see")
    @blp.alt_response(409, schema=VersionConflict, description="Stale version")
    def patch(self, data, tour_id, stop_id):
        """Change a stop; ``media_ids`` replaces its media, in order."""
        stop = domain.update_stop(load_or_404(Tour, tour_id, "edit"), stop_id, **data)
        commit()
        return stop

    @blp.doc(requestBody=VERSION_BODY)
    @blp.response(200, StopSchema, description="The deleted stop: send it to …/restore to undo")
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Not an editor of the team")
    @blp.alt_response(404, description="No such stop, or a tour you may not see")
    @blp.alt_response(409, schema=VersionConflict, description="Stale version of the stop")
    @blp.alt_response(422, description="Not a version")
    def delete(self, tour_id, stop_id):
        """Delete a stop; the others close up. The answer is the stop as it was (with its
        position, texts, presenter notes, site and media): POST it to
        ``/tours/{tour_id}/stops/restore`` to undo."""
        tour = load_or_404(Tour, tour_id, "edit")
        version = body_version()
        domain.lock_tour(tour)  # read the stop as it is deleted, not as it was a moment ago
        deleted = StopSchema().dump(domain.tour_stop(tour, stop_id))
        domain.remove_stop(tour, stop_id, version)
        commit()
        deleted["tour_version"] = tour.version
        return jsonify(deleted)


class RestoredLocation(Schema):
    lat = schemas.Latitude()
    lon = schemas.Longitude()


class StopRestore(StopFields):
    """A deleted stop to put back: the body ``DELETE`` answered (its read-only fields are
    accepted and ignored), or any stop fields with ``position``."""

    id = schemas.Id(metadata={"description": "Kept when the id is still free"})
    position = schemas.Whole(
        required=True,
        validate=validate.Range(min=0, max=MAX_STOPS),
        metadata={"description": "0 is the first place; past the end puts it last"},
    )
    # what DELETE answered besides the stop's fields: accepted, ignored
    version = schemas.Whole(allow_none=True, metadata={"description": "Ignored"})
    tour_id = schemas.Whole(allow_none=True, metadata={"description": "Ignored"})
    tour_version = schemas.Whole(allow_none=True, metadata={"description": "Ignored"})
    location = fields.Nested(RestoredLocation, allow_none=True, metadata={"description": "Ignored"})
    title_text = schemas.Text(allow_none=True, metadata={"description": "Ignored"})
    narrative_text = schemas.Text(allow_none=True, metadata={"description": "Ignored"})
    narrative_html = schemas.Text(allow_none=True, metadata={"description": "Ignored"})


RESTORE_IGNORED = (
    "version", "tour_id", "tour_version", "location", "title_text", "narrative_text",
    "narrative_html",
)  # fmt: skip


@blp.route("/tours/<int:tour_id>/stops/restore")
class StopRestoreView(MethodView):
    @blp.arguments(StopRestore)
    @blp.response(201, StopSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Not an editor of the team")
    @blp.alt_response(404, description="No such tour, or one you may not see")
    def post(self, data, tour_id):
        """Undo a stop's deletion: put it back at its position with its texts, place,
        site and media (those still in the team)."""
        tour = load_or_404(Tour, tour_id, "edit")
        for name in RESTORE_IGNORED:
            data.pop(name, None)
        stop = domain.restore_stop(tour, data.pop("position"), data.pop("id", None), **data)
        commit()
        return stop
