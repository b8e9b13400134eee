"""Finding files in storage that nothing refers to any more."""

from __future__ import annotations

import time

from sqlalchemy import select

from ..extensions import db
from ..models import MediaItem
from ..models import UploadSession
from ..storage import get_storage

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
    for session_id, media_id in db.session.execute(
        select(UploadSession.id, UploadSession.media_id)
    ):
        if media_id is None:
            keys.add(f"uploads/{session_id}.part")
    return keys


def find_orphans(grace_seconds: int = GRACE_SECONDS) -> list[tuple[str, int]]:
    """``(key, size)`` of every stored file no media item or live upload refers to."""
    storage = get_storage()
    keep = referenced_keys()
    cutoff = time.time() - grace_seconds
    orphans = []
    for prefix in ("originals", "derived", "uploads", "tmp"):
        for key in storage.keys(prefix):
            if key in keep:
                continue
            path = storage.local_path(key)
            if path is not None and path.stat().st_mtime > cutoff:
                continue
            orphans.append((key, storage.size(key)))
    return orphans


def remove_orphans(orphans: list[tuple[str, int]]) -> None:
    storage = get_storage()
    for key, _size in orphans:
        storage.delete(key)
    root = storage.root
    for prefix in ("originals", "derived", "uploads", "tmp"):
        base = root / prefix
        if base.exists():  # drop emptied folders, deepest first
            for folder in sorted((p for p in base.rglob("*") if p.is_dir()), reverse=True):
                if not any(folder.iterdir()):
                    folder.rmdir()
