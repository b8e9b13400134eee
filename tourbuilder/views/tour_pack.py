"""A tour's "Download for offline presenting" page (``/tours/<slug>/pack``) and the
download of the built zip. The page shows the expected size, starts the build and follows
its progress through ``/api/v1/tours/{id}/pack`` (static/js/tour-pack.js)."""

from __future__ import annotations

from flask import abort
from flask import Blueprint
from flask import render_template
from flask import request
from flask import send_file
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from ..i18n import current_language
from ..links import absolute_url
from ..models import Tour
from ..services import pack_jobs
from ..services import tour_pack
from ..services import tours
from ..services.errors import Conflict

bp = Blueprint("tour_pack", __name__)


def get_packable_tour(slug: str) -> Tour:
    """:raise 404: no such tour, or one you may not see. :raise 403: you may not present
    it (nor pack it)."""
    tour = tours.viewable_tour(slug, current_user)
    if not tour_pack.may_pack(current_user, tour):
        abort(403)
    return tour


def plan_for(tour: Tour, lang: str | None) -> tour_pack.PackPlan:
    """As the API's (same interface language and public address: the same pack)."""
    return tour_pack.plan_pack(
        tour,
        lang=lang,
        interface_lang=current_language(),
        public_url=absolute_url("public.tour", slug=tour.slug),
    )


@bp.route("/tours/<slug>/pack")
@login_required
def page(slug: str):
    tour = get_packable_tour(slug)
    lang = request.args.get("content")
    try:
        plan = plan_for(tour, lang)
    except Conflict as refusal:  # a draft, or a file missing from storage
        return render_template("tours/pack.html", tour=tour, refusal=refusal.message), 409
    status = pack_jobs.status(plan)
    return render_template(
        "tours/pack.html",
        tour=tour,
        plan=plan,
        status=status,
        refusal=None,
        api_url=url_for("Packs.TourPack", tour_id=tour.id, content=plan.lang),
        download_url=url_for("tour_pack.download", slug=tour.slug, content=plan.lang, key=plan.key),
        patterns={  # filled in by static/js/tour-pack.js
            "building": _("Building the pack: %(percent)s%%"),
            "ready": _("Ready: %(size)s"),
            "failed": _("The pack could not be built: %(error)s"),
        },
    )


@bp.route("/tours/<slug>/pack/download")
@login_required
def download(slug: str):
    """The built zip, named ``<slug>-offline.zip``.

    :raise 404: not built (or built for another version of the tour: build it again).
    """
    tour = get_packable_tour(slug)
    plan = plan_for(tour, request.args.get("content"))
    found = tour_pack.cached_pack(plan)
    if found is None:
        abort(404)
    return send_file(
        found, mimetype="application/zip", as_attachment=True, download_name=plan.filename
    )
