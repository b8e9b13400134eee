"""Video: web MP4 renditions (H.264 High + AAC, faststart) and a poster frame.

One ffmpeg process makes every rendition: the source is decoded once and
``split`` feeds one encoder per size; a rendition the source already
satisfies is remuxed (``-c copy``) in the same run.
"""

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from . import imaging
from .avinfo import check_video
from .avinfo import StreamFacts
from .avinfo import WEB_PROFILES
from .detect import detect
from .detect import Detected
from .errors import MediaError
from .ffmpeg_run import base_args
from .ffmpeg_run import file_url
from .ffmpeg_run import input_args
from .ffmpeg_run import Progress
from .ffmpeg_run import run
from .metadata import video_metadata
from .outputs import temp_path
from .photos import plan_sizes
from .results import Derivative
from .results import Placeholder
from .results import VideoResult
from .settings import MediaSettings

# AVI keeps no presentation time stamps: H.264 with B-frames copied out of it gets time
# stamps that go backwards in MP4, so AVI sources are always re-encoded.
NO_REMUX = {"avi"}
# Applied to every output: no metadata, chapters, subtitles or data tracks.
STRIP = ["-map_metadata", "-1", "-map_chapters", "-1", "-sn", "-dn"]
MP4 = ["-movflags", "+faststart", "-f", "mp4"]


@dataclass
class Rendition:
    """One planned output: its nominal size, display dims, and whether to copy."""

    size: int  # short edge
    width: int
    height: int
    copy: bool


def process_video(
    src: Path,
    out_dir: Path,
    settings: MediaSettings | None = None,
    *,
    detected: Detected | None = None,
    progress: Progress | None = None,
) -> VideoResult:
    """Probe and check ``src``, then write renditions and a poster into ``out_dir``.

    :raise MediaError: refused by a limit, undecodable, or over the time limit.
    """
    settings = settings or MediaSettings()
    src, out_dir = Path(src), Path(out_dir)
    detected = detected or detect(src, settings)
    if detected.kind != "video" or detected.probe is None:
        raise MediaError("This file is not a video.")
    found = check_video(detected.probe, settings)
    renditions = plan_renditions(found, settings, remux=detected.demuxer not in NO_REMUX)
    derivatives = transcode(src, detected.demuxer, found, renditions, out_dir, settings, progress)
    poster = make_poster(src, detected.demuxer, found, out_dir, settings)
    width, height = found.display_size
    return VideoResult(
        width=width,
        height=height,
        duration=round(found.duration, 3),
        derivatives=derivatives,
        poster=poster[0],
        metadata=video_metadata(detected.probe),
        placeholder=poster[1],
    )


def plan_renditions(
    found: StreamFacts, settings: MediaSettings, *, remux: bool = True
) -> list[Rendition]:
    """Renditions no larger than the source; one at source size if it is smaller than all.

    ``remux=False`` re-encodes even a source that is already web-ready.
    """
    width, height = found.display_size
    short, long = min(width, height), max(width, height)
    plans = []
    for size in sorted(settings.video_renditions):
        if size > short:
            continue
        scale = min(size / short, size * 16 / 9 / long)
        w, h = _even(width * scale), _even(height * scale)
        plans.append(Rendition(size, w, h, copy=remux and _can_copy(found, w, h, size, settings)))
    if not plans:
        w, h = _even(width), _even(height)
        copy = remux and _can_copy(found, w, h, short, settings)
        plans.append(Rendition(min(w, h), w, h, copy=copy))
    return plans


def _even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)


def _can_copy(found: StreamFacts, w: int, h: int, size: int, settings: MediaSettings) -> bool:
    """Is the source already what we would encode? Then copy it bit for bit.

    Rotated sources are always re-encoded: turning the pixels is safer than
    trusting every player to honour the display matrix. So are interlaced ones:
    browsers show their fields woven together, combed at every movement.
    """
    return (
        not found.interlaced
        and found.vcodec == "h264"
        and found.pix_fmt == "yuv420p"
        and found.profile in WEB_PROFILES
        and found.acodec in (None, "aac")
        and found.rotation == 0
        and (w, h) == found.display_size
        and 0 < found.bitrate <= settings.bitrate_ceiling(size)
    )


def encode_args(
    rendition: Rendition, label: str, found: StreamFacts, settings: MediaSettings
) -> list[str]:
    """Output options of one rendition fed by filter graph output ``label``.

    AAC sound is copied even when the pictures are re-encoded.
    """
    if rendition.copy:
        return ["-map", "0:v:0", "-map", "0:a:0?", "-c", "copy", *STRIP, *MP4]
    ceiling = settings.bitrate_ceiling(rendition.size)
    if found.acodec == "aac":
        audio = ["-c:a", "copy"]
    else:
        audio = ["-c:a", "aac", "-b:a", str(settings.audio_bitrate), "-ac", "2"]
    return [
        "-map", f"[{label}]", "-map", "0:a:0?",
        "-c:v", "libx264", "-preset", settings.x264_preset, "-crf", str(settings.x264_crf),
        "-maxrate", str(ceiling), "-bufsize", str(ceiling * 2),
        "-profile:v", "high", "-pix_fmt", "yuv420p",
        *audio, *_threads(settings), *STRIP, *MP4,
    ]  # fmt: skip


