"""Tours in and out as files: ``/api/v1/tours/{id}/export``, ``/api/v1/tours/import``
(portable archive) and ``/api/v1/tours/{id}/stops/import`` (GPX, KML/KMZ, GeoJSON, CSV)."""

from __future__ import annotations

import tempfile

from flask import request
from flask import Response
from flask import send_file
from flask.views import MethodView
from flask_login import current_user
from flask_smorest.fields import Upload
from marshmallow import fields
from marshmallow import Schema
from marshmallow import validate

from ..i18n import current_language
from ..models import Tour
from ..services import commit
from ..services import stop_files
from ..services import tour_archive
from ..services import tour_export
from . import schemas
from .common import load_or_404
from .common import make_blueprint
from .common import team_for_new_content
from .tours import TourSchema

blp = make_blueprint(
    "exchange",
    "Tours as files: export as GeoJSON, KML, GPX, CSV or a portable archive (a zip with "
    "tour.json and the media, docs/tour-archive.md); import of an archive as a new draft "
    "tour; stops from a GPX, KML/KMZ, GeoJSON or CSV file, with a dry run for a preview.",
)
EXPORT_FORMATS = ("zip", *tour_export.FORMATS)
MULTIPART_OVERHEAD = 64 * 1024
EXCERPT = 160


@blp.before_request
def limit_stop_file_body() -> None:
    """A stop file over its limit is refused (413) while it streams in."""
    if request.method == "POST" and request.endpoint == "Exchange.StopImport":
        request.max_content_length = stop_files.MAX_FILE_BYTES + MULTIPART_OVERHEAD


class ExportArgs(schemas.LangArgs):
    format = fields.String(
        required=True,
        validate=validate.OneOf(EXPORT_FORMATS),
        metadata={"description": "zip: the portable archive (editors of the team only)"},
    )


class ArchiveForm(Schema):
    team_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    file = Upload(required=True, metadata={"description": "A tour archive (.zip)", "minLength": 1})


class StopFileForm(Schema):
    file = Upload(
        required=True,
        metadata={"description": "A GPX, KML, KMZ, GeoJSON or CSV file (at most 10 MB)"},
    )
    dry_run = fields.Boolean(
        load_default=False,
        metadata={"description": "Only say which stops would be created"},
    )
    language = schemas.LanguageCode(
        metadata={"description": "Language of the texts in the file (default: yours)"}
    )


class PlannedStopSchema(Schema):
    title = fields.String()
    lat = fields.Float()
    lon = fields.Float()
    narrative_excerpt = fields.Function(
        lambda stop: stop.narrative[:EXCERPT] + ("…" if len(stop.narrative) > EXCERPT else "")
    )
    source = fields.String(metadata={"description": "Where in the file: a line, an element"})


class StopImportSchema(Schema):
    format = fields.String()
    dry_run = fields.Boolean()
    language = fields.String()
    stops = fields.List(fields.Nested(PlannedStopSchema))
    warnings = fields.List(fields.String())
    stop_ids = fields.List(fields.Integer(), metadata={"description": "The stops created"})


class ArchiveImportSchema(Schema):
    tour = fields.Nested(TourSchema)
    media_created = fields.Integer()
    media_reused = fields.List(
        fields.String(), metadata={"description": "Files the team already had, kept as they are"}
    )


FILE_TYPES = {
    "application/zip": {"schema": {"type": "string", "format": "binary"}},
    "application/geo+json": {"schema": {"type": "object"}},
    "application/vnd.google-earth.kml+xml": {"schema": {"type": "string"}},
    "application/gpx+xml": {"schema": {"type": "string"}},
    "text/csv": {"schema": {"type": "string"}},
}


@blp.route("/tours/<int:tour_id>/export")
class TourExport(MethodView):
    @blp.arguments(ExportArgs, location="query")
    @blp.doc(responses={"200": {"description": "The file", "content": FILE_TYPES}})
    @blp.alt_response(401, description="Not signed in (the archive)")
    @blp.alt_response(403, description="The archive is for editors of the team")
    @blp.alt_response(404, description="No such tour, or one you may not see")
    def get(self, args, tour_id):
        """Download a tour as a file. Positions are as you may see them (approximate sites
        rounded unless you may edit them); the archive holds everything, for editors."""
        fmt = args["format"]
        if fmt == "zip":
            tour = load_or_404(Tour, tour_id, "edit")
            spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)
            tour_archive.export_archive(tour, spool)
            spool.seek(0)
            return send_file(
                spool,
                mimetype="application/zip",
                as_attachment=True,
                download_name=tour_archive.archive_filename(tour),
            )
        tour = load_or_404(Tour, tour_id)
        lang = args.get("lang") or current_language()
        exported = tour_export.export_tour(tour, fmt, current_user, lang)
        return Response(
            exported.data,
            mimetype=exported.mimetype.split(";")[0],
            headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'},
            content_type=exported.mimetype,
        )


@blp.route("/tours/import")
class TourImport(MethodView):
    @blp.arguments(ArchiveForm, location="form", content_type="multipart/form-data")
    @blp.response(201, ArchiveImportSchema, description="The new draft tour")
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Not an editor of the team")
    @blp.alt_response(413, description="The archive unpacks to more than the limit")
    @blp.alt_response(422, description="Damaged zip, bad tour.json, unknown version, missing file")
    def post(self, form):
        """Import a portable tour archive as a new draft tour of a team (editors). Nothing
        is created when any part of the archive is refused."""
        team = team_for_new_content(form["team_id"])
        result = tour_archive.import_archive(team, form["file"].stream, current_user)
        commit()
        return result, 201


@blp.route("/tours/<int:tour_id>/stops/import")
class StopImport(MethodView):
    @blp.arguments(StopFileForm, location="form", content_type="multipart/form-data")
    @blp.response(200, StopImportSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Not an editor of the team")
    @blp.alt_response(404, description="No such tour, or one you may not see")
    @blp.alt_response(413, description="The file is larger than 10 MB")
    @blp.alt_response(422, description="A malformed file: the message names the line or element")
    def post(self, form, tour_id):
        """Add stops from a map file at the end of the tour; ``dry_run`` only previews."""
        tour = load_or_404(Tour, tour_id, "edit")
        upload = form["file"]
        data = upload.stream.read(stop_files.MAX_FILE_BYTES + 1)
        plan = stop_files.read_stops(data, upload.filename or "")
        language = form.get("language") or _default_language(tour)
        created = []
        if not form["dry_run"]:
            created = stop_files.add_planned_stops(tour, plan, language)
            commit()
        return {
            "format": plan.format,
            "dry_run": form["dry_run"],
            "language": language,
            "stops": plan.stops,
            "warnings": plan.warnings,
            "stop_ids": [stop.id for stop in created],
        }


def _default_language(tour: Tour) -> str:
    """The requester's interface language when the tour is written in it, else the tour's
    first language."""
    language = current_language()
    if language in (tour.languages or []) or not tour.languages:
        return language
    return tour.fallback_language()
