"""Sound recordings: normalised to AAC in an M4A file, metadata stripped."""

from pathlib import Path

from .avinfo import check_audio
from .detect import detect
from .detect import Detected
from .errors import MediaError
from .ffmpeg_run import base_args
from .ffmpeg_run import file_url
from .ffmpeg_run import input_args
from .ffmpeg_run import Progress
from .ffmpeg_run import run
from .outputs import temp_path
from .results import AudioResult
from .results import Derivative
from .settings import MediaSettings
from .video import STRIP


def process_audio(
    src: Path,
    out_dir: Path,
    settings: MediaSettings | None = None,
    *,
    detected: Detected | None = None,
    progress: Progress | None = None,
) -> AudioResult:
    """Write ``audio.m4a`` (AAC) into ``out_dir``; AAC already in MP4/M4A is copied.

    :raise MediaError: no sound, an unknown codec, too long, or damaged.
    """
    settings = settings or MediaSettings()
    src, out_dir = Path(src), Path(out_dir)
    detected = detected or detect(src, settings)
    if detected.kind != "audio" or detected.probe is None:
        raise MediaError("This file is not a sound recording.")
    found = check_audio(detected.probe, settings)
    copy = found.acodec == "aac" and detected.demuxer == "mov"
    codec = ["-c:a", "copy"] if copy else ["-c:a", "aac", "-b:a", str(settings.audio_bitrate)]
    final = out_dir / "audio.m4a"
    with temp_path(final) as tmp:
        args = [
            *base_args(settings.ffmpeg), *input_args(src, detected.demuxer),
            "-progress", "pipe:1", "-nostats",
            "-map", "0:a:0", "-vn", *codec, *STRIP,
            "-movflags", "+faststart", "-f", "ipod", file_url(tmp),
        ]  # fmt: skip
        run(
            args,
            timeout_s=settings.ffmpeg_timeout_s,
            failure="This recording could not be converted; it may be damaged.",
            progress=progress or (lambda _: None),
            duration_s=found.duration,
        )
    derivative = Derivative("audio", 0, "m4a", str(final), bytes=final.stat().st_size,
                            remuxed=copy)  # fmt: skip
    return AudioResult(duration=round(found.duration, 3), derivatives=[derivative])
