"""A team's media library: storing uploads (content-addressed, deduplicated per team),
editing items, captions, and deleting.

Takes plain values (a stream, a name, a user), never a request, so the API, the upload
page, the CLI and tests share it. Processing (derivatives, metadata) is the job
``process_media``, queued once the adapter commits. Services flush; the adapter commits.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import tempfile
from typing import BinaryIO

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..derivatives import captions_name
from ..derivatives import MIME_BY_FORMAT
from ..extensions import db
from ..jobs import get_queue
from ..media import file_sha256
from ..media import MediaError
from ..models import Consent
from ..models import MediaItem
from ..models import MediaKind
from ..models import MediaStatus
from ..models import Team
from ..models.teams import is_site_admin
from ..storage import derived_key
from ..storage import get_storage
from ..storage import original_key
from ..text import clean_name
from ..text import human_size
from ..text import set_translated
from . import after_commit
from .errors import Conflict
from .errors import InvalidValue
from .errors import NotFound
from .errors import TooLarge
from .sites import check_position
from .sites import team_site
from .versions import bump

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
NAME_MAX = 255


TEXTS = ("caption", "alt_text")


class UploadError(InvalidValue):
    """A file the library refuses (empty, not captions...): a fault of field ``file``."""

    def __init__(self, message: str):
        super().__init__("file", message, location="files")


def display_name(filename: str | None) -> str:
    """The client's file name as text to show: last path part, no control characters,
    at most 255 characters. Never used to build a path."""
    name = clean_name(filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
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


def _spool(stream: BinaryIO, limit: int | None = None) -> tuple[str, str, int]:
    """Copy ``stream`` in chunks to a scratch file beside the stored files (so storing it is
    a rename, not a second copy); return (path, sha256, size).

    :raise TooLarge: the stream holds more than ``limit`` bytes (nothing is kept).
    """
    digest = hashlib.sha256()
    size = 0
    fd, path = tempfile.mkstemp(prefix="upload-", dir=get_storage().scratch_dir())
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
                if limit is not None and size > limit:
                    raise TooLarge(
                        "file",
                        f"The file is larger than the upload limit of {human_size(limit)}.",
                        location="files",
                    )
    except BaseException:
        os.unlink(path)
        raise
    return path, digest.hexdigest(), size


def _existing(team_id: int, sha256: str) -> MediaItem | None:
    return db.session.scalar(
        select(MediaItem).where(MediaItem.team_id == team_id, MediaItem.sha256 == sha256)
    )


def store_upload(
    team: Team,
    stream: BinaryIO,
    filename: str | None,
    uploaded_by,
    declared_mime: str = "",
    *,
    queue: bool = True,
) -> tuple[MediaItem, bool]:
    """Store an uploaded file for ``team``; its processing is queued on commit (unless
    ``queue`` is False: the caller processes it itself).

    Returns ``(item, created)``: when the team already has a file with the same bytes,
    its existing item and ``False``.

    :raise UploadError: the file is empty.
    """
    path, sha256, size = _spool(stream, current_app.config["UPLOAD_MAX_BYTES"])
    return _store(team, path, sha256, size, filename, uploaded_by, declared_mime, queue)


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


def _store(team, path, sha256, size, filename, uploaded_by, declared_mime, queue=True):
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
    mime = clean_name(declared_mime or "")[:100]
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
    try:
        with db.session.begin_nested():  # the same file uploaded twice at once: keep one
            db.session.add(item)
    except IntegrityError:
        existing = _existing(team.id, sha256)
        if existing is None:
            raise
        return existing, False
    if queue:
        queue_processing(item)
    return item, True


def queue_processing(item: MediaItem) -> None:
    """Queue ``process_media`` for the item once the adapter commits (a worker must find
    the row)."""
    item_id = item.id
    after_commit(lambda: _enqueue_processing(item_id))


def _enqueue_processing(item_id: int) -> bool:
    queue = get_queue()
    if "process_media" not in queue.tasks:
        return False
    try:
        queue.enqueue("process_media", item_id)
    except Exception:  # the upload is stored; a failed queue leaves the item pending
        log.exception("could not queue process_media for media item %s", item_id)
        return False
    return True


def team_media(team_id: int, media_ids: list[int], field: str = "media_ids") -> list[MediaItem]:
    """The team's media items in the given order.

    :raise InvalidValue: an id repeats.
    :raise NotFound: an id is not a media item of the team (a field error on ``field``).
    """
    if len(set(media_ids)) != len(media_ids):
        raise InvalidValue(field, "A media item is listed twice.")
    items = []
    for media_id in media_ids:
        item = db.session.get(MediaItem, media_id)
        if item is None or item.team_id != team_id:
            raise NotFound(field, f"No media item with id {media_id} in this team.")
        items.append(item)
    return items


def visible_media(user):
    """A query of the media items ``user`` may list: those of the user's teams (all for
    site admins), newest first."""
    query = select(MediaItem).order_by(MediaItem.id.desc())
    if is_site_admin(user):
        return query
    return query.where(MediaItem.team_id.in_(user.team_ids() or {0}))


def shown_to(items, user) -> list[MediaItem]:
    """Of ``items`` (some may be None), those ``user`` may see where a page shows them:
    all of them for the team, only publishable ones (ready, and consent recorded or no
    people shown) for anyone else."""
    return [
        item for item in items if item is not None and (item.can_view(user) or item.is_publishable)
    ]


def team_library(team: Team) -> list[MediaItem]:
    """Every media item of ``team``, newest first."""
    return db.session.scalars(
        select(MediaItem).where(MediaItem.team_id == team.id).order_by(MediaItem.id.desc())
    ).all()


def team_media_among(team: Team, ids: list[int]) -> list[MediaItem]:
    """The items of ``team`` whose ids are in ``ids`` (others are left out silently)."""
    return db.session.scalars(
        select(MediaItem).where(MediaItem.team_id == team.id, MediaItem.id.in_(ids or [0]))
    ).all()


def site_media(site) -> list[MediaItem]:
    """The media items placed at ``site``, oldest first."""
    return db.session.scalars(
        select(MediaItem).where(MediaItem.site_id == site.id).order_by(MediaItem.id)
    ).all()


def update_item(item: MediaItem, version: int | None = None, **fields) -> MediaItem:
    """Edit what people say about an item: ``caption`` and ``alt_text`` (translated;
    plain text is in the team's first language), ``credit``, ``licence``, ``consent``,
    ``site_id``, ``lat``/``lon`` (a position of its own; both or neither),
    ``location_confirmed`` and ``as_panorama`` (show a 2:1 photo as a 360° panorama:
    processed again).

    :raise InvalidValue: a site of another team, half a coordinate pair, a confirmation
        without a position, or ``as_panorama`` for an item that does not look like one.
    :raise StaleVersion: ``version`` is given and not the item's current one.
    """
    bump(item, version)
    set_translated(item, fields, TEXTS, item.team.default_language)
    if "site_id" in fields:
        item.site = team_site(item.team_id, fields.pop("site_id"))
    if "consent" in fields:
        try:
            item.consent = Consent(fields.pop("consent"))
        except ValueError:
            choices = ", ".join(str(c) for c in Consent)
            raise InvalidValue("consent", f"Consent is one of {choices}.") from None
    as_panorama = fields.pop("as_panorama", None)
    for name, value in fields.items():
        setattr(item, name, value)
    check_position(item, fields)
    if item.lat is None:
        if fields.get("location_confirmed"):
            raise Conflict("location_confirmed", "There is no position to confirm.")
        item.location_confirmed = False
    if as_panorama:
        if not item.details.get("looks_like_panorama"):
            raise Conflict("as_panorama", "Only a 2:1 photo can be shown as a panorama.")
        if not item.details.get("as_panorama"):
            item.details["as_panorama"] = True
            item.status = MediaStatus.PENDING
            queue_processing(item)
    db.session.flush()
    return item


def delete_media(item: MediaItem, version: int | None = None) -> None:
    """Delete the item; its derivatives, and its original unless another team's item has
    the same bytes, are deleted from storage once the adapter commits.

    :raise StaleVersion: ``version`` is given and not the item's current one.
    """
    bump(item, version)
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
    db.session.flush()
    after_commit(lambda: [storage.delete(key) for key in keys if key])


def attach_captions(item: MediaItem, language: str, stream: BinaryIO) -> str:
    """Store WebVTT captions in ``language`` for a video or audio item; returns the
    derivative's name. Replaces earlier captions in that language.

    :raise UploadError: the item is not a video or sound recording, or the file is not
        WebVTT, not UTF-8 or too large (the message says which).
    """
    from ..media.captions import sanitize_captions

    if item.kind not in (MediaKind.VIDEO, MediaKind.AUDIO):
        raise Conflict("file", "Captions go with videos and sound recordings.", location="files")
    path, _sha256, _size = _spool(stream)
    try:
        text = sanitize_captions(path)
    except MediaError as exc:
        raise UploadError(exc.message) from exc
    finally:
        os.unlink(path)
    bump(item)
    name = captions_name(language)
    key = derived_key(item.id, name)
    data = text.encode("utf-8")
    get_storage().save(key, io.BytesIO(data))
    item.derivatives[name] = {
        "key": key,
        "mime": MIME_BY_FORMAT["vtt"],
        "role": "captions",
        "language": language,
        "bytes": len(data),
    }
    db.session.flush()
    return name


def remove_captions(item: MediaItem, language: str) -> None:
    """Delete the captions in ``language``.

    :raise NotFound: the item has no captions in that language.
    """
    entry = item.derivatives.pop(captions_name(language), None)
    if entry is None:
        raise NotFound(None, f"This item has no captions in {language!r}.")
    bump(item)
    db.session.flush()
    after_commit(lambda: get_storage().delete(entry["key"]))
