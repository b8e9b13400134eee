"""Publishing a tour: ``/api/v1/tours/{id}/publish-check``, ``…/publish``, ``…/discard``
and ``…/unpublish`` (editors of the tour's team; see :mod:`tourbuilder.services.publishing`)."""

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
from ..services.publish_check import publish_problems
from . import schemas
from .common import load_or_404
from .common import make_blueprint
from .common import VersionConflict
from .tours import TourSchema

blp = make_blueprint(
    "publishing",
    "The public sees a tour's published version while its team edits the draft: check, "
    "publish, discard the draft's changes, unpublish.",
)


class ProblemSchema(Schema):
    code = fields.String(
        metadata={
            "description": "no_stops, stop_without_place, media_processing, media_failed, "
            "media_without_consent, media_without_alt_text, title_translation_missing"
        }
    )
    message = fields.String(metadata={"description": "For people, in the interface language"})
    stop_id = fields.Integer(allow_none=True)
    media_id = fields.Integer(allow_none=True)
    field = fields.String(allow_none=True)
    language = fields.String(allow_none=True)


class PublishCheckSchema(Schema):
    can_publish = fields.Boolean()
    problems = fields.List(fields.Nested(ProblemSchema))
    visibility = fields.Enum(TourVisibility, by_value=True)
    has_unpublished_changes = fields.Boolean()
    version = fields.Integer(metadata={"description": "The tour's version"})


class PublishConflict(VersionConflict):
    """409: a stale version (``current``), or problems that keep the tour unpublished."""

    problems = fields.List(fields.Nested(ProblemSchema))


class PublishBody(Schema):
    visibility = fields.String(
        required=True,
        validate=validate.OneOf(["public", "unlisted", "workshop"]),
        metadata={"description": "Who sees the published version (draft: unpublish)"},
    )
    version = schemas.Version()


class VersionBody(Schema):
    version = schemas.Version()


def editable_tour(tour_id: int) -> Tour:
    return load_or_404(Tour, tour_id, "edit")


@blp.route("/tours/<int:tour_id>/publish-check")
class PublishCheck(MethodView):
    @blp.arguments(schemas.LangArgs, location="query")
    @blp.response(200, PublishCheckSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Not an editor of the team")
    @blp.alt_response(404, description="No such tour, or one you may not see")
    def get(self, args, tour_id):
        """What keeps the draft from being published, each problem with what it points at."""
        tour = editable_tour(tour_id)
        problems = publish_problems(tour)
        return {
            "can_publish": not problems,
            "problems": [problem.as_dict() for problem in problems],
            "visibility": tour.visibility,
            "has_unpublished_changes": publishing.has_unpublished_changes(tour),
            "version": tour.version,
        }


@blp.route("/tours/<int:tour_id>/publish")
class Publish(MethodView):
    @blp.arguments(PublishBody)
    @blp.response(200, TourSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Not an editor of the team")
    @blp.alt_response(404, description="No such tour, or one you may not see")
    @blp.alt_response(409, schema=PublishConflict, description="Problems, or a stale version")
    def post(self, data, tour_id):
        """Publish the draft as it is now (the check runs every time), replacing the
        published version at once, for ``visibility``'s audience."""
        tour = editable_tour(tour_id)
        publishing.publish(tour, data["visibility"], data.get("version"), by=current_user)
        commit()
        return tour


@blp.route("/tours/<int:tour_id>/discard")
class Discard(MethodView):
    @blp.arguments(VersionBody)
    @blp.response(200, TourSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Not an editor of the team")
    @blp.alt_response(404, description="No such tour, or one you may not see")
    @blp.alt_response(409, schema=VersionConflict, description="Never published, or stale")
    def post(self, data, tour_id):
        """Discard the draft's changes: it goes back to the published version."""
        tour = editable_tour(tour_id)
        publishing.discard_changes(tour, data.get("version"))
        commit()
        return tour


@blp.route("/tours/<int:tour_id>/unpublish")
class Unpublish(MethodView):
    @blp.arguments(VersionBody)
    @blp.response(200, TourSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Not an editor of the team")
    @blp.alt_response(404, description="No such tour, or one you may not see")
    @blp.alt_response(409, schema=VersionConflict, description="Stale version")
    def post(self, data, tour_id):
        """Take the tour off every public page, list and map at once (back to a draft)."""
        tour = editable_tour(tour_id)
        publishing.unpublish(tour, data.get("version"))
        commit()
        return tour
