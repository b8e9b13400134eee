"""Turning a stored upload into a ready media item: the body of the ``process_media`` job.

A job, not a request: this is the one service that commits itself, at the two steps it
must publish before going on (its claim, then its result), since a transcode between
them may take minutes. Idempotent and safe to run twice: an item that is already ready
with all its files is left alone, a conditional claim (:func:`claim`) keeps two workers
off the same item, derivatives are stored before the item is marked ready, and
:func:`recover_unfinished` re-queues whatever a crash left ``pending`` or ``processing``.
"""

from __future__ import annotations

import dataclasses
import logging
import tempfile
import time
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from pathlib import Path

from flask import current_app
from huey import crontab
from sqlalchemy import or_
from sqlalchemy import select

from ..derivatives import derivative_name
from ..derivatives import MIME_BY_FORMAT
from ..extensions import db
from ..jobs import get_queue
from ..media import detect
from ..media import ingest
from ..media import MediaError
from ..media import MediaSettings
from ..models import MediaItem
from ..models import MediaKind
from ..models import MediaStatus
from ..models import utcnow
from ..storage import derived_key
from ..storage import get_storage
from ..text import human_size

log = logging.getLogger(__name__)


def media_settings() -> MediaSettings:
    """The pipeline's settings, with overrides from the ``MEDIA_SETTINGS`` setting."""
    overrides = current_app.config.get("MEDIA_SETTINGS") or {}
    fields = {f.name for f in dataclasses.fields(MediaSettings)}
    return MediaSettings(
        **{k: (tuple(v) if isinstance(v, list) else v) for k, v in overrides.items() if k in fields}
    )


def check_size_limit(kind: str, size: int) -> None:
    """:raise MediaError: the file is larger than ``UPLOAD_LIMITS`` allows for its kind."""
    limit = (current_app.config.get("UPLOAD_LIMITS") or {}).get(kind)
    if limit and size > limit:
        raise MediaError(
            f"This {kind} is {human_size(size)}; the limit for a {kind} is {human_size(limit)}.",
            kind=kind,
        )


def files_complete(item: MediaItem) -> bool:
    storage = get_storage()
    return bool(item.derivatives) and all(
        storage.exists(entry["key"]) for entry in item.derivatives.values()
    )


class _ProgressWriter:
    """Saves transcode progress at most every second or every 5 %.

    It writes through the engine directly, beside the job's session (whose transaction
    holds the claim), so progress is visible to the media page while the transcode runs.
    Each write also refreshes ``updated_at``: the heartbeat that tells a live worker from
    a dead one (see :func:`claim`).
    """

    def __init__(self, item: MediaItem):
        self.item_id = item.id
        self.engine = db.engine
        self.last_time = 0.0
        self.last_value = 0.0

    def __call__(self, percent: float) -> None:
        now = time.monotonic()
        if now - self.last_time < 1 and percent - self.last_value < 5:
            return
        self.last_time, self.last_value = now, percent
        table = MediaItem.__table__
        with self.engine.begin() as conn:
            conn.execute(
                table.update()
                .where(table.c.id == self.item_id, table.c.status == MediaStatus.PROCESSING.value)
                .values(progress=round(min(max(percent, 0.0), 99.0), 1), updated_at=utcnow())
            )


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:  # camera local time without offset: keep the wall time
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _stale_before() -> datetime:
    """Claims last refreshed before this moment belong to a dead worker."""
    return utcnow() - timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])


def claim(item_id: int) -> bool:
    """Mark the item ``processing`` unless a live worker already is on it.

    A worker's claim counts as live while the item's ``updated_at`` (refreshed by progress
    reports) is younger than ``JOB_STALE_SECONDS``. One conditional UPDATE, so two workers
    can never both win.
    """
    table = MediaItem.__table__
    result = db.session.execute(
        table.update()
        .where(
            table.c.id == item_id,
            or_(
                table.c.status != MediaStatus.PROCESSING.value, table.c.updated_at < _stale_before()
            ),
        )
        .values(status=MediaStatus.PROCESSING.value, progress=0.0, error="", updated_at=utcnow())
    )
    db.session.commit()
    return result.rowcount == 1


def process_media_item(item_id: int) -> str:
    """Process one item; returns what happened: ``ready``, ``failed``, ``skipped`` (already
    done), ``busy`` (another worker is on it) or ``gone``.

    :raise MediaError: a transient failure (the job queue retries it).
    """
    item = db.session.get(MediaItem, item_id)
    if item is None:
        return "gone"
    if item.status is MediaStatus.READY and files_complete(item):
        return "skipped"
    if not claim(item_id):
        return "busy"
    db.session.expire_all()
    item = db.session.get(MediaItem, item_id)
    try:
        return _process(item)
    except MediaError as exc:
        db.session.rollback()
        item = db.session.get(MediaItem, item_id)
        if exc.kind in list(MediaKind):  # the bytes were recognised: no more first guess
            item.kind = MediaKind(exc.kind)
        if exc.permanent:
            item.status, item.error = MediaStatus.FAILED, exc.message
            db.session.commit()
            return "failed"
        item.status, item.error = MediaStatus.PENDING, exc.message
        db.session.commit()
        raise
    except Exception:
        db.session.rollback()
        item = db.session.get(MediaItem, item_id)
        item.status = MediaStatus.FAILED
        item.error = "Processing failed unexpectedly. Try again, or upload another copy."
        db.session.commit()
        log.exception("processing media item %s failed", item_id)
        return "failed"


