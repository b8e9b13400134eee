"""Workshops: ``/api/v1/workshops``, their programme of shared tours and their reflections.

Who may do what is on :class:`~tourbuilder.models.Workshop`: a workshop is hidden (404)
from those who may not view it, except to team admins sharing a tour with it (a workshop
is chosen by id; its title, date and place are not secret to them).
"""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import abort
from marshmallow import fields
from marshmallow import Schema
from marshmallow import validate
from marshmallow import validates_schema
from marshmallow import ValidationError

from ..extensions import db
from ..models import Reflection
from ..models import Tour
from ..models import Workshop
from ..models.workshops import can_create_workshop
from ..models.workshops import REFLECTION_MAX
from ..services import commit
from ..services import reflections
from ..services import workshops as domain
from ..services.errors import NotFound
from ..services.tour_export import safe_file_stem
from . import schemas
from .common import make_blueprint
from .common import require_user

blp = make_blueprint(
    "workshops",
    "Workshops that bring teams together: facilitators, a programme of tours that team "
    "admins share, and the reflections participants send. Never public.",
)


class FacilitatorSchema(Schema):
    user_id = fields.Integer()
    name = fields.String(attribute="user.display_name")


class WorkshopFields(Schema):
    title = schemas.Text(validate=validate.Length(min=1, max=200))
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)
    place = schemas.Text(validate=validate.Length(max=200))
    notes = schemas.Text(validate=validate.Length(max=5000))
    language = fields.String(
        validate=validate.Regexp(r"^[a-z]{2,3}$", error="Use a two- or three-letter code."),
        metadata={"description": "Language the tours are shown in (en, ar...)"},
    )

    @validates_schema
    def end_after_start(self, data, **kwargs):
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            raise ValidationError("The workshop cannot end before it starts.", "ends_on")


class WorkshopCreate(WorkshopFields):
    title = schemas.Text(required=True, validate=validate.Length(min=1, max=200))
    starts_on = fields.Date(required=True)


class WorkshopSchema(WorkshopCreate):
    id = fields.Integer(dump_only=True)
    facilitators = fields.List(fields.Nested(FacilitatorSchema), dump_only=True)
    tour_ids = fields.Method("programme_ids", dump_only=True)
    can_manage = fields.Method("manages", dump_only=True)

    def programme_ids(self, workshop) -> list[int]:
        return [tour.id for tour in domain.programme(workshop)]

    def manages(self, workshop) -> bool:
        return workshop.can_manage(current_user)


class ProgrammeEntrySchema(Schema):
    tour_id = fields.Integer()
    slug = fields.String(attribute="tour.slug")
    team_id = fields.Integer(attribute="tour.team_id")
    team_name = fields.String(attribute="tour.team.name")
    visibility = fields.String(attribute="tour.visibility")
    position = fields.Integer()
    shared_at = fields.DateTime()
    present_url = fields.Method("url", metadata={"description": "Presentation mode"})

    def url(self, entry) -> str:
        return f"/tours/{entry.tour.slug}/present?workshop={entry.workshop_id}"


class ShareArgs(Schema):
    tour_id = schemas.Id(required=True)


class ReorderArgs(Schema):
    tour_ids = fields.List(
        schemas.Id(),
        required=True,
        validate=validate.Length(max=500),
        metadata={"description": "Every tour of the programme, once, in the new order"},
    )


class ListArgs(Schema):
    shareable = schemas.QueryFlag(
        metadata={"description": "Workshops not over yet, to share a tour with (team admins)"}
    )


class ReflectionSchema(Schema):
    id = fields.Integer()
    tour_id = fields.Integer(allow_none=True)
    stop_number = fields.Integer(allow_none=True)
    body = fields.String(metadata={"maxLength": REFLECTION_MAX})
    name = fields.String()
    created_at = fields.DateTime()
    shown_at = fields.DateTime(allow_none=True)


class ExportArgs(Schema):
    format = fields.String(required=True, validate=validate.OneOf(["csv", "md"]))


def load_workshop(workshop_id: int, manage: bool = False) -> Workshop:
    """:raise 404: no such workshop, or one the caller may not view. :raise 403:
    ``manage`` and the caller is not one of its facilitators (nor a site admin)."""
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None or not workshop.can_view(current_user):
        abort(404, message=f"No workshop with id {workshop_id}.")
    if manage and not workshop.can_manage(current_user):
        abort(403, message="Only the workshop's facilitators change it.")
    return workshop


def programme_entries(workshop: Workshop) -> list:
    return sorted(workshop.programme_entries, key=lambda e: (e.position, e.id))


