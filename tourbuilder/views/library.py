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
from flask_babel import ngettext
from flask_login import current_user
from flask_login import login_required

from ..extensions import db
from ..i18n import current_language
from ..models import MediaItem
from ..models.teams import can_edit_team_content
from ..services import commit
from ..services import library
from ..services.importer import tour_from_media
from ..text import clean_text
from .teams import get_team

bp = Blueprint("library", __name__)


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


def form_version() -> int | None:
    """The ``version`` a form was made with (its hidden field), or None (a form without
    one: the change is not checked). :raise 400: a value that is not a version."""
    value = request.form.get("version")
    if value is None or value == "":
        return None
    if not value.isdigit() or len(value) > 10:
        abort(400)
    return int(value)


@bp.route("/teams/<int:team_id>/media")
@login_required
def media(team_id: int):
    team = get_team(team_id)
    return render_template(
        "library/media.html",
        team=team,
        items=library.team_library(team),
        can_edit=can_edit_team_content(current_user, team.id),
    )


@bp.route("/teams/<int:team_id>/media/<int:item_id>", methods=["POST"])
@login_required
def update(team_id: int, item_id: int):
    """The item form: consent, "use the camera's position", "forget the position", "show
    as a panorama"."""
    item = get_item(team_id, item_id, edit=True)
    fields = {}
    if "consent" in request.form:
        fields["consent"] = request.form["consent"]
    if request.form.get("confirm_location") and item.lat is not None:
        fields["location_confirmed"] = True
    if request.form.get("forget_location"):
        fields.update(lat=None, lon=None)
    if request.form.get("as_panorama"):
        fields["as_panorama"] = True
    library.update_item(item, form_version(), **fields)
    commit()
    flash(_("Saved."), "info")
    return redirect(url_for(".media", team_id=team_id, _anchor=f"item-{item.id}")), 303


@bp.route("/teams/<int:team_id>/media/tour", methods=["POST"])
@login_required
def draft_tour(team_id: int):
    team = get_team(team_id)
    if not can_edit_team_content(current_user, team.id):
        abort(403)
    ids = [int(v) for v in request.form.getlist("media_ids") if v.isdigit() and len(v) < 10]
    items = library.team_media_among(team, ids)
    title = clean_text(request.form.get("title") or "", "title").strip()[:200] or _("New tour")
    if not items:
        flash(_("Select the photos and videos the tour should show."), "error")
        return redirect(url_for(".media", team_id=team.id)), 303
    tour, unplaced = tour_from_media(team, items, title, current_language())
    if tour is None:
        flash(_("None of the selected items has a position, so no tour was made."), "error")
        return redirect(url_for(".media", team_id=team.id)), 303
    commit()
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
    return redirect(url_for("editor.edit", slug=tour.slug)), 303
