"""Opening photos with Pillow: an explicit decoder allow-list and a pixel limit."""

import contextlib
import re
import struct
import warnings
from collections.abc import Iterator
from pathlib import Path

from PIL import features
from PIL import Image

from .errors import MediaError

#: Pillow format names we decode; nothing else is ever tried.
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF", "AVIF", "GIF")

_heif_ready = False


def _ensure_heif() -> None:
    """Register the HEIF opener on first use rather than at import time."""
    global _heif_ready
    if not _heif_ready:
        import pillow_heif

        pillow_heif.register_heif_opener()
        _heif_ready = True


def open_image(path: Path, fmt: str, max_pixels: int | None = None) -> Image.Image:
    """Open ``path`` as exactly ``fmt`` (header only); refuse it above ``max_pixels``.

    The size comes from the header, so a decompression bomb is refused
    before a single pixel is decoded.

    :raise MediaError: unreadable header, or too many pixels.
    """
    if fmt not in PHOTO_FORMATS:
        raise MediaError("This kind of picture is not accepted.")
    if fmt == "HEIF":
        _ensure_heif()
    if fmt == "AVIF" and not features.check("avif"):
        # Pillow reads AVIF itself (11.3 and later, built with libavif): a build without
        # it is the server's fault, to be mended there, not the picture's.
        raise MediaError("The media tools are not available right now.", permanent=False)
    try:
        # Pillow warns above its global MAX_IMAGE_PIXELS (89 MP); our own limit,
        # checked below from the same header, is the one that decides.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(path, formats=[fmt])
    except Image.DecompressionBombError as exc:
        # Pillow's own guard fires inside open() for images over twice its
        # MAX_IMAGE_PIXELS, before we see the size; its message carries it.
        match = re.search(r"\((\d+) pixels\)", str(exc))
        pixels = int(match.group(1)) if match else 0
        if max_pixels and pixels > max_pixels:
            raise MediaError(
                f"This picture is {pixels / 1e6:.0f} megapixels; the largest accepted is"
                f" {max_pixels / 1e6:.0f} megapixels."
            ) from exc
        raise too_big_error() from exc
    except BAD_BYTES as exc:
        if is_machine_fault(exc):
            raise
        raise MediaError(
            f"This file starts like a {fmt} picture but it is damaged and cannot be read."
        ) from exc
    width, height = im.size
    if width <= 0 or height <= 0:
        raise MediaError("This picture has no pixels.")
    if max_pixels is not None and width * height > max_pixels:
        im.close()
        raise too_big_error(width, height, max_pixels)
    return im


#: What Pillow and its plugins raise when the bytes of a picture are wrong (libavif's
#: parse and decode failures come as RuntimeError).
BAD_BYTES = (OSError, ValueError, SyntaxError, EOFError, struct.error, RuntimeError)


def is_machine_fault(exc: BaseException) -> bool:
    """Is this a fault of the machine (disk, I/O) rather than of the picture's bytes?

    Pillow reports damaged data as an ``OSError`` without an error number ("image file is
    truncated", "broken data stream"); the operating system's own errors carry one.
    """
    return isinstance(exc, OSError) and exc.errno is not None


@contextlib.contextmanager
def reading_pixels() -> Iterator[None]:
    """Anything Pillow says about the bytes while reading a picture's metadata and pixels
    becomes a permanent :class:`MediaError`: no retry can mend a damaged file.

    A fault of the machine stays an ``OSError``, which :func:`tourbuilder.media.ingest`
    reports as transient.
    """
    try:
        yield
    except Image.DecompressionBombError as exc:
        raise MediaError("This picture has too many pixels to be processed safely.") from exc
    except BAD_BYTES as exc:
        if is_machine_fault(exc):
            raise
        raise MediaError(
            "This picture is damaged or incomplete (perhaps the upload was cut short)."
        ) from exc


def too_big_error(width: int = 0, height: int = 0, max_pixels: int = 0) -> MediaError:
    """The message for a picture over the pixel limit."""
    if width and height:
        return MediaError(
            f"This picture is {width} x {height} pixels ({width * height / 1e6:.0f} megapixels);"
            f" the largest accepted is {max_pixels / 1e6:.0f} megapixels."
        )
    return MediaError("This picture has too many pixels to be processed safely.")
