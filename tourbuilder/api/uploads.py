"""The tus resumable-upload endpoint, ``/uploads/tus`` (the browser uploader uses it).

JSON like the rest of the API, outside the OpenAPI document (tus is its own protocol).
Authentication as for the API: the session cookie (with the ``X-CSRFToken`` header) or a
bearer token. Metadata: ``filename``, ``filetype`` and ``team_id``.
"""

from __future__ import annotations

from flask import abort
from flask import Blueprint
from flask import jsonify
from flask import request
from flask import Response
from flask import url_for
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from ..database import MAX_ID
from ..errors import domain_error_body
from ..errors import error_body
from ..extensions import csrf
from ..extensions import db
from ..models import MediaItem
from ..models import Team
from ..models import UploadSession
from ..models.teams import can_edit_team_content
from ..services import commit
from ..services import uploads
from ..services.errors import DomainError
from .common import authenticate_api_request

bp = Blueprint("uploads", __name__, url_prefix="/uploads/tus")
csrf.exempt(bp)
TUS_VERSION = "1.0.0"


def tus_headers(**extra) -> dict:
    return {"Tus-Resumable": TUS_VERSION, "Cache-Control": "no-store", **extra}


def tus_json(body: dict, status: int):
    """A JSON answer with the tus headers."""
    response = jsonify(body)
    response.status_code = status
    response.headers.update(tus_headers())
    return response


def error(status: int, message: str):
    """The API's error shape, ``{"code", "status", "message"}``, with the tus headers."""
    return tus_json(
        {"code": status, "status": HTTP_STATUS_CODES[status], "message": message}, status
    )


@bp.before_request
def check_request():
    if request.method == "OPTIONS":
        return None
    authenticate_api_request()
    if not current_user.is_authenticated:
        return error(401, "Sign in to upload.")
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        return error(412, f"Only tus {TUS_VERSION} is supported.")
    return None


@bp.errorhandler(DomainError)
def refused(exc: DomainError):
    """A refusal of the uploads service: the API's JSON shape, with the tus headers."""
    db.session.rollback()
    return tus_json(domain_error_body(exc), exc.status)


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    """Any HTTP error here (401 from the API's authentication, 400 for a missing CSRF
    token...): the API's JSON shape, with the tus headers, not an HTML page."""
    return tus_json(error_body(exc), exc.code)


def get_session(upload_id: str) -> UploadSession:
    """:raise 404: unknown upload, or someone else's."""
    session = db.session.get(UploadSession, upload_id)
    if session is None or not session.belongs_to(current_user):
        abort(error(404, "No such upload."))
    return session


@bp.route("", methods=["OPTIONS"])
@bp.route("/<upload_id>", methods=["OPTIONS"])
def options(upload_id=None):
    return Response(
        status=204,
        headers=tus_headers(
            **{
                "Tus-Version": TUS_VERSION,
                "Tus-Extension": "creation,termination",
                "Tus-Max-Size": str(uploads.max_upload_bytes()),
            }
        ),
    )


@bp.route("", methods=["POST"])
def create():
    try:
        length = int(request.headers.get("Upload-Length", ""))
    except ValueError:
        return error(400, "Upload-Length must be a whole number of bytes.")
    if length <= 0:
        return error(400, "The file is empty.")
    meta = uploads.parse_metadata(request.headers.get("Upload-Metadata"))
    team_id = meta.get("team_id", "")
    team = None
    if team_id.isdecimal() and 0 < int(team_id) <= MAX_ID:
        team = db.session.get(Team, int(team_id))
    if team is None or not can_edit_team_content(current_user, team.id):
        return error(403, "You may not upload to this team.")
    session = uploads.create_session(
        team,
        current_user,
        length,
        meta.get("filename") or meta.get("name", ""),
        meta.get("filetype") or meta.get("type", ""),
    )
    commit()
    # A path, not a full URL: clients resolve it against the endpoint, so it stays right
    # behind a reverse proxy.
    location = url_for(".upload", upload_id=session.id)
    return Response(status=201, headers=tus_headers(Location=location, **{"Upload-Offset": "0"}))


@bp.route("/<upload_id>", methods=["HEAD"])
def upload(upload_id):
    session = get_session(upload_id)
    offset = uploads.current_offset(session)
    commit()
    headers = tus_headers(**{"Upload-Offset": str(offset), "Upload-Length": str(session.length)})
    add_media_headers(headers, session)
    return Response(status=200, headers=headers)


@bp.route("/<upload_id>", methods=["PATCH"])
def patch(upload_id):
    session = get_session(upload_id)
    if request.mimetype != "application/offset+octet-stream":
        return error(415, "Content-Type must be application/offset+octet-stream.")
    try:
        offset = int(request.headers.get("Upload-Offset", ""))
    except ValueError:
        return error(400, "Upload-Offset must be a whole number of bytes.")
    session = uploads.append(session, offset, request.stream)
    commit()
    headers = tus_headers(**{"Upload-Offset": str(session.offset)})
    add_media_headers(headers, session)
    return Response(status=204, headers=headers)


def add_media_headers(headers: dict, session) -> None:
    """A finished upload names its media item (``Upload-Media-Id``); ``Upload-Duplicate:
    1`` says the team already had these bytes (the item is older than the upload), so the
    page can say so and link to it."""
    if not session.media_id:
        return
    headers["Upload-Media-Id"] = str(session.media_id)
    item = db.session.get(MediaItem, session.media_id)
    if item is not None and item.created_at < session.created_at:
        headers["Upload-Duplicate"] = "1"


@bp.route("/<upload_id>", methods=["DELETE"])
def delete(upload_id):
    uploads.terminate(get_session(upload_id))
    commit()
    return Response(status=204, headers=tus_headers())