def _process(item: MediaItem) -> str:
    storage = get_storage()
    source = storage.local_path(item.original_key)
    if source is None or not source.exists():
        raise MediaError("The uploaded file is missing from storage.", permanent=True)
    settings = media_settings()
    detected = detect(source, settings)
    check_size_limit(detected.kind, source.stat().st_size)
    with tempfile.TemporaryDirectory(dir=storage.scratch_dir(), prefix="job-") as out_dir:
        result = ingest(
            source,
            out_dir,
            settings,
            progress=_ProgressWriter(item),
            as_panorama=bool(item.details.get("as_panorama")),
            detected=detected,
            sha256=item.sha256 or None,
        )
        old_keys = {entry["key"] for entry in item.derivatives.values()}
        # captions are what people attached, not made from the file: they stay
        derivatives = {
            name: entry
            for name, entry in item.derivatives.items()
            if entry.get("role") == "captions"
        }
        for d in [*result.derivatives, *result.poster]:
            name = derivative_name(d.role, d.size, d.format)
            key = derived_key(item.id, name)
            storage.adopt(key, Path(d.path))  # scratch is on the same file system: a rename
            derivatives[name] = {
                "key": key,
                "mime": MIME_BY_FORMAT.get(d.format, "application/octet-stream"),
                "role": d.role,
                "size": d.size,
                "width": d.width,
                "height": d.height,
                "bytes": d.bytes,
            }
    meta = result.metadata
    item.kind = MediaKind(result.kind)
    item.mime = result.mime
    item.width, item.height, item.duration = result.width, result.height, result.duration
    item.captured_at = _parse_time(meta.taken_at) or item.captured_at
    if meta.lat is not None and meta.lon is not None and not item.location_confirmed:
        item.lat, item.lon = meta.lat, meta.lon  # a suggestion until the author confirms
    details = result.as_dict()
    for key in ("derivatives", "poster"):
        details.pop(key, None)
    for kept in ("uploaded_by", "as_panorama"):  # what people said, not what the file says
        if kept in item.details:
            details[kept] = item.details[kept]
    item.details = details
    item.derivatives = derivatives
    item.status, item.progress, item.error = MediaStatus.READY, 100.0, ""
    db.session.commit()
    for key in old_keys - {entry["key"] for entry in derivatives.values()}:
        storage.delete(key)
    return "ready"


def recover_unfinished(include_pending: bool = True, sole_worker: bool = False) -> int:
    """Re-queue items a crash or restart left unfinished; returns how many.

    ``processing`` items count once their worker has been silent for
    ``JOB_STALE_SECONDS``, or at once when ``sole_worker``: the caller is starting the
    only worker there is (the embedded queue inside ``tourbuilder serve``), so whoever
    claimed them is gone. ``pending`` ones (their job may have been lost with the queue)
    count when ``include_pending``. Jobs are idempotent, so a duplicate costs nothing.
    Commits (a job step of its own).
    """
    queue = get_queue()
    if "process_media" not in queue.tasks:
        return 0
    table = MediaItem.__table__
    if sole_worker:  # release the dead process's claims, so the jobs can claim again
        db.session.execute(
            table.update()
            .where(table.c.status == MediaStatus.PROCESSING.value)
            .values(status=MediaStatus.PENDING.value, progress=0.0)
        )
        db.session.commit()
    unfinished = (MediaItem.status == MediaStatus.PROCESSING) & (
        MediaItem.updated_at < _stale_before()
    )
    if include_pending or sole_worker:
        unfinished = unfinished | (MediaItem.status == MediaStatus.PENDING)
    if include_pending:
        unfinished = unfinished | (MediaItem.status == MediaStatus.PENDING)
    stuck = db.session.scalars(select(MediaItem.id).where(unfinished)).all()
    for item_id in stuck:
        queue.enqueue("process_media", item_id)
    return len(stuck)


def init_app(app) -> None:
    queue = app.extensions["tourbuilder.jobs"]

    @queue.task("process_media", retries=3, retry_delay=10)
    def process_media(item_id: int) -> str:
        return process_media_item(item_id)

    @queue.periodic_task("recover_media", crontab(minute="*/2"))
    def recover_media() -> int:
        return recover_unfinished(include_pending=False)
