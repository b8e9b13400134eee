"""Opening photos with Pillow: an explicit decoder allow-list and a pixel limit."""

import re
import warnings
from pathlib import Path

from PIL import Image

from .errors import MediaError

#: Pillow format names we decode; nothing else is ever tried.
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF", "GIF")

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
    except (OSError, ValueError, SyntaxError) as exc:
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


def too_big_error(width: int = 0, height: int = 0, max_pixels: int = 0) -> MediaError:
    """The message for a picture over the pixel limit."""
    if width and height:
        return MediaError(
            f"This picture is {width} x {height} pixels ({width * height / 1e6:.0f} megapixels);"
            f" the largest accepted is {max_pixels / 1e6:.0f} megapixels."
        )
    return MediaError("This picture has too many pixels to be processed safely.")
