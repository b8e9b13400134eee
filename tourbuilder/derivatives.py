"""The names of a media item's web derivatives: built and parsed here, nowhere else.

``item.derivatives`` maps each name to its entry (storage key, MIME type, size...):

==================  =========================================================
name                what it is
==================  =========================================================
``640.webp``        a photo (or panorama thumbnail) 640 px on its long edge
``panorama-4096.jpg``  the equirectangular image a panorama viewer shows
``video-720.mp4``   a web video rendition, 720 px on its short edge
``poster-1280.jpg`` a video's poster frame
``audio.m4a``       a sound recording's web version
``captions-ar.vtt`` WebVTT captions in a language
==================  =========================================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EXTENSION_BY_FORMAT = {"webp": "webp", "jpeg": "jpg", "mp4": "mp4", "m4a": "m4a", "vtt": "vtt"}
MIME_BY_FORMAT = {
    "webp": "image/webp",
    "jpeg": "image/jpeg",
    "mp4": "video/mp4",
    "m4a": "audio/mp4",
    "vtt": "text/vtt",
}
_NAME = re.compile(
    r"^(?:(?P<size>\d+)|(?P<role>[a-z]+)(?:-(?P<suffix>[0-9]+|[A-Za-z0-9-]+))?)"
    r"\.(?P<ext>[a-z0-9]+)$"
)


@dataclass(frozen=True)
class DerivativeName:
    """A parsed name: its role (``photo``, ``video``, ``poster``, ``panorama``, ``audio``,
    ``captions``), its size in pixels (0 when it has none), its file extension and, for
    captions, its language."""

    role: str
    size: int
    ext: str
    language: str = ""


def derivative_name(role: str, size: int, fmt: str) -> str:
    """``640.webp`` for photos; ``video-720.mp4``, ``poster-1280.jpg``, ``audio.m4a``..."""
    ext = EXTENSION_BY_FORMAT.get(fmt, fmt)
    if role == "photo":
        return f"{size}.{ext}"
    return f"{role}.{ext}" if not size else f"{role}-{size}.{ext}"


def captions_name(language: str) -> str:
    return f"captions-{language}.vtt"


def parse(name: str) -> DerivativeName | None:
    """The parts of a derivative name; None for a name this module never builds."""
    match = _NAME.match(name)
    if match is None:
        return None
    if match["size"]:
        return DerivativeName("photo", int(match["size"]), match["ext"])
    role, suffix = match["role"], match["suffix"] or ""
    if role == "captions":
        return DerivativeName(role, 0, match["ext"], language=suffix)
    if suffix and not suffix.isdigit():
        return None
    return DerivativeName(role, int(suffix or 0), match["ext"])


def of_role(derivatives: dict, role: str, ext: str | None = None) -> list[tuple[str, dict]]:
    """``(name, entry)`` of every derivative with ``role`` (and ``ext``), smallest first."""
    found = []
    for name, entry in (derivatives or {}).items():
        parts = parse(name)
        if parts and parts.role == role and (ext is None or parts.ext == ext):
            found.append((parts.size, name, entry))
    return [(name, entry) for _size, name, entry in sorted(found, key=lambda f: f[:2])]
