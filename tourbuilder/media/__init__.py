"""The media ingest pipeline: files and settings in, dataclasses out.

It imports nothing from Flask or the rest of tourbuilder, so background
jobs, the CLI, tests and ``bench/ingest.py`` all call the same code::

    from tourbuilder.media import ingest
    result = ingest("upload.bin", "derived/1234")
    result.as_dict()
"""

import dataclasses
import hashlib
import logging
from pathlib import Path

from .detect import detect
from .detect import Detected
from .errors import MediaError
from .ffmpeg_run import Progress
from .results import IngestResult
from .settings import MediaSettings

log = logging.getLogger(__name__)

__all__ = [
    "Detected",
    "IngestResult",
    "MediaError",
    "MediaSettings",
    "detect",
    "file_sha256",
    "ingest",
]


def ingest(
    path: str | Path,
    out_dir: str | Path,
    settings: MediaSettings | None = None,
    progress: Progress | None = None,
    *,
    as_panorama: bool = False,
    detected: Detected | None = None,
    sha256: str | None = None,
) -> IngestResult:
    """Recognise ``path`` by content and write its web derivatives into ``out_dir``.

    ``progress(percent)`` is called during video and audio transcodes. ``as_panorama``
    treats a 2:1 photo without panorama metadata (``looks_like_panorama``) as a 360°
    panorama, once its author confirmed it is one. A caller that already ran
    :func:`detect` on the file, or knows its SHA-256, passes them in (``detected``,
    ``sha256``) so neither is done twice.

    :raise MediaError: the file is refused or cannot be processed; its
        message can be shown to the person who uploaded it, and its ``kind`` says
        what the file is whenever that was recognised.
    """
    settings = settings or MediaSettings()
    found = detected
    try:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        found = found or detect(Path(path), settings)
        return _ingest(Path(path), Path(out_dir), settings, progress, as_panorama, found, sha256)
    except MediaError as exc:
        if exc.kind is None and found is not None:
            exc.kind = found.kind  # refused, but known: a video over a limit is a video
        raise
    except OSError as exc:
        # Reading the upload or writing derivatives failed (storage, disk
        # full): not the file's fault, so worth retrying.
        log.warning("ingest of %s failed: %s", path, exc)
        raise MediaError(
            "The file could not be read or its copies written right now.",
            permanent=False,
            kind=found.kind if found else None,
        ) from exc


def _ingest(
    path: Path,
    out_dir: Path,
    settings: MediaSettings,
    progress,
    as_panorama: bool,
    found: Detected,
    sha256: str | None,
) -> IngestResult:
    if as_panorama and found.kind == "photo" and found.looks_like_panorama:
        found = dataclasses.replace(found, kind="panorama")
    result = IngestResult(
        kind=found.kind,
        format=found.format,
        mime=found.mime,
        sha256=sha256 or file_sha256(path),
        bytes=path.stat().st_size,
        looks_like_panorama=found.looks_like_panorama,
    )
    if found.kind == "photo":
        from .photos import process_photo

        photo = process_photo(path, out_dir, settings, fmt=found.format)
        result.width, result.height = photo.width, photo.height
        result.metadata, result.derivatives = photo.metadata, photo.derivatives
        result.placeholder = photo.placeholder
    elif found.kind == "panorama":
        from .panorama import process_panorama

        pano = process_panorama(path, out_dir, settings, fmt=found.format)
        result.width, result.height = pano.width, pano.height
        result.metadata, result.derivatives = pano.metadata, pano.derivatives
        result.placeholder, result.panorama = pano.placeholder, pano.view
    elif found.kind == "video":
        from .video import process_video

        video = process_video(path, out_dir, settings, detected=found, progress=progress)
        result.width, result.height, result.duration = video.width, video.height, video.duration
        result.metadata, result.derivatives = video.metadata, video.derivatives
        result.poster, result.placeholder = video.poster, video.placeholder
    else:
        from .audio import process_audio

        audio = process_audio(path, out_dir, settings, detected=found, progress=progress)
        result.duration, result.derivatives = audio.duration, audio.derivatives
        result.metadata = audio.metadata
    return result


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fp:
        for chunk in iter(lambda: fp.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
