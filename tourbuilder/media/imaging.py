"""Pixel work shared by photos, panoramas and video posters: colour, alpha, encoding."""

import base64
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image
from PIL import ImageCms

from .outputs import write_atomic
from .results import Derivative
from .results import Placeholder
from .settings import MediaSettings

log = logging.getLogger(__name__)

# Same mapping as ImageOps.exif_transpose; we apply it to the already reduced
# image and with the orientation we validated ourselves (0 and junk mean 1).
TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

LANCZOS = Image.Resampling.LANCZOS
_SRGB = None


def _srgb():
    global _SRGB
    if _SRGB is None:
        _SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return _SRGB


def resizable(im: Image.Image) -> Image.Image:
    """Bring odd modes (palette, 1-bit, 16-bit, float) to ones that resample well."""
    if im.mode in ("P", "PA"):
        alpha = im.mode == "PA" or "transparency" in im.info
        return im.convert("RGBA" if alpha else "RGB")
    if im.mode == "1":
        return im.convert("L")
    if im.mode.startswith("I"):
        # 16-bit greys: scale to 8 bits instead of clipping everything to white.
        return im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if im.mode not in ("L", "LA", "RGB", "RGBA", "CMYK"):
        return im.convert("RGBA" if "A" in im.mode else "RGB")
    return im


def to_srgb(im: Image.Image, icc: bytes | None) -> Image.Image:
    """Convert to sRGB RGB, or RGBA when the alpha channel is actually used."""
    alpha = im.getchannel("A") if im.mode in ("RGBA", "LA") else None
    if alpha is not None and alpha.getextrema() == (255, 255):
        alpha = None
    base = im.convert({"RGBA": "RGB", "LA": "L"}.get(im.mode, im.mode))
    if icc:
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if base.mode == "CMYK" or "srgb" not in ImageCms.getProfileDescription(
                profile
            ).lower().replace(" ", ""):
                base = ImageCms.profileToProfile(base, profile, _srgb(), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError) as exc:
            log.info("ignoring unusable ICC profile: %s", exc)
    if base.mode != "RGB":
        base = base.convert("RGB")
    if alpha is not None:
        base.putalpha(alpha)
    return base


def scaled(width: int, height: int, long_edge: int) -> tuple[int, int]:
    """(width, height) scaled so the long edge is ``long_edge`` (never below 1 px)."""
    ratio = long_edge / max(width, height)
    return max(1, round(width * ratio)), max(1, round(height * ratio))


def save(im: Image.Image, path: Path, fmt: str, settings: MediaSettings, quality=None) -> int:
    """Encode ``im`` to ``path`` with no metadata at all; return the file size.

    ``im.info`` is emptied first because Pillow falls back to it for some
    keys (a JPEG comment, for one); EXIF and XMP are passed empty explicitly.
    """
    im.info = {}
    if fmt == "jpeg":
        if im.mode == "RGBA":
            flat = Image.new("RGB", im.size, (255, 255, 255))
            flat.paste(im, mask=im.getchannel("A"))
            im = flat
        params = dict(
            quality=quality or settings.jpeg_quality,
            progressive=settings.jpeg_progressive,
            exif=b"",
            xmp=b"",
        )
        return write_atomic(path, lambda fp: im.save(fp, "JPEG", **params))
    params = dict(
        quality=quality or settings.webp_quality, method=settings.webp_method, exif=b"", xmp=""
    )
    return write_atomic(path, lambda fp: im.save(fp, "WEBP", **params))


def write_sizes(
    im: Image.Image,
    sizes: list[int],
    out_dir: Path,
    role: str,
    settings: MediaSettings,
    formats: tuple[str, ...] = ("webp", "jpeg"),
) -> tuple[list[Derivative], Image.Image]:
    """Write ``im`` at each long edge in ``sizes`` (descending, <= its own).

    Each size is resampled from the previous, larger one, never from the
    original again. Returns the derivatives and the smallest image.
    """
    jobs = []
    current = im
    # Pillow releases the GIL while it encodes and resamples, so the encodes of one size
    # run on other cores while the next size is being resampled.
    with ThreadPoolExecutor(max_workers=max(1, settings.encode_threads)) as pool:
        for size in sizes:
            if size != max(current.size):
                current = current.resize(scaled(*current.size, size), Image.Resampling.LANCZOS)
            for index, fmt in enumerate(formats):
                path = out_dir / f"{role}-{size}.{'jpg' if fmt == 'jpeg' else fmt}"
                # Image.save keeps its options on the image object: one object per encode
                image = current if index == len(formats) - 1 else current.copy()
                future = pool.submit(save, image, path, fmt, settings)
                jobs.append((size, fmt, path, current.width, current.height, future))
    derivatives = [
        Derivative(role, size, fmt, str(path), width, height, future.result())
        for size, fmt, path, width, height, future in jobs
    ]
    return derivatives, current


def placeholder(im: Image.Image, size: int) -> Placeholder:
    """A ~``size`` px WebP data URI (meant to be shown blurred) and the mean colour."""
    tiny = im.convert("RGB")
    tiny.thumbnail((size, size), Image.Resampling.BOX)
    r, g, b = tiny.resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    buf = io.BytesIO()
    tiny.save(buf, "WEBP", quality=40, method=6)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return Placeholder(f"#{r:02x}{g:02x}{b:02x}", f"data:image/webp;base64,{data}")
