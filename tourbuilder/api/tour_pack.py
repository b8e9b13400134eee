"""``/api/v1/tours/{id}/pack``: the offline tour pack of a tour, its status and its build
(docs/offline-pack.md). The zip itself is downloaded from the tour's pack page."""

from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import abort
from marshmallow import fields
from marshmallow import Schema

from ..i18n import current_language
from ..links import absolute_url
from ..models import Tour
from ..services import pack_jobs
from ..services import tour_pack
from . import schemas
from .common import load_or_404
from .common import make_blueprint

blp = make_blueprint(
    "packs",
    "Offline tour packs: a zip that presents a published tour from file:// with no network "
    "(pages, scripts, media at presentation size, map tiles of the tour's area). Who may "
    "present a tour may pack it; drafts cannot be packed.",
)

STATES = ("none", "queued", "building", "ready", "failed")


class PackArgs(Schema):
    content = schemas.LanguageCode(
        metadata={
            "description": "Language of the tour's texts (default: the tour's first); the "
            "interface language (labels, README) is yours"
        }
    )


class PackStatusSchema(Schema):
    state = fields.String(metadata={"enum": list(STATES)})
    progress = fields.Float(metadata={"description": "0 to 1 while building"})
    step = fields.String(metadata={"description": "assets, media, tiles or done"})
    error = fields.String(metadata={"description": "Why the last build failed"})
    size = fields.Integer(allow_none=True, metadata={"description": "Bytes of the built zip"})
    estimate = fields.Integer(metadata={"description": "Expected bytes before it is built"})
    filename = fields.String()
    lang = fields.String()
    stops = fields.Integer()
    media = fields.Integer(metadata={"description": "Media files in the pack"})
    tiles = fields.Integer(metadata={"description": "Map tiles in the pack"})
    download_url = fields.String(
        allow_none=True, metadata={"description": "The zip (signed-in page) once ready"}
    )


def get_packable_tour(tour_id: int) -> Tour:
    """:raise 404: no such tour, or one you may not see. :raise 401: not signed in.
    :raise 403: you may not present it. :raise 409: a draft (via the service)."""
    tour = load_or_404(Tour, tour_id)
    if not tour_pack.may_pack(current_user, tour):
        if not current_user.is_authenticated:
            abort(401, message="Sign in or send an API token.")
        abort(403, message="Only those who may present this tour may pack it.")
    tour_pack.check_packable(tour)
    return tour


def plan_for(tour: Tour, lang: str | None) -> tour_pack.PackPlan:
    """The pack as the tour's pack page and this endpoint describe it (same key)."""
    return tour_pack.plan_pack(
        tour,
        lang=lang,
        interface_lang=current_language(),
        public_url=absolute_url("public.tour", slug=tour.slug),
    )


def answer(plan: tour_pack.PackPlan, status: dict) -> dict:
    ready = status["state"] == "ready"
    url = url_for("tour_pack.download", slug=plan.tour.slug, content=plan.lang, key=plan.key)
    return {**status, "download_url": url if ready else None}


@blp.route("/tours/<int:tour_id>/pack")
class TourPack(MethodView):
    @blp.arguments(PackArgs, location="query")
    @blp.response(200, PackStatusSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="You may not present this tour")
    @blp.alt_response(404, description="No such tour, or one you may not see")
    @blp.alt_response(409, description="A draft: drafts cannot be packed")
    def get(self, args, tour_id):
        """The pack's status: its expected size before it is built, the build's progress,
        then its size and where to download it."""
        plan = plan_for(get_packable_tour(tour_id), args.get("content"))
        return answer(plan, pack_jobs.status(plan))

    @blp.arguments(PackArgs, location="query")
    @blp.response(202, PackStatusSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="You may not present this tour")
    @blp.alt_response(404, description="No such tour, or one you may not see")
    @blp.alt_response(409, description="A draft: drafts cannot be packed")
    def post(self, args, tour_id):
        """Build the pack in the background (at once "ready" when the same pack was built
        before); poll GET for its progress."""
        plan = plan_for(get_packable_tour(tour_id), args.get("content"))
        return answer(plan, pack_jobs.start(plan))
