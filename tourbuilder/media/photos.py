"""Photos: decode once at the smallest useful scale, then write web derivatives."""

from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from . import imaging
from .detect import sniff
from .errors import MediaError
from .images import open_image
from .images import PHOTO_FORMATS
from .images import reading_pixels
from .metadata import MediaMetadata
from .metadata import photo_metadata
from .metadata import xmp_packet
from .results import PhotoResult
from .settings import MediaSettings


@dataclass
class Decoded:
    """A photo decoded, oriented and in sRGB, at most as large as was asked."""

    image: Image.Image
    metadata: MediaMetadata
    width: int  # full display size of the original, after orientation
    height: int
    xmp: str


def process_photo(
    src: Path, out_dir: Path, settings: MediaSettings | None = None, *, fmt: str | None = None
) -> PhotoResult:
    """Write WebP and JPEG derivatives of ``src`` into ``out_dir``.

    :raise MediaError: not an accepted photo, too many pixels, or damaged.
    """
    settings = settings or MediaSettings()
    decoded = decode(Path(src), settings, max(settings.photo_sizes), fmt=fmt)
    derivatives, smallest = imaging.write_sizes(
        decoded.image, plan_sizes(max(decoded.image.size), settings.photo_sizes), Path(out_dir),
        "photo", settings,
    )  # fmt: skip
    return PhotoResult(
        width=decoded.width,
        height=decoded.height,
        derivatives=derivatives,
        placeholder=imaging.placeholder(smallest, settings.placeholder_size),
        metadata=decoded.metadata,
    )


def plan_sizes(long_edge: int, sizes: tuple[int, ...]) -> list[int]:
    """Long edges to write, largest first: each requested size below ``long_edge``,
    plus ``long_edge`` itself when it is under the largest size (never upscale)."""
    planned = sorted({s for s in sizes if s < long_edge}, reverse=True)
    if not sizes or long_edge <= max(sizes):
        planned.insert(0, long_edge)
    return planned


def decode(src: Path, settings: MediaSettings, largest: int, *, fmt: str | None = None) -> Decoded:
    """Decode ``src`` with its long edge reduced to at most ``largest``.

    JPEGs are decoded straight at 1/2, 1/4 or 1/8 scale when possible
    (``draft``); other formats are reduced by ``resize(reducing_gap=...)``,
    which box-reduces by an integer factor first. Colour conversion and
    orientation happen after the reduction, on far fewer pixels.
    """
    if fmt is None:
        with open(src, "rb") as fp:
            fmt = sniff(fp.read(64))
        if fmt not in PHOTO_FORMATS:
            raise MediaError("This file is not a photo.")
    with open_image(src, fmt, settings.max_pixels) as im:
        # Reading the metadata may read the whole file: a PNG's EXIF can follow its pixels.
        with reading_pixels():
            meta = photo_metadata(im)
            # pillow-heif has already turned HEIF pixels upright.
            orientation = 1 if fmt == "HEIF" else meta.orientation
            width, height = im.size
            if orientation >= 5:
                width, height = height, width
            target = min(largest, max(im.size))
            if fmt == "JPEG" and target < max(im.size):
                want = max(1, int(target * (1 - settings.jpeg_draft_slack)))
                im.draft("RGB", imaging.scaled(*im.size, want))
                target = min(target, max(im.size))
            icc = im.info.get("icc_profile")
            xmp = xmp_packet(im)
            im.load()
            pixels = imaging.resizable(im)  # a broken palette shows here
        if max(pixels.size) != target:
            pixels = pixels.resize(
                imaging.scaled(*pixels.size, target), Image.Resampling.LANCZOS, reducing_gap=3.0
            )
    pixels = imaging.to_srgb(pixels, icc)
    if orientation in imaging.TRANSPOSE:
        pixels = pixels.transpose(imaging.TRANSPOSE[orientation])
    return Decoded(pixels, meta, width, height, xmp)
