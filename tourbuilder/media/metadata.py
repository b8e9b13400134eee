"""Capture metadata: EXIF for photos, QuickTime/MP4 tags for video, GPano XMP."""

import math
import re
from dataclasses import dataclass

from PIL import ExifTags
from PIL import Image

_GPS = ExifTags.GPS
_BASE = ExifTags.Base


@dataclass
class MediaMetadata:
    """What the capture device recorded; every field may be missing."""

    taken_at: str | None = None  # ISO 8601, with offset when the device wrote one
    camera: str | None = None
    lat: float | None = None
    lon: float | None = None
    orientation: int = 1  # EXIF 1..8; invalid or absent values are 1


def photo_metadata(im: Image.Image) -> MediaMetadata:
    """Read EXIF of an opened (not necessarily loaded) image."""
    exif = im.getexif()
    ifd = exif.get_ifd(ExifTags.IFD.Exif)
    taken = _exif_datetime(ifd.get(_BASE.DateTimeOriginal) or exif.get(_BASE.DateTime))
    offset = _text(ifd.get(_BASE.OffsetTimeOriginal))
    if taken and offset and re.fullmatch(r"[+-]\d\d:\d\d", offset):
        taken += offset
    orientation = exif.get(_BASE.Orientation, 1)
    # pillow-heif applies the HEIF transform itself and resets EXIF to 1.
    orientation = im.info.get("original_orientation", orientation)
    if not isinstance(orientation, int) or not 1 <= orientation <= 8:
        orientation = 1
    lat, lon = _gps(exif.get_ifd(ExifTags.IFD.GPSInfo))
    return MediaMetadata(
        taken_at=taken,
        camera=_camera(_text(exif.get(_BASE.Make)), _text(exif.get(_BASE.Model))),
        lat=lat,
        lon=lon,
        orientation=orientation,
    )


def _text(value) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    value = value.replace("\x00", "").strip()
    return value[:200] or None


def _camera(make: str | None, model: str | None) -> str | None:
    if make and model and model.lower().startswith(make.split()[0].lower()):
        return model
    return " ".join(part for part in (make, model) if part) or None


def _exif_datetime(value) -> str | None:
    match = re.fullmatch(r"(\d{4}):(\d\d):(\d\d)[ T](\d\d):(\d\d):(\d\d)", _text(value) or "")
    if not match or match.group(1) == "0000":
        return None
    y, mo, d, h, mi, s = match.groups()
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}"


def _gps(gps: dict) -> tuple[float | None, float | None]:
    lat = _degrees(gps.get(_GPS.GPSLatitude), gps.get(_GPS.GPSLatitudeRef), "S")
    lon = _degrees(gps.get(_GPS.GPSLongitude), gps.get(_GPS.GPSLongitudeRef), "W")
    if lat is None or lon is None or abs(lat) > 90 or abs(lon) > 180:
        return None, None
    return lat, lon


def _degrees(dms, ref, negative: str) -> float | None:
    """EXIF (deg, min, sec) rationals and an N/S/E/W ref to signed decimal degrees."""
    try:
        parts = [float(x) for x in dms]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not 1 <= len(parts) <= 3 or not all(math.isfinite(p) for p in parts):
        return None
    value = sum(p / 60**i for i, p in enumerate(parts))
    if (_text(ref) or "").upper().startswith(negative):
        value = -value
    return value


# --- video -------------------------------------------------------------------

_ISO6709 = re.compile(r"([+-]\d{1,2}(?:\.\d+)?)([+-]\d{1,3}(?:\.\d+)?)")


def video_metadata(probe: dict) -> MediaMetadata:
    """Location, creation time and camera from ffprobe format tags."""
    tags = {k.lower(): v for k, v in probe.get("format", {}).get("tags", {}).items()}
    lat = lon = None
    location = tags.get("com.apple.quicktime.location.iso6709") or tags.get("location") or ""
    match = _ISO6709.match(location.strip())
    if match:
        lat, lon = float(match.group(1)), float(match.group(2))
        if abs(lat) > 90 or abs(lon) > 180:
            lat = lon = None
    taken = tags.get("com.apple.quicktime.creationdate") or tags.get("creation_time")
    make = tags.get("com.apple.quicktime.make") or tags.get("make")
    model = tags.get("com.apple.quicktime.model") or tags.get("model")
    return MediaMetadata(
        taken_at=_text(taken), camera=_camera(_text(make), _text(model)), lat=lat, lon=lon
    )


# --- XMP / GPano -------------------------------------------------------------


def xmp_packet(im: Image.Image) -> str:
    """The image's XMP packet as text ('' if none), as Pillow's plugins expose it."""
    for key in ("xmp", "XML:com.adobe.xmp"):
        value = im.info.get(key)
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if value:
            return value
    return ""


def gpano(xmp: str) -> dict[str, str]:
    """GPano properties from an XMP packet, attribute or element form.

    A regular expression rather than an XML parser: we only want a few flat
    values, and an uploaded packet must never reach an entity-expanding parser.
    """
    found = {}
    for name, value in re.findall(r'GPano:(\w+)\s*=\s*"([^"]{0,100})"', xmp):
        found[name] = value
    for name, value in re.findall(r"<GPano:(\w+)>([^<]{0,100})</GPano:\1>", xmp):
        found[name] = value
    return found
