"""A tour's "Import stops" and "Export" page for its editors: the file form, the preview
(through the API's dry run, by static/js/tour-import.js) and the download links."""

from __future__ import annotations

from flask import Blueprint
from flask import render_template
from flask_login import login_required

from ..i18n import current_language
from ..services.stop_files import MAX_STOPS
from ..services.tour_export import FORMATS
from .publishing import get_editable_tour

bp = Blueprint("tour_files", __name__)

ACCEPT = ".gpx,.kml,.kmz,.geojson,.json,.csv,.tsv,.txt"


@bp.route("/teams/<int:team_id>/tours/<int:tour_id>/import")
@login_required
def import_page(team_id: int, tour_id: int):
    tour = get_editable_tour(team_id, tour_id)
    languages = list(dict.fromkeys([*(tour.languages or []), tour.fallback_language()]))
    language = current_language() if current_language() in languages else languages[0]
    return render_template(
        "tours/import.html",
        tour=tour,
        tour_languages=languages,
        language=language,
        formats=list(FORMATS),
        accept=ACCEPT,
        max_stops=MAX_STOPS,
    )
