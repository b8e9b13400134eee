"""Where files live: one small interface, a local-filesystem default, and the key layout.

Keys are relative POSIX paths the app generates itself, laid out by the functions below
and nowhere else; a client's file name never becomes a key. Writes go to a temporary name
first and are renamed into place, so a half-written file is never served. Code outside
this module uses only :class:`Storage` (through :func:`get_storage`) and the key
functions; an object-storage backend is one more class with the same methods.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from pathlib import PurePosixPath
from typing import BinaryIO
from typing import Protocol

from flask import current_app

#: The top folders of the layout; :data:`SCRATCH` holds files being made.
ORIGINALS, DERIVED, UPLOADS, SCRATCH = "originals", "derived", "uploads", "tmp"
PREFIXES = (ORIGINALS, DERIVED, UPLOADS, SCRATCH)


def original_key(sha256: str) -> str:
    """An uploaded original: private, named by its content (``originals/ab/abcd…``)."""
    return f"{ORIGINALS}/{sha256[:2]}/{sha256}"


def derived_key(item_id: int, name: str) -> str:
    """A web derivative of a media item (``derived/12/640.webp``); see
    :mod:`tourbuilder.derivatives` for the names."""
    return f"{DERIVED}/{item_id}/{name}"


def upload_key(session_id: str) -> str:
    """The bytes of an unfinished resumable upload (``uploads/<id>.part``)."""
    return f"{UPLOADS}/{session_id}.part"


class StorageError(Exception):
    pass


def check_key(key: str) -> str:
    path = PurePosixPath(key)
    if not key or path.is_absolute() or any(part in ("", ".", "..") for part in path.parts):
        raise StorageError(f"invalid storage key: {key!r}")
    return key


class Storage(Protocol):
    def save(self, key: str, stream: BinaryIO) -> int: ...
    def open(self, key: str) -> BinaryIO: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def size(self, key: str) -> int: ...
    def keys(self, prefix: str = "") -> Iterator[str]: ...
    def local_path(self, key: str) -> Path | None: ...
    def scratch_dir(self) -> Path: ...
    def adopt(self, key: str, source: Path) -> int: ...
    def modified(self, key: str) -> float: ...
    def prune(self) -> None: ...
    def describe(self) -> str: ...
    def usable(self) -> str | None: ...


class LocalStorage:
    """Files under one root folder (``TOURBUILDER_MEDIA_ROOT``, default ``media/``)."""

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def _atomic(self, key: str, write) -> int:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as out:
                write(out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target.stat().st_size

    def save(self, key: str, stream: BinaryIO) -> int:
        return self._atomic(key, lambda out: shutil.copyfileobj(stream, out, 1024 * 1024))

    def scratch_dir(self) -> Path:
        """A folder on the same file system as the stored files, for files being made."""
        path = self.root / SCRATCH
        path.mkdir(parents=True, exist_ok=True)
        return path

    def adopt(self, key: str, source: Path) -> int:
        """Move ``source`` (a finished file on this file system, e.g. in
        :meth:`scratch_dir`) to ``key`` without copying it; atomic."""
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(source, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(source, target)
        return target.stat().st_size

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def size(self, key: str) -> int:
        return self._path(key).stat().st_size

    def keys(self, prefix: str = "") -> Iterator[str]:
        base = self.root / prefix if prefix else self.root
        if not base.exists():
            return
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.name.startswith(".part-"):
                yield path.relative_to(self.root).as_posix()

    def local_path(self, key: str) -> Path | None:
        return self._path(key)

    def modified(self, key: str) -> float:
        """When the file was last written (seconds since the epoch)."""
        return self._path(key).stat().st_mtime

    def prune(self) -> None:
        """Remove folders of the layout left empty, deepest first."""
        for prefix in PREFIXES:
            base = self.root / prefix
            if base.exists():
                for folder in sorted((p for p in base.rglob("*") if p.is_dir()), reverse=True):
                    if not any(folder.iterdir()):
                        folder.rmdir()

    def describe(self) -> str:
        """Where the files are, for people (``tourbuilder check``)."""
        return str(self.root)

    def usable(self) -> str | None:
        """None when the root can be written, else why not."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.root, prefix=".part-check-"):
                pass
        except OSError as exc:
            return f"{self.root}: {exc.strerror or exc}"
        return None


def get_storage() -> LocalStorage:
    return current_app.extensions["tourbuilder.storage"]


def init_app(app) -> None:
    app.extensions["tourbuilder.storage"] = LocalStorage(app.config["MEDIA_ROOT"])
