"""Tours: ``/api/v1/tours``; their stops are in :mod:`.stops`, on the same blueprint."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from marshmallow import fields
from marshmallow import Schema
from marshmallow import validate

from ..models import Tour
from ..models import TourVisibility
from ..services import commit
from ..services import publishing
from ..services import tours as domain
from . import schemas
from .common import body_version
from .common import CURRENT_SCHEMAS
from .common import load_or_404
from .common import make_blueprint
from .common import paginate
from .common import team_for_new_content
from .common import VERSION_BODY
from .common import VersionConflict

blp = make_blueprint(
    "tours",
    "Tours and their stops. Public tours are listed for everyone; unlisted ones are reached "
    "by id or link; drafts and workshop tours only by the team.",
)


class TourFields(Schema):
    title = schemas.Translated(max_length=200, required_text=True)
    summary = schemas.Translated(max_length=5_000)
    slug = fields.String(
        validate=[
            validate.Length(min=1, max=domain.SLUG_MAX),
            validate.Regexp(domain.SLUG_RE, error="Use lowercase ASCII letters, digits, hyphens."),
        ]
    )
    theme = schemas.Text(validate=validate.Length(min=1, max=40))
    languages = fields.List(schemas.LanguageCode(), validate=validate.Length(max=20))
    visibility = fields.Enum(TourVisibility, by_value=True)
    cover_id = schemas.Id(allow_none=True)
    version = schemas.Version()


class TourCreate(TourFields):
    class Meta:
        exclude = ("version",)

    team_id = schemas.Id(required=True)
    title = schemas.Translated(max_length=200, required_text=True, removable=False, required=True)


class TourSchema(Schema):
    id = fields.Integer()
    version = fields.Integer()
    team_id = fields.Integer()
    slug = fields.String()
    title = fields.Dict()
    title_text = schemas.ResolvedText("title")
    summary = fields.Dict()
    summary_text = schemas.ResolvedText("summary")
    theme = fields.String()
    languages = fields.List(fields.String())
    visibility = fields.Enum(TourVisibility, by_value=True)
    published_at = fields.DateTime(allow_none=True)
    cover_id = fields.Integer(allow_none=True)
    stop_ids = fields.Function(lambda tour: [stop.id for stop in tour.stops])
    has_unpublished_changes = fields.Function(
        publishing.has_unpublished_changes,
        metadata={"description": "The draft differs from the published version (team only)"},
    )
    url = fields.Function(lambda tour: f"/tours/{tour.slug}")
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class TourFilterArgs(schemas.TeamFilterArgs):
    visibility = fields.Enum(TourVisibility, by_value=True)


class ShownArgs(schemas.LangArgs):
    published = schemas.QueryFlag(
        metadata={"description": "The published version, as the public sees it (for the team)"}
    )


def shown(tour: Tour, args: dict | None = None) -> Tour:
    """The tour as the caller sees it: the draft for its team, else the published version.

    :raise NotFound: nothing the caller may see (no published version).
    """
    return publishing.shown_tour(tour, current_user, (args or {}).get("published", False))


CURRENT_SCHEMAS[Tour] = TourSchema


@blp.route("/tours")
class Tours(MethodView):
    @blp.arguments(TourFilterArgs, location="query")
    @blp.response(200, TourSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List public tours and all tours of your teams."""
        query = domain.visible_tours(current_user)
        if "team_id" in args:
            query = query.where(Tour.team_id == args["team_id"])
        if "visibility" in args:
            query = query.where(Tour.visibility == args["visibility"])
        page = paginate(query.order_by(Tour.id), pagination_parameters)
        shown_tours = (
            tour if tour.sees_draft(current_user) else publishing.published_view(tour)
            for tour in page
        )
        return [tour for tour in shown_tours if tour is not None]

    @blp.arguments(TourCreate)
    @blp.response(201, TourSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Not an editor of the team")
    @blp.alt_response(409, description="Publish checks failed")
    def post(self, data):
        """Create a tour (editors of the team); the slug is made from the title if absent."""
        team = team_for_new_content(data.pop("team_id"))
        visibility = data.pop("visibility", None)
        tour = domain.create_tour(team, **data)
        if visibility is not None:
            publishing.change_visibility(tour, visibility, by=current_user)
        commit()
        return tour


@blp.route("/tours/<int:tour_id>")
class TourById(MethodView):
    @blp.arguments(ShownArgs, location="query")
    @blp.response(200, TourSchema)
    @blp.alt_response(404, description="No such tour, or one you may not see")
    def get(self, args, tour_id):
        """Show a tour: its draft to its team, its published version to everyone else."""
        return shown(load_or_404(Tour, tour_id), args)

    @blp.arguments(TourFields)
    @blp.response(200, TourSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Not an editor of the team")
    @blp.alt_response(404, description="No such tour, or one you may not see")
    @blp.alt_response(409, schema=VersionConflict, description="Stale version, or checks failed")
    def patch(self, data, tour_id):
        """Change a tour's draft. A new ``visibility`` publishes the draft to it (the publish
        check runs; ``draft`` unpublishes); the current one changes nothing."""
        tour = load_or_404(Tour, tour_id, "edit")
        visibility = data.pop("visibility", None)
        domain.update_tour(tour, **data)
        if visibility is not None:
            publishing.change_visibility(tour, visibility, by=current_user)
        commit()
        return tour

    @blp.doc(requestBody=VERSION_BODY)
    @blp.response(204)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Not an editor of the team")
    @blp.alt_response(404, description="No such tour, or one you may not see")
    @blp.alt_response(409, schema=VersionConflict, description="Stale version")
    @blp.alt_response(422, description="Not a version")
    def delete(self, tour_id):
        """Delete a tour and its stops (its media stay in the library)."""
        tour = load_or_404(Tour, tour_id, "edit")
        domain.delete_tour(tour, body_version())
        commit()
