"""A team's media page: the uploader, every item with its processing status, consent and
location, and "draft tour from the selected items"."""

from __future__ import annotations

from flask import abort
from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_login import login_required
from sqlalchemy import select

from ..extensions import db
from ..models import Consent
from ..models import MediaItem
from ..models import MediaStatus
from ..models.teams import can_edit_team_content
from ..services.importer import tour_from_media
from ..services.library import queue_processing
from .teams import get_team

bp = Blueprint("library", __name__)

CONSENT_LABELS = {
    Consent.NOT_YET: _l("Consent not recorded yet"),
    Consent.NO_PEOPLE: _l("No identifiable people"),
    Consent.CONSENT_RECORDED: _l("Consent recorded"),
}


def get_item(team_id: int, item_id: int, edit: bool = False) -> MediaItem:
    """:raise 404: not a member of the team, or no such item in it. :raise 403: ``edit``
    asked by someone who may not edit the team's media."""
    team = get_team(team_id)
    item = db.session.get(MediaItem, item_id)
    if item is None or item.team_id != team.id:
        abort(404)
    if edit and not item.can_edit(current_user):
        abort(403)
    return item


@bp.route("/teams/<int:team_id>/media")
@login_required
def media(team_id: int):
    team = get_team(team_id)
    items = db.session.scalars(
        select(MediaItem).where(MediaItem.team_id == team.id).order_by(MediaItem.id.desc())
    ).all()
    can_edit = can_edit_team_content(current_user, team.id)
    return render_template(
        "library/media.html",
        team=team,
        items=items,
        can_edit=can_edit,
        consent_labels={str(k): str(v) for k, v in CONSENT_LABELS.items()},
    )


@bp.route("/teams/<int:team_id>/media/<int:item_id>", methods=["POST"])
@login_required
def update(team_id: int, item_id: int):
    item = get_item(team_id, item_id, edit=True)
    consent = request.form.get("consent")
    if consent is not None:
        try:
            item.consent = Consent(consent)
        except ValueError:
            abort(400)
    if request.form.get("confirm_location") and item.lat is not None:
        item.location_confirmed = True
    if request.form.get("forget_location"):
        item.lat = item.lon = None
        item.location_confirmed = False
    if request.form.get("as_panorama") and item.details.get("looks_like_panorama"):
        item.details["as_panorama"] = True
        item.status = MediaStatus.PENDING
        db.session.commit()
        queue_processing(item)
    db.session.commit()
    flash(_("Saved."), "info")
    return redirect(url_for(".media", team_id=team_id, _anchor=f"item-{item.id}")), 303


@bp.route("/teams/<int:team_id>/media/tour", methods=["POST"])
@login_required
def draft_tour(team_id: int):
    team = get_team(team_id)
    if not can_edit_team_content(current_user, team.id):
        abort(403)
    ids = [int(v) for v in request.form.getlist("media_ids") if v.isdigit()]
    items = db.session.scalars(
        select(MediaItem).where(MediaItem.team_id == team.id, MediaItem.id.in_(ids or [0]))
    ).all()
    title = (request.form.get("title") or "").strip()[:200] or _("New tour")
    if not items:
        flash(_("Select the photos and videos the tour should show."), "error")
        return redirect(url_for(".media", team_id=team.id)), 303
    tour, unplaced = tour_from_media(team, items, title)
    if tour is None:
        db.session.rollback()
        flash(_("None of the selected items has a position, so no tour was made."), "error")
        return redirect(url_for(".media", team_id=team.id)), 303
    db.session.commit()
    if unplaced:
        flash(
            ngettext(
                "%(num)d item has no position and was left out.",
                "%(num)d items have no position and were left out.",
                len(unplaced),
            ),
            "info",
        )
    flash(
        ngettext(
            "Draft tour created with %(num)d stop.",
            "Draft tour created with %(num)d stops.",
            len(tour.stops),
        ),
        "info",
    )
    return redirect(url_for("public.tour", slug=tour.slug)), 303