def _threads(settings: MediaSettings) -> list[str]:
    return ["-threads", str(settings.ffmpeg_threads)] if settings.ffmpeg_threads else []


def transcode_command(
    src: Path,
    demuxer: str,
    found: StreamFacts,
    renditions: list[Rendition],
    outputs: list[Path],
    settings: MediaSettings,
) -> list[str]:
    """The single ffmpeg command writing every rendition (one decode, ``split``)."""
    size = found.display_size
    encoded = [r for r in renditions if not r.copy]
    args = [*base_args(settings.ffmpeg), *_threads(settings), *input_args(src, demuxer)]
    if encoded:
        source = f"[0:v:0]{deinterlace(found)}"
        labels = "".join(f"[s{i}]" for i in range(len(encoded)))
        graph = [f"{source}split={len(encoded)}{labels}"] if len(encoded) > 1 else []
        for i, r in enumerate(encoded):
            source = f"[s{i}]" if len(encoded) > 1 else source
            # No scaler at source size: swscale runs in ffmpeg's one main thread.
            scale = "" if (r.width, r.height) == size else f"scale={r.width}:{r.height},"
            graph.append(f"{source}{scale}setsar=1[v{i}]")
        args += ["-filter_complex", ";".join(graph)]
    args += ["-progress", "pipe:1", "-nostats"]
    index = 0
    for rendition, out in zip(renditions, outputs, strict=True):
        args += [*encode_args(rendition, f"v{index}", found, settings), file_url(out)]
        index += 0 if rendition.copy else 1
    return args


def deinterlace(found: StreamFacts) -> str:
    """The filter (with its trailing comma) that makes whole frames of an interlaced source's
    fields, one frame per frame (50i becomes 25p); '' for progressive video."""
    return "bwdif=mode=send_frame," if found.interlaced else ""


def transcode(src, demuxer, found, renditions, out_dir, settings, progress) -> list[Derivative]:
    """Run the one ffmpeg and move its outputs into place."""
    finals = [out_dir / f"video-{r.size}.mp4" for r in renditions]
    with _temps(finals) as temps:
        run(
            transcode_command(src, demuxer, found, renditions, temps, settings),
            timeout_s=settings.ffmpeg_timeout_s,
            failure="This video could not be converted; it may be damaged.",
            progress=progress or (lambda _: None),
            duration_s=found.duration,
        )
    return [
        Derivative("video", r.size, "mp4", str(p), r.width, r.height, p.stat().st_size, r.copy)
        for r, p in zip(renditions, finals, strict=True)
    ]


class _temps:
    """Temporary paths for several outputs, all renamed into place on success."""

    def __init__(self, finals: list[Path]) -> None:
        self.contexts = [temp_path(p) for p in finals]

    def __enter__(self) -> list[Path]:
        return [c.__enter__() for c in self.contexts]

    def __exit__(self, *exc) -> None:
        for context in self.contexts:
            context.__exit__(*exc)


def make_poster(src, demuxer, found, out_dir, settings) -> tuple[list[Derivative], Placeholder]:
    """A poster frame a tenth of the way in (at most 3 s), via an input seek.

    ffmpeg hands a BMP over a pipe (already upright: ffmpeg applies the
    rotation) and Pillow writes the WebP/JPEG sizes, metadata-free. A transport
    stream has no index of its key frames: a seek past the last one decodes
    nothing, and the poster is then the first frame.
    """
    width, height = found.display_size
    w, h = imaging.scaled(width, height, min(settings.poster_max_edge, max(width, height)))
    data = b""
    for seek in (min(found.duration / 10, 3.0), None):
        args = [
            *base_args(settings.ffmpeg), *input_args(src, demuxer, seek_s=seek),
            "-map", "0:v:0", "-frames:v", "1", "-vf", f"{deinterlace(found)}scale={w}:{h}",
            *STRIP, "-an", "-c:v", "bmp", "-f", "image2pipe", "pipe:1",
        ]  # fmt: skip
        data = run(args, timeout_s=settings.ffmpeg_timeout_s, failure="No picture could be "
                   "taken from this video; it may be damaged.")  # fmt: skip
        if data or not seek:
            break
    if not data:
        raise MediaError("No picture could be taken from this video; it may be damaged.")
    with Image.open(io.BytesIO(data), formats=["BMP"]) as frame:
        frame = frame.convert("RGB")
    allowed = tuple(s for s in settings.photo_sizes if s <= settings.poster_max_edge)
    sizes = plan_sizes(max(frame.size), allowed)
    derivatives, smallest = imaging.write_sizes(frame, sizes, out_dir, "poster", settings)
    return derivatives, imaging.placeholder(smallest, settings.placeholder_size)