@blp.route("/workshops")
class Workshops(MethodView):
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, WorkshopSchema(many=True))
    @blp.alt_response(401, description="Not signed in")
    def get(self, args):
        """List the workshops you facilitate or your team's tours are shared with (all, for
        site admins); with ``shareable``, every workshop not over yet."""
        user = require_user()
        if args.get("shareable"):
            return domain.shareable_workshops()
        return domain.workshops_for(user)

    @blp.arguments(WorkshopCreate)
    @blp.response(201, WorkshopSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Site admins and team admins or facilitators only")
    def post(self, data):
        """Create a workshop; you become its first facilitator."""
        user = require_user()
        if not can_create_workshop(user):
            abort(403, message="Only site admins and team admins or facilitators do this.")
        workshop = domain.create_workshop(user, **data)
        commit()
        return workshop


@blp.route("/workshops/<int:workshop_id>")
class WorkshopById(MethodView):
    @blp.response(200, WorkshopSchema)
    @blp.alt_response(404, description="No such workshop, or one you may not see")
    def get(self, workshop_id):
        """Show a workshop."""
        return load_workshop(workshop_id)

    @blp.arguments(WorkshopFields)
    @blp.response(200, WorkshopSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Only its facilitators change a workshop")
    @blp.alt_response(404, description="No such workshop, or one you may not see")
    def patch(self, data, workshop_id):
        """Change a workshop's title, dates, place, notes or language (its facilitators)."""
        require_user()
        workshop = domain.update_workshop(load_workshop(workshop_id, manage=True), **data)
        commit()
        return workshop


@blp.route("/workshops/<int:workshop_id>/tours")
class Programme(MethodView):
    @blp.response(200, ProgrammeEntrySchema(many=True))
    @blp.alt_response(404, description="No such workshop, or one you may not see")
    def get(self, workshop_id):
        """The programme: the shared tours in order, with their presentation links."""
        return programme_entries(load_workshop(workshop_id))

    @blp.arguments(ShareArgs)
    @blp.response(201, ProgrammeEntrySchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Only admins of the tour's team share it")
    @blp.alt_response(404, description="No such workshop or tour")
    @blp.alt_response(409, description="A draft, or already shared")
    def post(self, data, workshop_id):
        """Share a published tour (public, unlisted or workshop only) with the workshop
        (admins of the tour's team): its facilitators may then present it."""
        user = require_user()
        workshop = db.session.get(Workshop, workshop_id)
        if workshop is None:
            abort(404, message=f"No workshop with id {workshop_id}.")
        tour = db.session.get(Tour, data["tour_id"])
        if tour is None or not tour.can_view(user):
            raise NotFound("tour_id", f"No tour with id {data['tour_id']}.")
        entry = domain.share_tour(workshop, tour, user)
        commit()
        return entry

    @blp.arguments(ReorderArgs)
    @blp.response(200, ProgrammeEntrySchema(many=True))
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Only its facilitators reorder the programme")
    @blp.alt_response(404, description="No such workshop, or one you may not see")
    def put(self, data, workshop_id):
        """Put the programme in a new order (every tour of it, once)."""
        require_user()
        workshop = load_workshop(workshop_id, manage=True)
        domain.reorder(workshop, data["tour_ids"])
        commit()
        return programme_entries(workshop)


@blp.route("/workshops/<int:workshop_id>/tours/<int:tour_id>")
class SharedTour(MethodView):
    @blp.response(204)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Team admins of the tour, or the workshop's facilitators")
    @blp.alt_response(404, description="No such workshop or tour, or the tour is not shared")
    def delete(self, workshop_id, tour_id):
        """Withdraw a tour from the workshop: its facilitators lose access at once."""
        user = require_user()
        workshop = db.session.get(Workshop, workshop_id)
        tour = db.session.get(Tour, tour_id)
        if workshop is None or tour is None or not tour.can_view(user):
            abort(404, message="No such workshop or tour.")
        domain.withdraw_tour(workshop, tour, user)
        commit()


@blp.route("/workshops/<int:workshop_id>/reflections")
class Reflections(MethodView):
    @blp.response(200, ReflectionSchema(many=True))
    @blp.alt_response(404, description="No such workshop, or one you may not see")
    def get(self, workshop_id):
        """The reflections you may read: all of them for its facilitators, those on your
        team's tours for a team; oldest first."""
        return reflections.visible_to(current_user, load_workshop(workshop_id))


@blp.route("/workshops/<int:workshop_id>/reflections/<int:reflection_id>/shown")
class ReflectionShown(MethodView):
    @blp.response(200, ReflectionSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Only its facilitators show reflections")
    @blp.alt_response(404, description="No such workshop or reflection")
    def post(self, workshop_id, reflection_id):
        """Record that a facilitator showed the reflection on screen."""
        require_user()
        workshop = load_workshop(workshop_id, manage=True)
        reflection = db.session.get(Reflection, reflection_id)
        if reflection is None or reflection.workshop_id != workshop.id:
            abort(404, message=f"No reflection with id {reflection_id}.")
        reflections.mark_shown(reflection)
        commit()
        return reflection


EXPORT_TYPES = {
    "text/csv": {"schema": {"type": "string"}},
    "text/markdown": {"schema": {"type": "string"}},
}


@blp.route("/workshops/<int:workshop_id>/reflections/export")
class ReflectionExport(MethodView):
    @blp.arguments(ExportArgs, location="query")
    @blp.doc(responses={"200": {"description": "The file", "content": EXPORT_TYPES}})
    @blp.alt_response(404, description="No such workshop, or one you may not see")
    def get(self, args, workshop_id):
        """Download the reflections you may read as CSV or Markdown, grouped by tour and
        stop."""
        workshop = load_workshop(workshop_id)
        if args["format"] == "csv":
            body, mime = reflections.export_csv(workshop, current_user), "text/csv"
        else:
            body, mime = reflections.export_markdown(workshop, current_user), "text/markdown"
        name = f"reflections-{safe_file_stem(workshop.title)}.{args['format']}"
        return Response(
            body,
            mimetype=mime,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
