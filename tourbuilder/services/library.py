"""A team's media library: storing uploads, content-addressed and deduplicated per team.

Takes plain values (a stream, a name, a user), never a request, so the API, the upload
page, the CLI and tests share it. Processing (derivatives, metadata) is the job
``process_media``, queued when it is registered.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import tempfile
import unicodedata
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..jobs import get_queue
from ..media import file_sha256
from ..models import MediaItem
from ..models import MediaKind
from ..models import MediaStatus
from ..models import Team
from ..storage import get_storage

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
NAME_MAX = 255
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]+")


class UploadError(ValueError):
    """An upload the library refuses (empty file...)."""


def display_name(filename: str | None) -> str:
    """The client's file name as text to show: last path part, no control characters,
    at most 255 characters. Never used to build a path."""
    name = unicodedata.normalize("NFC", filename or "")
    name = _UNSAFE.sub("", name).replace("\\", "/").rsplit("/", 1)[-1].strip()
    if name in ("", ".", ".."):
        name = "upload"
    if len(name) > NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        keep = ("." + ext) if dot and stem and len(ext) <= 10 else ""
        name = name[: NAME_MAX - len(keep)] + keep
    return name


def provisional_kind(mime: str | None) -> MediaKind:
    """A first guess from the declared type; the pipeline decides from the bytes."""
    major = (mime or "").split("/", 1)[0].lower()
    return {"video": MediaKind.VIDEO, "audio": MediaKind.AUDIO}.get(major, MediaKind.PHOTO)


def original_key(sha256: str) -> str:
    """Where an original lives: private, named by its content."""
    return f"originals/{sha256[:2]}/{sha256}"


def _spool(stream: BinaryIO) -> tuple[str, str, int]:
    """Copy ``stream`` in chunks to a scratch file beside the stored files (so storing it is
    a rename, not a second copy); return (path, sha256, size)."""
    digest = hashlib.sha256()
    size = 0
    fd, path = tempfile.mkstemp(prefix="upload-", dir=get_storage().scratch_dir())
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
    except BaseException:
        os.unlink(path)
        raise
    return path, digest.hexdigest(), size


def _existing(team_id: int, sha256: str) -> MediaItem | None:
    return db.session.scalar(
        select(MediaItem).where(MediaItem.team_id == team_id, MediaItem.sha256 == sha256)
    )


def store_upload(
    team: Team, stream: BinaryIO, filename: str | None, uploaded_by, declared_mime: str = ""
) -> tuple[MediaItem, bool]:
    """Store an uploaded file for ``team`` and queue its processing.

    Returns ``(item, created)``: when the team already has a file with the same bytes,
    its existing item and ``False``. Commits.

    :raise UploadError: the file is empty.
    """
    path, sha256, size = _spool(stream)
    return _store(team, path, sha256, size, filename, uploaded_by, declared_mime)


def store_local_file(
    team: Team,
    path: str | os.PathLike,
    filename: str | None,
    uploaded_by,
    declared_mime: str = "",
) -> tuple[MediaItem, bool]:
    """Like :func:`store_upload` for a finished file on the storage's file system (a
    completed resumable upload): it is moved into place, not copied. The file is gone
    afterwards either way.

    :raise UploadError: the file is empty.
    """
    path = str(path)
    return _store(
        team, path, file_sha256(path), os.path.getsize(path), filename, uploaded_by, declared_mime
    )


def _store(team, path, sha256, size, filename, uploaded_by, declared_mime):
    try:
        if size == 0:
            raise UploadError("The file is empty.")
        existing = _existing(team.id, sha256)
        if existing is not None:
            return existing, False
        key = original_key(sha256)
        storage = get_storage()
        if not storage.exists(key):
            storage.adopt(key, path)
    finally:
        if os.path.exists(path):
            os.unlink(path)
    mime = _UNSAFE.sub("", declared_mime or "")[:100]
    item = MediaItem(
        team_id=team.id,
        kind=provisional_kind(mime),
        status=MediaStatus.PENDING,
        original_name=display_name(filename),
        original_key=key,
        sha256=sha256,
        mime=mime,
        size=size,
        details={"uploaded_by": getattr(uploaded_by, "id", None)},
    )
    db.session.add(item)
    try:
        db.session.commit()
    except IntegrityError:  # the same file uploaded twice at once: keep the first
        db.session.rollback()
        existing = _existing(team.id, sha256)
        if existing is None:
            raise
        return existing, False
    if queue_processing(item):
        db.session.refresh(item)  # an immediate queue (tests) has already processed it
    return item, True


def queue_processing(item: MediaItem) -> bool:
    """Queue ``process_media`` for the item when that job exists; True when queued."""
    queue = get_queue()
    if "process_media" not in queue.tasks:
        return False
    try:
        queue.enqueue("process_media", item.id)
    except Exception:  # the upload is stored; a failed queue leaves the item pending
        log.exception("could not queue process_media for media item %s", item.id)
        return False
    return True


def delete_media(item: MediaItem) -> None:
    """Delete the item, its derivatives, and its original unless another team's item has
    the same bytes. Commits."""
    storage = get_storage()
    keys = [entry.get("key") for entry in (item.derivatives or {}).values()]
    others = db.session.scalar(
        select(MediaItem.id).where(
            MediaItem.original_key == item.original_key, MediaItem.id != item.id
        )
    )
    if item.original_key and others is None:
        keys.append(item.original_key)
    db.session.delete(item)
    db.session.commit()
    for key in keys:
        if key:
            storage.delete(key)


def attach_captions(item: MediaItem, language: str, stream: BinaryIO) -> str:
    """Store WebVTT captions in ``language`` for a video or audio item; returns the
    derivative's name (``captions-<language>.vtt``). Replaces earlier captions in that
    language. Commits.

    :raise UploadError: the item is not a video or audio recording.
    :raise MediaError: not WebVTT, not UTF-8 or too large (the message says which).
    """
    from ..media.captions import sanitize_captions

    if item.kind not in (MediaKind.VIDEO, MediaKind.AUDIO):
        raise UploadError("Captions go with videos and sound recordings.")
    path, _sha256, _size = _spool(stream)
    try:
        text = sanitize_captions(path)
    finally:
        os.unlink(path)
    name = f"captions-{language}.vtt"
    key = f"derived/{item.id}/{name}"
    data = text.encode("utf-8")
    get_storage().save(key, io.BytesIO(data))
    item.derivatives[name] = {
        "key": key,
        "mime": "text/vtt",
        "role": "captions",
        "language": language,
        "bytes": len(data),
    }
    db.session.commit()
    return name


def remove_captions(item: MediaItem, language: str) -> bool:
    """Delete the captions in ``language``; False when there were none. Commits."""
    entry = item.derivatives.pop(f"captions-{language}.vtt", None)
    if entry is None:
        return False
    db.session.commit()
    get_storage().delete(entry["key"])
    return True
