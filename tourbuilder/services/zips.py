"""Reading zip files people send (KMZ, tour archives) without trusting them.

Every member name is checked before anything is read: no absolute path, no ``..``, no
backslash or drive letter, no control character, no symbolic link, no duplicate; the
declared sizes must add up to at most a limit, and each member is read with a counter
(a member whose data inflates past its declared size fails its CRC check in
:mod:`zipfile`). Nothing is ever extracted to the file system by name.
"""

from __future__ import annotations

import re
import stat
import zipfile
from contextlib import contextmanager
from typing import BinaryIO

from .errors import InvalidValue
from .errors import TooLarge
from .errors import translate as _

CHUNK = 1024 * 1024
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f\\:]")


class ZipError(InvalidValue):
    def __init__(self, message: str):
        super().__init__("file", message, location="files")


def _check_name(info: zipfile.ZipInfo) -> None:
    name = info.filename
    parts = name.split("/")
    if (
        not name
        or name.startswith("/")
        or _BAD_NAME.search(name)
        or any(part in ("..", ".") for part in parts)
        or len(name) > 500
    ):
        raise ZipError(
            _("The zip file holds a member with an unsafe name: “%(name)s”.") % {"name": name[:80]}
        )
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise ZipError(
            _("The zip file holds a symbolic link (%(name)s), which is refused.")
            % {"name": name[:80]}
        )


@contextmanager
def safe_members(stream: BinaryIO, max_total: int, max_members: int):
    """Open a zip and check its members; yields ``(zipfile, [ZipInfo of files])``.

    :raise ZipError: not a zip, an unsafe or repeated member name, a symbolic link, or too
        many members.
    :raise TooLarge: the members' declared sizes add up to more than ``max_total``.
    """
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ZipError(_("The file is not a zip file, or it is damaged.")) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > max_members:
            raise ZipError(
                _("The zip file holds more than %(max)d members.") % {"max": max_members}
            )
        seen = set()
        total = 0
        for info in infos:
            _check_name(info)
            if info.filename in seen:
                raise ZipError(
                    _("The zip file holds %(name)s twice.") % {"name": info.filename[:80]}
                )
            seen.add(info.filename)
            total += info.file_size
        if total > max_total:
            raise TooLarge(
                "file",
                _("The zip file unpacks to more than the limit of %(max)d bytes.")
                % {"max": max_total},
                location="files",
            )
        yield archive, [info for info in infos if not info.is_dir()]


def read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A member's bytes, at most ``limit`` of them.

    :raise ZipError: the member is damaged (CRC, bad compression).
    :raise TooLarge: it holds more than ``limit`` bytes.
    """
    chunks, size = [], 0
    try:
        with archive.open(name) as member:
            while chunk := member.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise TooLarge(
                        "file",
                        _("%(name)s in the zip file is too large.") % {"name": name[:80]},
                        location="files",
                    )
                chunks.append(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        raise ZipError(_("%(name)s in the zip file is damaged.") % {"name": name[:80]}) from None
    return b"".join(chunks)
