"""A team's media page: the uploader, every item with its processing status and a detail
panel (captions, alt texts, credit, licence, consent, site, position), filters kept in the
URL, bulk actions on the selection, and "draft tour from the selected items"."""

from __future__ import annotations

from urllib.parse import parse_qsl

from flask import abort
from flask import Blueprint
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from ..extensions import db
from ..i18n import current_language
from ..models import MediaItem
from ..models import MediaKind
from ..models.teams import can_edit_team_content
from ..services import commit
from ..services import library
from ..services import sites
from ..services.errors import Conflict
from ..services.errors import InvalidValue
from ..services.errors import NotFound
from ..services.errors import StaleVersion
from ..services.importer import tour_from_media
from ..services.media_selection import bulk_delete
from ..services.media_selection import bulk_update
from ..services.media_selection import facts
from ..services.media_selection import FILTERS
from ..services.media_selection import matches
from ..services.media_selection import tours_using
from ..services.media_selection import used_ids
from ..text import clean_text
from .library_forms import filters_from
from .library_forms import panel_fields
from .library_forms import selected_ids
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


def back_to_media(team_id: int, anchor: str | None = None):
    """Back to the media page with the filters the form carried (``filters``, a query)."""
    filters = filters_from(MultiDict(parse_qsl(request.form.get("filters", ""))))
    query = {"kind": filters["kind"] or None, "show": filters["show"] or None}
    url = url_for(".media", team_id=team_id, **{k: v for k, v in query.items() if v})
    return redirect(url + (f"#{anchor}" if anchor else "")), 303


@bp.route("/teams/<int:team_id>/media")
@login_required
def media(team_id: int):
    team = get_team(team_id)
    filters = filters_from(request.args)
    used = used_ids(team)
    rows = []
    for item in library.team_library(team):
        item_facts = facts(item, used)
        shown = matches(item, item_facts, filters["kind"], set(filters["show"]))
        rows.append({"item": item, "facts": item_facts, "shown": shown})
    return render_template(
        "library/media.html",
        team=team,
        rows=rows,
        filters=filters,
        filter_names=FILTERS,
        kinds=[k for k in MediaKind if k is not MediaKind.TRACK],
        sites=sites.team_sites(team),
        item_languages=team.languages or ["en"],
        lang=current_language(),
        can_edit=can_edit_team_content(current_user, team.id),
        uppy_strings=uppy_strings(),
    )


def uppy_strings() -> dict:
    """Uppy's words that its locale packs (@uppy/locales) lack in some of our languages
    and that this uploader can show; static/js/library.js lays the pack over them. In
    Uppy's own ``%{name}`` placeholders, filled by Uppy."""
    return {
        "noDuplicates": _("%(name)s is already in the list.", name="%{fileName}"),
        "folderAlreadyAdded": _("The folder %(name)s was already added.", name="%{folder}"),
        "additionalRestrictionsFailed": _(
            "%(count)s more files could not be added.", count="%{count}"
        ),
        "error": _("Error"),
        "showErrorDetails": _("Show the error's details"),
        "generatingThumbnails": _("Making thumbnails…"),
        "addBulkFilesFailed": {
            "0": _("Some files could not be added: %(count)s.", count="%{smart_count}"),
            "1": _("Some files could not be added: %(count)s.", count="%{smart_count}"),
        },
        "unnamed": _("Unnamed"),
        "dataUploadedOfUnknown": _("%(done)s uploaded", done="%{complete}"),
        "pleaseWait": _("Please wait"),
    }


def wants_json() -> bool:
    """Was the form sent by library.js (which asks for JSON)?"""
    return request.accept_mimetypes.best == "application/json"


