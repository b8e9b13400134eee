"""Finding files in storage that nothing refers to any more."""

from __future__ import annotations

import time

from sqlalchemy import select

from ..extensions import db
from ..models import MediaItem
from ..models import UploadSession
from ..storage import get_storage
from ..storage import PREFIXES
from ..storage import upload_key

# Files younger than this are left alone: an upload or a job may be about to refer to them.
GRACE_SECONDS = 3600


def referenced_keys() -> set[str]:
    keys = set()
    for original, derivatives in db.session.execute(
        select(MediaItem.original_key, MediaItem.derivatives)
    ):
        if original:
            keys.add(original)
        keys.update(entry["key"] for entry in (derivatives or {}).values() if "key" in entry)
    for session_id in db.session.scalars(
        select(UploadSession.id).where(UploadSession.media_id.is_(None))
    ):
        keys.add(upload_key(session_id))
    return keys


def find_orphans(grace_seconds: int = GRACE_SECONDS) -> list[tuple[str, int]]:
    """``(key, size)`` of every stored file no media item or live upload refers to."""
    storage = get_storage()
    keep = referenced_keys()
    cutoff = time.time() - grace_seconds
    orphans = []
    for prefix in PREFIXES:
        for key in storage.keys(prefix):
            if key in keep or storage.modified(key) > cutoff:
                continue
            orphans.append((key, storage.size(key)))
    return orphans


def remove_orphans(orphans: list[tuple[str, int]]) -> None:
    storage = get_storage()
    for key, _size in orphans:
        storage.delete(key)
    storage.prune()
