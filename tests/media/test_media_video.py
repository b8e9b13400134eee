"""Video renditions, remuxing, posters, limits and timeouts, on videos made with lavfi."""

import os
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tourbuilder.media import ingest
from tourbuilder.media import MediaError
from tourbuilder.media import MediaSettings

from .helpers import ffprobe
from .helpers import make_video

PLANTED = [
    "-metadata", "title=PLANTED-TITLE",
    "-metadata", "location=+48.8566+002.3522/",
    "-metadata", "comment=PLANTED-COMMENT",
    "-metadata:s:v:0", "handler_name=PLANTED-HANDLER",
]  # fmt: skip
MPEG4 = ["-c:v", "mpeg4", "-q:v", "5"]


def _streams(path) -> dict[str, list[dict]]:
    by_type: dict[str, list[dict]] = {}
    for stream in ffprobe(path)["streams"]:
        by_type.setdefault(stream["codec_type"], []).append(stream)
    return by_type


def test_web_friendly_video_is_remuxed_and_stripped(tmp_path):
    src = tmp_path / "phone.mp4"
    # Two audio tracks and a subtitle track: only the first audio track may survive.
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi",
         "-i", "testsrc=duration=2:size=640x360:rate=25", "-f", "lavfi",
         "-i", "sine=duration=2", "-f", "lavfi", "-i", "sine=frequency=880:duration=2",
         "-f", "srt", "-i", str(_srt(tmp_path)),
         "-map", "0", "-map", "1", "-map", "2", "-map", "3",
         "-c:v", "libx264", "-preset", "ultrafast", "-profile:v", "high", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-c:s", "mov_text", *PLANTED, str(src)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    result = ingest(src, tmp_path / "out")
    assert result.metadata.lat == pytest.approx(48.8566)
    (video,) = [d for d in result.derivatives if d.role == "video"]
    assert video.remuxed and (video.width, video.height) == (640, 360)
    streams = _streams(video.path)
    assert sorted(streams) == ["audio", "video"] and len(streams["audio"]) == 1
    assert streams["video"][0]["codec_name"] == "h264"
    _assert_clean(video.path)
    raw = Path(video.path).read_bytes()
    assert raw.index(b"moov") < raw.index(b"mdat"), "faststart: moov must come first"


def _srt(tmp_path: Path) -> Path:
    path = tmp_path / "s.srt"
    path.write_text("1\n00:00:00,000 --> 00:00:01,000\nPLANTED-SUBTITLE\n")
    return path


def _assert_clean(path) -> None:
    info = ffprobe(path)
    tags = {**info["format"].get("tags", {})}
    for stream in info["streams"]:
        tags.update(stream.get("tags", {}))
    assert not [v for v in tags.values() if "PLANTED" in v or "+48.8566" in v], tags
    assert not {"location", "title", "comment", "com.apple.quicktime.location.ISO6709"} & set(tags)
    assert b"PLANTED" not in Path(path).read_bytes()


def test_both_renditions_from_one_transcode_with_progress(tmp_path):
    src = make_video(tmp_path / "cam.mkv", *PLANTED, duration=1, size="1920x1080", codec=MPEG4)
    seen = []
    result = ingest(src, tmp_path / "out", progress=seen.append)
    videos = {d.size: d for d in result.derivatives if d.role == "video"}
    assert sorted(videos) == [720, 1080]
    assert (videos[720].width, videos[720].height) == (1280, 720)
    assert (videos[1080].width, videos[1080].height) == (1920, 1080)
    for d in videos.values():
        assert not d.remuxed
        streams = _streams(d.path)
        assert streams["video"][0]["profile"] == "High"
        assert streams["video"][0]["pix_fmt"] == "yuv420p"
        assert streams["audio"][0]["codec_name"] == "aac"
        assert (streams["video"][0]["width"], streams["video"][0]["height"]) == (d.width, d.height)
        _assert_clean(d.path)
    assert seen and seen[-1] == 100.0 and seen == sorted(seen)


def test_small_video_is_not_upscaled_and_poster_is_upright(tmp_path):
    plain = make_video(tmp_path / "plain.mp4", size="320x240", codec=MPEG4)
    src = tmp_path / "turned.mov"
    # ffmpeg 5.1 only turns a rotate tag into a display matrix when stream copying.
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-i", str(plain), "-c", "copy",
         "-metadata:s:v:0", "rotate=90", str(src)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    result = ingest(src, tmp_path / "out")
    assert (result.width, result.height) == (240, 320)
    (video,) = [d for d in result.derivatives if d.role == "video"]
    assert (video.width, video.height) == (240, 320)
    poster = max(result.poster, key=lambda d: d.width)
    with Image.open(poster.path) as im:
        assert im.size == (240, 320)
        assert not im.getexif() and "comment" not in im.info
    assert result.placeholder.data_uri.startswith("data:image/webp;base64,")


def test_video_without_sound(tmp_path):
    src = make_video(tmp_path / "mute.webm", audio=False, codec=["-c:v", "libvpx", "-b:v", "200k"])
    result = ingest(src, tmp_path / "out")
    (video,) = [d for d in result.derivatives if d.role == "video"]
    assert sorted(_streams(video.path)) == ["video"]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (MediaSettings(max_video_duration_s=1), "lasts 0:02; the longest accepted is 0:01"),
        (MediaSettings(max_dimension=320), "640 x 360 pixels"),
        (MediaSettings(max_fps=10), "25 frames per second"),
    ],
)
def test_limits_refuse_before_decoding(tmp_path, settings, message):
    src = make_video(tmp_path / "v.mp4")
    with pytest.raises(MediaError, match=message) as info:
        ingest(src, tmp_path / "out", settings)
    assert info.value.kind == "video"  # refused, but known to be a video
    assert not list((tmp_path / "out").iterdir())


def test_absurd_frame_rate_refused_by_default_limits(tmp_path):
    src = make_video(tmp_path / "fast.mp4", duration=0.2, size="64x64", rate=1000, audio=False)
    with pytest.raises(MediaError, match="1000 frames per second; the most accepted is 120"):
        ingest(src, tmp_path / "out")


def test_timeout_kills_the_process_group(tmp_path):
    src = make_video(tmp_path / "long.mkv", duration=8, size="1280x720", codec=MPEG4)
    out = tmp_path / "out"
    with pytest.raises(MediaError, match="processing took too long") as info:
        ingest(src, out, MediaSettings(ffmpeg_timeout_s=0.3))
    assert info.value.permanent
    assert not _processes_touching(tmp_path)
    assert not list(out.iterdir()), "no partial output may be left behind"


def _processes_touching(folder: Path) -> list[str]:
    """Command lines of live processes that mention ``folder``."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if str(folder) in cmdline and int(pid) != os.getpid():
            found.append(cmdline)
    return found