def answer(item: MediaItem, team_id: int, errors: dict | None = None, status: int = 200):
    """The JSON library.js reads, or (no script) back to the item on the page."""
    if wants_json():
        body = {"message": _("Saved."), "errors": errors or {}}
        if errors:
            body["message"] = _("Not saved: check the fields marked.")
        else:
            used = used_ids(item.team)
            body.update(
                version=item.version,
                lat=item.lat,
                lon=item.lon,
                location_confirmed=item.location_confirmed,
                facts=sorted(facts(item, used)),
            )
        return jsonify(body), status
    if errors:  # no script: the refusal's page, as the API refuses (422)
        field, message = next(iter(errors.items()))
        raise InvalidValue(field, message)
    flash(_("Saved."), "info")
    return back_to_media(team_id, f"item-{item.id}")


@bp.route("/teams/<int:team_id>/media/<int:item_id>", methods=["POST"])
@login_required
def update(team_id: int, item_id: int):
    """The item's form and its detail panel: consent, "use the camera's position",
    "forget the position", "show as a panorama", captions, alt texts, credit, licence,
    site and position. Answers JSON to library.js (422 with errors by field, 409 when
    someone changed the item meanwhile), else goes back to the item on the page."""
    item = get_item(team_id, item_id, edit=True)
    fields, errors = panel_fields(item)
    if errors:
        return answer(item, team_id, errors, 422)
    if "consent" in request.form:
        fields["consent"] = request.form["consent"]
    if request.form.get("confirm_location") and item.lat is not None:
        fields["location_confirmed"] = True
    if request.form.get("forget_location"):
        fields.update(lat=None, lon=None)
    if request.form.get("as_panorama"):
        fields["as_panorama"] = True
    try:
        library.update_item(item, form_version(), **fields)
    except StaleVersion:
        db.session.rollback()
        message = _("Someone else changed this item since you opened the page. Reload to see it.")
        if wants_json():
            return jsonify({"message": message, "stale": True, "errors": {}}), 409
        flash(message, "error")
        return back_to_media(team_id, f"item-{item_id}")
    except (InvalidValue, Conflict, NotFound) as exc:
        if isinstance(exc, NotFound) and exc.field != "site_id":
            raise
        db.session.rollback()
        item = get_item(team_id, item_id)
        return answer(item, team_id, {exc.field or "form": item_message(exc)}, 422)
    commit()
    return answer(item, team_id)


def item_message(exc) -> str:
    """A refusal of the item form in the reader's language."""
    messages = {
        "site_id": _("Choose a site of this team."),
        "consent": _("Choose who agreed to publication."),
        "location_confirmed": _("Place the item on the map first."),
        "as_panorama": _("Only a 2:1 photo can be shown as a panorama."),
    }
    return messages.get(exc.field, exc.message)


@bp.route("/teams/<int:team_id>/media/bulk", methods=["POST"])
@login_required
def bulk(team_id: int):
    """One action on the selected items: record consent, attach to a site, delete (a page
    asks first, naming how many items and the tours that show them)."""
    team = get_team(team_id)
    if not can_edit_team_content(current_user, team.id):
        abort(403)
    ids = selected_ids()
    action = request.form.get("action", "")
    if not ids:
        flash(_("Select items first."), "error")
        return back_to_media(team.id)
    if action == "delete":
        items = library.team_media_among(team, ids)
        if request.form.get("confirm") != "1":
            return render_template(
                "library/bulk_delete.html",
                team=team,
                items=items,
                tours=tours_using(items),
                filters=request.form.get("filters", ""),
            )
        count = bulk_delete(team, ids)
        commit()
        flash(ngettext("%(num)d item deleted.", "%(num)d items deleted.", count), "info")
        return back_to_media(team.id)
    if action == "consent":
        fields = {"consent": request.form.get("consent", "")}
    elif action == "attach":
        value = request.form.get("site_id", "")
        fields = {"site_id": int(value) if value.isdigit() and len(value) < 10 else None}
    else:
        abort(400)
    try:
        items = bulk_update(team, ids, **fields)
    except (InvalidValue, Conflict, NotFound) as exc:
        if isinstance(exc, NotFound) and exc.field != "site_id":
            raise
        db.session.rollback()
        flash(item_message(exc), "error")
        return back_to_media(team.id)
    commit()
    flash(ngettext("%(num)d item changed.", "%(num)d items changed.", len(items)), "info")
    return back_to_media(team.id)


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
