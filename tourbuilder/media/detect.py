"""Recognising what a file is from its bytes, never from its name."""

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from . import metadata
from .containers import check_complete
from .errors import MediaError
from .ffmpeg_run import probe
from .images import open_image
from .settings import MediaSettings

ACCEPTED = (
    "accepted photos are JPEG, PNG, WebP, HEIC/HEIF, AVIF and GIF; videos MP4, MOV, M4V, WebM, MKV,"
    " 3GP, AVI and AVCHD (MTS/M2TS); sound MP3, M4A, AAC, Ogg, Opus and WAV"
)


@dataclass(frozen=True)
class Detected:
    """What a file is. ``demuxer`` is the ffmpeg demuxer forced for video/audio."""

    kind: str  # photo, panorama, video, audio
    format: str  # JPEG, PNG, WEBP, HEIF, AVIF, GIF, mp4, mov, m4v, 3gp, webm, mkv, avi, mts, mp3...
    mime: str
    extension: str
    demuxer: str | None = None
    looks_like_panorama: bool = False
    width: int | None = None
    height: int | None = None
    probe: dict | None = field(default=None, compare=False, repr=False)


# (format, mime, extension) of photos by Pillow format name
_PHOTOS = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
    "HEIF": ("image/heif", ".heic"),
    "AVIF": ("image/avif", ".avif"),
    "GIF": ("image/gif", ".gif"),
}
# format -> (mime, extension, demuxer)
_AV = {
    "mp4": ("video/mp4", ".mp4", "mov"),
    "mov": ("video/quicktime", ".mov", "mov"),
    "m4v": ("video/x-m4v", ".m4v", "mov"),
    "3gp": ("video/3gpp", ".3gp", "mov"),
    "m4a": ("audio/mp4", ".m4a", "mov"),
    "webm": ("video/webm", ".webm", "matroska"),
    "mkv": ("video/x-matroska", ".mkv", "matroska"),
    "avi": ("video/x-msvideo", ".avi", "avi"),
    "mts": ("video/mp2t", ".mts", "mpegts"),  # MPEG transport stream, 188-byte packets
    "m2ts": ("video/mp2t", ".m2ts", "mpegts"),  # AVCHD/Blu-ray: 192-byte packets
    "mp3": ("audio/mpeg", ".mp3", "mp3"),
    "aac": ("audio/aac", ".aac", "aac"),
    "ogg": ("audio/ogg", ".ogg", "ogg"),
    "opus": ("audio/ogg", ".opus", "ogg"),
    "wav": ("audio/wav", ".wav", "wav"),
}
_HEVC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"}
_HEIF_BRANDS = _HEVC_BRANDS | {b"mif1", b"msf1"}
_QT_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


def detect(path: Path, settings: MediaSettings | None = None) -> Detected:
    """Say what ``path`` holds, from its content.

    Photos are checked by opening their header with Pillow (one decoder
    only); video and audio by ffprobe with the demuxer forced, which also
    tells video from audio-only files.

    :raise MediaError: anything that is not an accepted photo, video or audio file.
    """
    settings = settings or MediaSettings()
    path = Path(path)
    with open(path, "rb") as fp:
        head = fp.read(4096)
        fmt = sniff(head)
        if fmt == "id3":
            fmt = _after_id3(fp, head)
    check_complete(path, fmt)
    if fmt in _PHOTOS:
        return _photo(path, fmt, settings)
    if fmt in _AV:
        return _av(path, fmt, settings)
    sentence, kind = describe(head)
    raise MediaError(f"{sentence}; {ACCEPTED}.", kind=kind)


