"""Resumable uploads (tus 1.0.0: core, creation, termination) on plain values.

A session's bytes are appended to its partial file (:func:`~tourbuilder.storage.upload_key`)
in the media folder; when the last byte arrives the file goes through the media library
like any upload, and the session points at the resulting media item. Services flush; the
adapter (the tus endpoint) commits.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from datetime import timedelta
from typing import BinaryIO

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import UploadSession
from ..models import utcnow
from ..storage import get_storage
from ..text import clean_text
from . import after_commit
from .errors import BadRequest
from .errors import Conflict
from .errors import Gone
from .errors import InvalidValue
from .errors import TooLarge
from .library import store_local_file

CHUNK = 1024 * 1024


def parse_metadata(header: str | None) -> dict[str, str]:
    """``Upload-Metadata: filename ZmxvdGEuanBn,team_id MTI=`` to a dict.

    :raise BadRequest: a malformed header.
    """
    result = {}
    for pair in filter(None, (p.strip() for p in (header or "").split(","))):
        key, _, value = pair.partition(" ")
        try:
            text = base64.b64decode(value, validate=True).decode("utf-8") if value else ""
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise BadRequest(
                "Upload-Metadata", f"The value of {key!r} is not base64 text.", location="headers"
            ) from exc
        try:
            result[clean_text(key, "Upload-Metadata")] = clean_text(text, f"Upload-Metadata {key}")
        except InvalidValue as exc:
            raise BadRequest(exc.field, exc.message, location="headers") from None
    return result


def max_upload_bytes() -> int:
    return int(current_app.config["UPLOAD_MAX_BYTES"])


def create_session(team, user, length: int, filename: str, mime: str) -> UploadSession:
    """A new upload of ``length`` bytes to ``team``, with its empty partial file.

    :raise TooLarge: larger than the upload limit.
    """
    limit = max_upload_bytes()
    if length > limit:
        raise TooLarge(
            "Upload-Length",
            f"The file is {length:,} bytes; the limit is {limit:,} bytes.",
            location="headers",
        )
    session = UploadSession(
        id=secrets.token_hex(16),
        team_id=team.id,
        user_id=user.id,
        length=length,
        filename=filename[:255],
        mime=mime[:100],
        expires_at=utcnow() + timedelta(hours=current_app.config["UPLOAD_RESUME_HOURS"]),
    )
    db.session.add(session)
    db.session.flush()
    path = partial_path(session)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    return session


def partial_path(session: UploadSession):
    return get_storage().local_path(session.partial_key)


def append(session: UploadSession, offset: int, stream: BinaryIO) -> UploadSession:
    """Append the request body at ``offset``; finish the upload when complete.

    The stored offset is the size of the partial file, so bytes written before a crash
    count and a client resumes from exactly what arrived.

    :raise Conflict: the offset is not where the upload stands.
    :raise TooLarge: more bytes than announced.
    :raise Gone: the session already finished.
    """
    if session.media_id is not None or session.offset >= session.length:
        raise Gone(None, "This upload is already complete.")
    path = partial_path(session)
    current = path.stat().st_size if path.exists() else 0
    if offset != current:
        raise Conflict(
            "Upload-Offset",
            f"Upload-Offset is {offset}; the upload stands at {current}.",
            location="headers",
        )
    with open(path, "ab") as out:
        while chunk := stream.read(CHUNK):
            if out.tell() + len(chunk) > session.length:
                out.truncate(current)
                raise TooLarge(
                    "Upload-Length",
                    "More bytes were sent than Upload-Length announced.",
                    location="headers",
                )
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
        session.offset = out.tell()
    db.session.flush()
    if session.offset == session.length:
        finish(session)
    return session


def finish(session: UploadSession) -> None:
    """Hand the complete file to the media library (a rename, not a copy)."""
    item, _created = store_local_file(
        session.team,
        partial_path(session),
        session.filename,
        session.user,
        declared_mime=session.mime,
    )
    session.media_id = item.id
    db.session.flush()


def current_offset(session: UploadSession) -> int:
    """How many bytes are stored: the partial file's size, until the upload is finished.

    A complete upload whose hand-over a crash interrupted is handed over now.
    """
    if session.media_id is not None:
        return session.length
    path = partial_path(session)
    size = path.stat().st_size if path.exists() else 0
    session.offset = size
    if size == session.length:
        finish(session)
    return size


def terminate(session: UploadSession) -> None:
    """Forget an upload; its partial file goes once the adapter commits."""
    path = partial_path(session)
    db.session.delete(session)
    db.session.flush()
    after_commit(lambda: path.unlink(missing_ok=True))


def expire_sessions() -> int:
    """Delete unfinished sessions past their resume window; returns how many."""
    stale = db.session.scalars(
        select(UploadSession).where(
            UploadSession.expires_at < utcnow(), UploadSession.media_id.is_(None)
        )
    ).all()
    for session in stale:
        terminate(session)
    return len(stale)
