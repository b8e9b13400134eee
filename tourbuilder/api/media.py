"""Media: ``/api/v1/media``, a team's library of photos, videos, panoramas and sound.

Originals are private: their storage key is never shown and no URL serves them. Clients
get the web derivatives at ``/media/{id}/{variant}`` once processing made them.
"""

from __future__ import annotations

from flask import current_app
from flask import request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest.fields import Upload
from marshmallow import fields
from marshmallow import Schema
from marshmallow import validate

from ..models import Consent
from ..models import MediaItem
from ..models import MediaKind
from ..models import MediaStatus
from ..services import commit
from ..services import library
from . import schemas
from .common import body_version
from .common import CURRENT_SCHEMAS
from .common import field_error
from .common import load_or_404
from .common import make_blueprint
from .common import paginate
from .common import require_user
from .common import team_for_new_content
from .common import VERSION_BODY
from .common import VersionConflict

blp = make_blueprint("media", "Media: each team's library. Members see it; editors change it.")
# Room for the multipart envelope and the other form fields around the file.
MULTIPART_OVERHEAD = 64 * 1024


@blp.before_request
def limit_upload_body() -> None:
    """An upload body over the upload limit is refused (413) while it streams in, before
    anything is stored; the file itself is measured again as it is copied."""
    if request.method == "POST" and request.endpoint == "Media.Media":
        limit = current_app.config["UPLOAD_MAX_BYTES"] + MULTIPART_OVERHEAD
        request.max_content_length = limit


class UploadForm(Schema):
    """The multipart form of an upload. ``file`` is read from the request's files; it is
    declared here so the OpenAPI document shows one multipart body."""

    team_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    file = Upload(required=True, metadata={"description": "The file", "minLength": 1})


class MediaFields(Schema):
    caption = schemas.Translated(max_length=2_000)
    alt_text = schemas.Translated(max_length=1_000)
    credit = schemas.Text(validate=validate.Length(max=300))
    licence = schemas.Text(validate=validate.Length(max=100))
    consent = fields.Enum(Consent, by_value=True)
    site_id = schemas.Id(allow_none=True)
    lat = schemas.Latitude(allow_none=True)
    lon = schemas.Longitude(allow_none=True)
    location_confirmed = schemas.Flag()
    as_panorama = schemas.Flag(
        metadata={"description": "Show a 2:1 photo as a 360° panorama (it is processed again)"}
    )
    version = schemas.Version()