def sniff(head: bytes) -> str | None:
    """Format of a file from its first bytes, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    if head[4:8] == b"ftyp":
        return _ftyp(head)
    if head[4:8] in _QT_ATOMS:
        return "mov"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm" if b"webm" in head[:64] else "mkv"
    if head.startswith(b"OggS"):
        return "opus" if b"OpusHead" in head[:100] else "ogg"
    if head.startswith(b"ID3"):
        return "id3"
    return _transport_stream(head) or _mpeg_audio(head)


def _transport_stream(head: bytes) -> str | None:
    """An MPEG transport stream: the sync byte 0x47 opens every packet of the head.

    Packets are 188 bytes (``.mts``, ``.ts``), or 192 in AVCHD camcorder files and on
    Blu-ray (``.m2ts``; each packet behind a 4-byte time stamp). Five packets in a row
    by chance is a 1 in 10^12 event.
    """
    for fmt, size, first in (("mts", 188, 0), ("m2ts", 192, 4)):
        starts = range(first, len(head), size)
        if len(starts) >= 5 and all(head[i] == 0x47 for i in starts):
            return fmt
    return None


def _ftyp(head: bytes) -> str | None:
    size = int.from_bytes(head[:4], "big")
    major = head[8:12]
    brands = {major} | {head[i : i + 4] for i in range(16, min(size, len(head)) - 3, 4)}
    # AVIF is HEIF with AV1 inside: its own brand, or the generic image brand plus "avif".
    if major in (b"avif", b"avis") or (
        major in (b"mif1", b"msf1") and brands & {b"avif", b"avis"} and not brands & _HEVC_BRANDS
    ):
        return "AVIF"
    if major in _HEIF_BRANDS:
        return "HEIF"
    if major in (b"M4A ", b"M4B "):
        return "m4a"
    if major == b"qt  ":
        return "mov"
    if major.startswith((b"M4V", b"M4VH", b"M4VP")):
        return "m4v"
    if major.startswith((b"3gp", b"3g2")):
        return "3gp"
    if brands & {b"heic", b"heix", b"mif1"} and not brands & {b"isom", b"mp41", b"mp42"}:
        return "HEIF"
    return "mp4"


def _mpeg_audio(head: bytes) -> str | None:
    if len(head) < 4 or head[0] != 0xFF:
        return None
    if head[1] & 0xF6 == 0xF0:  # ADTS sync, layer 0
        return "aac"
    if head[1] & 0xE0 == 0xE0 and (head[1] >> 1) & 3 == 1:  # MPEG audio layer III
        return "mp3"
    return None


def _after_id3(fp, head: bytes) -> str | None:
    """An ID3 tag may precede MP3 or ADTS AAC frames: look behind it."""
    size = 10 + sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(head[6:10]))
    fp.seek(size)
    return _mpeg_audio(fp.read(4)) or "mp3"


def describe(head: bytes) -> tuple[str, str | None]:
    """A sentence saying what a refused file appears to be, and its kind when it is one
    we can name although we do not process it (``track``: a GPS track or map file)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    known = [
        (text.startswith(b"#extm3u"), "This file is an HLS streaming playlist, not a video"),
        (text.startswith(b"ffconcat"), "This file is an ffmpeg concat script, not a video"),
        (b"<svg" in text[:1024], "This file is an SVG drawing"),
        (b"<gpx" in text[:1024], "This file is a GPS track (GPX), not a photo, video or sound",
         "track"),
        (b"<kml" in text[:1024], "This file is a map (KML), not a photo, video or sound", "track"),
        (text.startswith((b"<!doctype html", b"<html")) or b"<html" in text[:256],
         "This file is a web page (HTML)"),
        (head.startswith(b"%PDF"), "This file is a PDF document"),
        (head.startswith(b"PK\x03\x04"), "This file is a ZIP archive"),
        (head[:4] in (b"II*\x00", b"MM\x00*"), "This file is a TIFF or camera RAW picture"),
        (head.startswith(b"BM"), "This file is a BMP picture"),
        (not head, "This file is empty"),
        (text.startswith(b"<?xml"), "This file is an XML document"),
    ]  # fmt: skip
    for matched, sentence, *kind in known:  # a third item, when there, names the kind
        if matched:
            return sentence, next(iter(kind), None)
    if _is_text(head):
        return "This file is plain text", None
    return "This file is not a photo, video or sound recording we can recognise", None


def _is_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(b >= 32 or b in b"\t\r\n" for b in head)


def _photo(path: Path, fmt: str, settings: MediaSettings) -> Detected:
    mime, ext = _PHOTOS[fmt]
    with open_image(path, fmt, settings.max_pixels) as im:
        width, height = im.size
        pano = metadata.gpano(metadata.xmp_packet(im))
    if pano.get("ProjectionType", "").lower() == "equirectangular":
        return Detected("panorama", fmt, mime, ext, width=width, height=height)
    # 2:1 within 0.5 %, and big enough to be a panorama rather than a banner icon
    two_to_one = width >= 1000 and abs(width - 2 * height) <= width // 200
    return Detected(
        "photo", fmt, mime, ext, looks_like_panorama=two_to_one, width=width, height=height
    )


def _av(path: Path, fmt: str, settings: MediaSettings) -> Detected:
    mime, ext, demuxer = _AV[fmt]
    info = probe(path, demuxer, ffprobe=settings.ffprobe, timeout_s=settings.ffprobe_timeout_s)
    streams = info["streams"]
    video = [
        s for s in streams
        if s.get("codec_type") == "video" and not s.get("disposition", {}).get("attached_pic")
    ]  # fmt: skip
    audio = [s for s in streams if s.get("codec_type") == "audio"]
    if video:
        kind = "video"
        if fmt == "m4a":
            fmt, (mime, ext, _) = "mp4", _AV["mp4"]
    elif audio:
        kind = "audio"
        if fmt in ("mp4", "m4v", "3gp", "mov"):
            fmt, (mime, ext, _) = "m4a", _AV["m4a"]
        elif fmt in ("webm", "mkv"):
            mime = "audio/webm" if fmt == "webm" else "audio/x-matroska"
    else:
        raise MediaError("This file holds neither pictures nor sound that we can play.")
    return Detected(kind, fmt, mime, ext, demuxer=demuxer, probe=info)
