"""Reading ffprobe output into plain facts, and checking them against the limits.

Everything here runs before a single frame is decoded.
"""

from dataclasses import dataclass
from fractions import Fraction

from .errors import MediaError
from .settings import MediaSettings

# Decoders we are willing to run on uploads: the codecs phones and cameras
# actually produce. Everything else is refused before ffmpeg decodes it.
VIDEO_CODECS = {
    "h264", "hevc", "vp8", "vp9", "av1", "mpeg4", "h263", "mpeg2video", "mjpeg", "prores",
}  # fmt: skip
AUDIO_CODECS = {
    "aac", "mp3", "opus", "vorbis", "flac", "alac", "ac3", "eac3", "amr_nb", "amr_wb",
    "pcm_s16le", "pcm_s16be", "pcm_s24le", "pcm_s32le", "pcm_f32le", "pcm_u8", "pcm_mulaw",
    "pcm_alaw",
}  # fmt: skip
WEB_PROFILES = {"Baseline", "Constrained Baseline", "Main", "High"}


@dataclass
class StreamFacts:
    """What ffprobe says about a video or audio file."""

    duration: float
    bitrate: int  # whole file, bits/s (0 if unknown)
    vcodec: str | None = None
    acodec: str | None = None
    width: int = 0  # coded frame size
    height: int = 0
    rotation: int = 0  # degrees clockwise to display, multiple of 90
    fps: float = 0.0
    pix_fmt: str | None = None
    profile: str | None = None
    video_bitrate: int = 0
    interlaced: bool = False  # fields woven into frames (AVCHD 1080i, DV, broadcast)

    @property
    def display_size(self) -> tuple[int, int]:
        """Width and height as shown, after rotation."""
        if self.rotation % 180:
            return self.height, self.width
        return self.width, self.height


def facts(probe: dict) -> StreamFacts:
    """Pick the first video and audio streams out of ffprobe JSON."""
    streams = probe.get("streams", [])
    video = _first(streams, "video")
    audio = _first(streams, "audio")
    fmt = probe.get("format", {})
    duration = _number(fmt.get("duration")) or _number((video or audio or {}).get("duration"))
    result = StreamFacts(duration=duration, bitrate=int(_number(fmt.get("bit_rate"))))
    if audio:
        result.acodec = audio.get("codec_name")
    if video:
        result.vcodec = video.get("codec_name")
        result.width, result.height = int(video.get("width", 0)), int(video.get("height", 0))
        result.rotation = _rotation(video)
        result.fps = _rate(video.get("avg_frame_rate")) or _rate(video.get("r_frame_rate"))
        result.pix_fmt = video.get("pix_fmt")
        result.profile = video.get("profile")
        result.interlaced = video.get("field_order") in ("tt", "bb", "tb", "bt")
        result.video_bitrate = int(_number(video.get("bit_rate"))) or result.bitrate
    return result


def check_video(probe: dict, settings: MediaSettings) -> StreamFacts:
    """Facts of a video, refusing anything over the limits.

    :raise MediaError: with a message saying which limit and by how much.
    """
    streams = probe.get("streams", [])
    found = facts(probe)
    counts = {kind: len([s for s in streams if s.get("codec_type") == kind]) for kind in
              ("video", "audio")}  # fmt: skip
    if not found.vcodec:
        raise MediaError("This file has no pictures, so it is not a video.")
    if (
        len(streams) > settings.max_streams
        or counts["video"] > settings.max_video_streams
        or (counts["audio"] > settings.max_audio_streams)
    ):
        raise MediaError(f"This video has {len(streams)} tracks, more than a camera makes.")
    if found.vcodec not in VIDEO_CODECS:
        raise MediaError(f"This video uses the {found.vcodec} format, which we cannot convert.")
    if found.acodec and found.acodec not in AUDIO_CODECS:
        raise MediaError(f"This video's sound uses {found.acodec}, which we cannot convert.")
    limit = settings.max_dimension
    if not (16 <= found.width <= limit and 16 <= found.height <= limit):
        raise MediaError(
            f"This video is {found.width} x {found.height} pixels; accepted videos are"
            f" between 16 and {limit} pixels on each side."
        )
    if not 0 < found.fps <= settings.max_fps:
        raise MediaError(
            f"This video has {found.fps:g} frames per second; the most accepted is"
            f" {settings.max_fps:g}."
        )
    _check_duration(found.duration, settings.max_video_duration_s, "video")
    return found


def check_audio(probe: dict, settings: MediaSettings) -> StreamFacts:
    """Facts of a sound recording, refusing anything over the limits."""
    found = facts(probe)
    if not found.acodec:
        raise MediaError("This file has no sound.")
    if found.acodec not in AUDIO_CODECS:
        raise MediaError(f"This recording uses {found.acodec}, which we cannot convert.")
    if len(probe.get("streams", [])) > settings.max_streams:
        raise MediaError("This recording has more tracks than a recorder makes.")
    _check_duration(found.duration, settings.max_audio_duration_s, "recording")
    return found


def _check_duration(duration: float, limit: float, what: str) -> None:
    if duration <= 0:
        raise MediaError(f"We cannot tell how long this {what} is; it may be damaged.")
    if duration > limit:
        raise MediaError(
            f"This {what} lasts {_clock(duration)}; the longest accepted is {_clock(limit)}."
        )


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _first(streams: list[dict], kind: str) -> dict | None:
    for stream in streams:
        if stream.get("codec_type") == kind and not stream.get("disposition", {}).get(
            "attached_pic"
        ):
            return stream
    return None


def _number(value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if number == number and number not in (float("inf"), float("-inf")) else 0.0


def _rate(value) -> float:
    try:
        return float(Fraction(value))
    except (TypeError, ValueError, ZeroDivisionError):
        return 0.0


def _rotation(stream: dict) -> int:
    """Degrees clockwise to turn the coded picture to display it.

    ffprobe reports the display matrix counter-clockwise (-90 means turn 90
    clockwise); the legacy ``rotate`` tag is already clockwise.
    """
    for side in stream.get("side_data_list", []):
        if "rotation" in side:
            return round(-_number(side["rotation"]) / 90) * 90 % 360
    return round(_number(stream.get("tags", {}).get("rotate")) / 90) * 90 % 360
