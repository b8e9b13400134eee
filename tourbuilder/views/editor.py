"""The tour editor: one screen where a team's editors build a tour (its stops in order
beside a live map) and "new tour" from the team page.

The page is a shell: ``static/js/tour-editor*.js`` draws the stops and saves every change
through the JSON API (``/api/v1/tours/...``) with the session cookie and the CSRF token.
The view gives it the API's addresses for the tour and its stops (the script reads them
from there, like any client), the team's sites and media and the interface's words, as
JSON (``maps.json_for_script``), never as code.
"""

from __future__ import annotations

from flask import abort
from flask import Blueprint
from flask import current_app
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from werkzeug.routing import BuildError

from .. import maps
from ..i18n import current_language
from ..models import MediaKind
from ..models import MediaStatus
from ..models import Tour
from ..models.teams import can_edit_team_content
from ..services import commit
from ..services import library
from ..services import tours
from ..services.sites import team_sites
from .editor_strings import editor_strings
from .teams import get_team

bp = Blueprint("editor", __name__)

PICTURE_KINDS = (MediaKind.PHOTO, MediaKind.PANORAMA)


def get_editable_tour(slug: str) -> Tour:
    """:raise 404: no such tour, or one the current user may not see. :raise 403: the
    user sees it but may not edit it (a facilitator, or anyone outside the team)."""
    tour = tours.viewable_tour(slug, current_user)
    if not tour.can_edit(current_user):
        abort(403)
    return tour


def media_entry(item) -> dict:
    """What the editor shows of a library item: a thumbnail, its name and its position."""
    thumb = item.thumbnail_variant()
    return {
        "id": item.id,
        "kind": str(item.kind),
        "name": item.original_name or "",
        "caption": item.text("caption", current_language()),
        "thumb": url_for("media.derivative", item_id=item.id, variant=thumb) if thumb else "",
        "lat": item.lat,
        "lon": item.lon,
        "ready": item.status is MediaStatus.READY,
        "picture": item.kind in PICTURE_KINDS and bool(thumb),
    }


def site_entry(site) -> dict:
    lat, lon = site.position_for(current_user)
    return {"id": site.id, "name": site.text("name", current_language()), "lat": lat, "lon": lon}


def editor_data(tour: Tour) -> dict:
    """Everything the editor's script starts from."""
    config = current_app.config
    tiles = maps.TileSettings.from_config(config)
    languages = dict(config["LANGUAGES"])
    for code in tour.languages or []:
        languages.setdefault(code, code)
    return {
        "tour_id": tour.id,
        "sites": [site_entry(site) for site in team_sites(tour.team)],
        "media": [media_entry(item) for item in library.team_library(tour.team)],
        "languages": [{"code": code, "name": name} for code, name in languages.items()],
        "rtl": list(config["RTL_LANGUAGES"]),
        "interface_language": current_language(),
        "team_languages": list(tour.team.languages or []),
        "urls": {
            "tour": url_for("Tours.TourById", tour_id=tour.id),
            "stops": url_for("Tours.Stops", tour_id=tour.id),
            "order": url_for("Tours.StopOrder", tour_id=tour.id),
            "markdown": url_for("Tools.MarkdownPreview"),
            "coordinates": url_for("Tools.Coordinates"),
            "page": url_for("public.tour", slug=tour.slug),
            "library": url_for("library.media", team_id=tour.team_id),
            "publish_check": optional_url("Publishing.PublishCheck", tour_id=tour.id),
            "publish": optional_url("Publishing.Publish", tour_id=tour.id),
            "discard": optional_url("Publishing.Discard", tour_id=tour.id),
            "publishing": optional_url("publish.page", team_id=tour.team_id, tour_id=tour.id),
        },
        "tiles": {"url": tiles.url, "attribution": tiles.attribution, "max_zoom": tiles.max_zoom},
        "strings": editor_strings(),
    }


def optional_url(endpoint: str, **values) -> str:
    """The address of a page another part of the app provides (importing stops, exporting
    the tour), or ``""`` where that part is not installed."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return ""


@bp.route("/tours/<slug>/edit")
@login_required
def edit(slug: str):
    tour = get_editable_tour(slug)
    links = {
        "import": optional_url("tour_files.import_page", team_id=tour.team_id, tour_id=tour.id),
        "export": optional_url("Exchange.TourExport", tour_id=tour.id, format="zip"),
    }
    return render_template(
        "tours/editor.html",
        tour=tour,
        links=links,
        data=maps.json_for_script(editor_data(tour)),
    )


@bp.route("/teams/<int:team_id>/tours/new", methods=["POST"])
@login_required
def new_tour(team_id: int):
    """A new draft tour in the interface language, opened in the editor."""
    team = get_team(team_id)
    if not can_edit_team_content(current_user, team.id):
        abort(403)
    lang = current_language()
    languages = [lang, *[code for code in team.languages or [] if code != lang]]
    tour = tours.create_tour(team, {lang: _("New tour")}, languages=languages)
    commit()
    return redirect(url_for(".edit", slug=tour.slug)), 303