class MediaSchema(Schema):
    id = fields.Integer()
    version = fields.Integer()
    team_id = fields.Integer()
    site_id = fields.Integer(allow_none=True)
    kind = fields.Enum(MediaKind, by_value=True)
    status = fields.Enum(MediaStatus, by_value=True)
    error = fields.String()
    progress = fields.Float()
    name = fields.String(
        attribute="original_name", metadata={"description": "The uploaded file's name, as text"}
    )
    mime = fields.String()
    size = fields.Integer()
    width = fields.Integer(allow_none=True)
    height = fields.Integer(allow_none=True)
    duration = fields.Float(allow_none=True)
    caption = fields.Dict()
    caption_text = schemas.ResolvedText("caption")
    alt_text = fields.Dict()
    alt_text_text = schemas.ResolvedText("alt_text")
    credit = fields.String()
    licence = fields.String()
    consent = fields.Enum(Consent, by_value=True)
    captured_at = fields.DateTime(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    location_confirmed = fields.Boolean()
    publishable = fields.Boolean(attribute="is_publishable")
    derivatives = fields.Function(
        lambda item: {variant: f"/media/{item.id}/{variant}" for variant in item.derivatives},
        metadata={"description": "URL of each web derivative, by variant"},
    )
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


CURRENT_SCHEMAS[MediaItem] = MediaSchema


class UploadedSchema(MediaSchema):
    duplicate = fields.Boolean(metadata={"description": "The team already had this file"})


class MediaFilterArgs(schemas.TeamFilterArgs):
    status = fields.Enum(MediaStatus, by_value=True)
    kind = fields.Enum(MediaKind, by_value=True)


@blp.route("/media")
class Media(MethodView):
    @blp.arguments(MediaFilterArgs, location="query")
    @blp.response(200, MediaSchema(many=True))
    @blp.alt_response(401, description="Not signed in")
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List the media of your teams."""
        query = library.visible_media(require_user())
        for name in ("team_id", "status", "kind"):
            if name in args:
                query = query.where(getattr(MediaItem, name) == args[name])
        return paginate(query, pagination_parameters)

    @blp.arguments(UploadForm, location="form", content_type="multipart/form-data")
    @blp.response(201, UploadedSchema, description="Stored; processing is queued")
    @blp.alt_response(200, schema=UploadedSchema, description="The team already has this file")
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Not an editor of the team")
    def post(self, form):
        """Upload a file (multipart: ``file`` and ``team_id``; editors of the team).

        The same bytes uploaded again to the same team give the existing item (200,
        ``"duplicate": true``).
        """
        team = team_for_new_content(form["team_id"])
        upload = form["file"]
        item, created = library.store_upload(
            team, upload.stream, upload.filename, current_user, upload.mimetype or ""
        )
        commit()
        item.duplicate = not created
        return item, 201 if created else 200


@blp.route("/media/<int:media_id>")
class MediaById(MethodView):
    @blp.arguments(schemas.LangArgs, location="query")
    @blp.response(200, MediaSchema)
    @blp.alt_response(404, description="No such item in your teams")
    def get(self, args, media_id):
        """Show a media item of your team, with its processing status."""
        return load_or_404(MediaItem, media_id)

    @blp.arguments(MediaFields)
    @blp.response(200, MediaSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Not an editor of the team")
    @blp.alt_response(404, description="No such item in your teams")
    @blp.alt_response(409, schema=VersionConflict, description="Stale version")
    def patch(self, data, media_id):
        """Edit captions, credit, licence, consent, site and position."""
        item = library.update_item(load_or_404(MediaItem, media_id, "edit"), **data)
        commit()
        return item

    @blp.doc(requestBody=VERSION_BODY)
    @blp.response(204)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Not an editor of the team")
    @blp.alt_response(404, description="No such item in your teams")
    @blp.alt_response(409, schema=VersionConflict, description="Stale version")
    @blp.alt_response(422, description="Not a version")
    def delete(self, media_id):
        """Delete a media item and its files; stops showing it lose it."""
        item = load_or_404(MediaItem, media_id, "edit")
        library.delete_media(item, body_version())
        commit()


class CaptionsForm(Schema):
    file = Upload(
        required=True, metadata={"description": "A WebVTT (.vtt) file, UTF-8", "minLength": 1}
    )


@blp.route("/media/<int:media_id>/captions/<language:lang>")
class MediaCaptions(MethodView):
    @blp.arguments(CaptionsForm, location="files")
    @blp.response(200, MediaSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Not an editor of the team")
    @blp.alt_response(404, description="No such item in your teams")
    @blp.alt_response(422, description="Not WebVTT, or not a video or sound recording")
    def put(self, form, media_id, lang):
        """Attach WebVTT captions in a language to a video or sound recording."""
        item = load_or_404(MediaItem, media_id, "edit")
        upload = request.files.get("file")
        if upload is None:
            field_error(
                "file", "Send the captions as the multipart field 'file'.", location="files"
            )
        library.attach_captions(item, lang, upload.stream)
        commit()
        return item

    @blp.response(204)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Not an editor of the team")
    @blp.alt_response(404, description="No such item, or no captions in that language")
    def delete(self, media_id, lang):
        """Remove the captions in a language."""
        library.remove_captions(load_or_404(MediaItem, media_id, "edit"), lang)
        commit()
