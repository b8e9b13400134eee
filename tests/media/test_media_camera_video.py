"""Videos from older cameras, camcorders and screen recorders: AVI (MJPEG or H.264) and AVCHD
transport streams (``.mts``, and ``.m2ts`` with 192-byte packets), made with the real ffmpeg
the way those devices write them, recognised by their bytes alone (the files have no
extension), and turned into web MP4s that play; then the same files lying or cut short."""

import struct
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tourbuilder.media import detect
from tourbuilder.media import ingest
from tourbuilder.media import MediaError
from tourbuilder.media import MediaSettings

from .helpers import ffprobe
from .helpers import make_video

X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
# A camcorder's short group of pictures (AVCHD: about half a second).
AVCHD = [*X264, "-g", "12"]
# No hang may go unnoticed: every tool run is cut short well before the test would.
SETTINGS = MediaSettings(ffmpeg_timeout_s=120, ffprobe_timeout_s=20)

CAMERAS = {
    # An older compact camera: MJPEG at 640 x 480, 30 fps, mono PCM sound.
    "compact-camera-mjpeg.avi": dict(
        args=["-f", "avi"], size="640x480", rate=30,
        codec=["-c:v", "mjpeg", "-q:v", "4", "-pix_fmt", "yuvj422p"],
        audio_codec=["-c:a", "pcm_s16le", "-ac", "1", "-ar", "16000"],
        expect=("avi", "avi", (640, 480), {480: (640, 480)}),
    ),
    # A screen recorder: H.264 with B-frames and MP3 sound in AVI.
    "screen-recorder-h264.avi": dict(
        args=["-f", "avi"], size="1280x720", rate=30,
        codec=[*X264, "-bf", "2"], audio_codec=["-c:a", "libmp3lame", "-b:a", "128k"],
        expect=("avi", "avi", (1280, 720), {720: (1280, 720)}),
    ),
    # An AVCHD camcorder: 1080p H.264 and AC-3 stereo in 192-byte packets.
    "camcorder-avchd.m2ts": dict(
        args=["-f", "mpegts", "-mpegts_m2ts_mode", "1"], size="1920x1080", rate=25,
        codec=AVCHD, audio_codec=["-c:a", "ac3", "-b:a", "256k", "-ac", "2"],
        expect=("m2ts", "mpegts", (1920, 1080), {720: (1280, 720), 1080: (1920, 1080)}),
    ),
    # A camera writing plain 188-byte packets, H.264 and AAC: already web-ready.
    "camera-h264-aac.mts": dict(
        args=["-f", "mpegts"], size="1280x720", rate=25,
        codec=AVCHD, audio_codec=["-c:a", "aac", "-b:a", "128k", "-ac", "2"],
        expect=("mts", "mpegts", (1280, 720), {720: (1280, 720)}),
    ),
}  # fmt: skip


def camera_file(path: Path, name: str, duration: float = 3, **changes) -> Path:
    """The sample ``name`` of CAMERAS written to ``path``, with ``changes`` to its recipe."""
    recipe = {k: v for k, v in CAMERAS[name].items() if k != "expect"} | changes
    return make_video(path, *recipe.pop("args"), duration=duration, **recipe)


def decode_errors(path) -> str:
    """What ffmpeg complains about while decoding every frame of ``path`` ('' if nothing)."""
    done = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "null", "-"],
        capture_output=True, timeout=120, text=True,
    )  # fmt: skip
    return done.stderr.strip() if done.returncode == 0 else f"exit {done.returncode}"


@pytest.mark.parametrize("name", list(CAMERAS))
def test_camera_video_becomes_web_video(tmp_path, name):
    fmt, demuxer, size, renditions = CAMERAS[name]["expect"]
    src = camera_file(tmp_path / "upload", name)
    found = detect(src, SETTINGS)
    assert (found.kind, found.format, found.demuxer) == ("video", fmt, demuxer)
    result = ingest(src, tmp_path / "out", SETTINGS, detected=found)
    assert (result.kind, result.format) == ("video", fmt)
    assert result.duration == pytest.approx(3, abs=0.1)
    assert (result.width, result.height) == size
    videos = {d.size: d for d in result.derivatives if d.role == "video"}
    assert {s: (d.width, d.height) for s, d in videos.items()} == renditions
    for video in videos.values():
        info = ffprobe(video.path)
        codecs = {s["codec_type"]: s["codec_name"] for s in info["streams"]}
        assert codecs == {"video": "h264", "audio": "aac"}, video.path
        assert float(info["format"]["duration"]) == pytest.approx(3, abs=0.1)
        assert decode_errors(video.path) == ""
    if fmt == "mts":  # H.264 + AAC under the bitrate ceiling: copied, not re-encoded
        assert all(v.remuxed for v in videos.values())
    poster = max(result.poster, key=lambda d: d.width)
    with Image.open(poster.path) as im:
        assert im.size == (poster.width, poster.height)
        assert im.width / im.height == pytest.approx(size[0] / size[1], abs=0.01)
    assert result.placeholder.data_uri.startswith("data:image/webp;base64,")


def _lie(data: bytes, name: str) -> bytes:
    """``data``, an MJPEG AVI, with its headers telling one lie."""
    out = bytearray(data)
    avih = data.index(b"avih") + 8  # main header
    strh = data.index(b"strh") + 8  # first stream's header
    strf = data.index(b"strf") + 8  # its format: a BITMAPINFOHEADER
    if name == "size":
        struct.pack_into("<II", out, avih + 32, 60000, 60000)
        struct.pack_into("<ii", out, strf + 4, 60000, 60000)
    elif name == "frames":
        struct.pack_into("<I", out, avih + 16, 0xFFFFFFFF)
        struct.pack_into("<I", out, strh + 32, 0xFFFFFFFF)
    elif name == "rate":
        struct.pack_into("<I", out, avih, 10)  # microseconds per frame
        struct.pack_into("<II", out, strh + 20, 1, 100_000)  # scale, rate
    elif name == "codec":
        out[strh + 4 : strh + 8] = out[strf + 16 : strf + 20] = b"H264"
    elif name == "length":
        struct.pack_into("<I", out, 4, 0x7FFFFFF0)  # RIFF size: far past the end
    return bytes(out)


@pytest.mark.parametrize(
    ("lie", "refusal"),
    [
        ("size", None),  # the frames' own size wins over the headers'
        ("frames", "lasts .* the longest accepted is 30:00"),
        ("rate", "100000 frames per second"),
        ("codec", "damaged"),
        ("length", "cut short"),
    ],
)
def test_avi_whose_header_lies(tmp_path, lie, refusal):
    real = camera_file(tmp_path / "real", "compact-camera-mjpeg.avi", duration=2)
    src = tmp_path / "upload"
    src.write_bytes(_lie(real.read_bytes(), lie))
    out = tmp_path / "out"
    if refusal is None:
        result = ingest(src, out, SETTINGS)
        assert (result.width, result.height) == (640, 480)
        assert result.duration == pytest.approx(2, abs=0.1)
        (video,) = [d for d in result.derivatives if d.role == "video"]
        assert decode_errors(video.path) == ""
        return
    with pytest.raises(MediaError, match=refusal) as info:
        ingest(src, out, SETTINGS)
    assert info.value.permanent
    assert not list(out.iterdir())


def test_m2ts_cut_in_the_middle_is_refused(tmp_path):
    full = camera_file(tmp_path / "full", "camcorder-avchd.m2ts", size="960x540").read_bytes()
    src = tmp_path / "upload"
    src.write_bytes(full[: len(full) // 2 + 100])  # ends inside a packet
    with pytest.raises(MediaError, match="cut short") as info:
        ingest(src, tmp_path / "out", SETTINGS)
    assert info.value.permanent


def test_m2ts_cut_between_packets_keeps_what_was_recorded(tmp_path):
    # A camcorder whose battery died leaves whole packets: the part recorded is the video.
    full = camera_file(tmp_path / "full", "camcorder-avchd.m2ts", size="960x540").read_bytes()
    src = tmp_path / "upload"
    src.write_bytes(full[: len(full) // 2 // 192 * 192])
    result = ingest(src, tmp_path / "out", SETTINGS)
    assert result.kind == "video" and 1 < result.duration < 2.5
    for video in [d for d in result.derivatives if d.role == "video"]:
        assert float(ffprobe(video.path)["format"]["duration"]) == pytest.approx(
            result.duration, abs=0.2
        )
        assert decode_errors(video.path) == ""


def test_transport_stream_of_noise_is_refused(tmp_path):
    # Packet sync bytes in the right places, nothing playable inside.
    packets = b"".join(b"\x47" + bytes([i % 251]) * 187 for i in range(200))
    src = tmp_path / "upload"
    src.write_bytes(packets)
    with pytest.raises(MediaError) as info:
        ingest(src, tmp_path / "out", SETTINGS)
    assert info.value.permanent and "right now" not in info.value.message


def test_transport_stream_with_one_key_frame_still_gets_a_poster(tmp_path):
    # A transport stream has no index: the poster's seek lands after the only key frame
    # (the first) and decodes nothing, so the poster falls back to the first frame.
    src = make_video(tmp_path / "upload", "-f", "mpegts", "-g", "250", size="640x360")
    result = ingest(src, tmp_path / "out", SETTINGS)
    assert result.poster and result.placeholder.color != "#000000"


def test_interlaced_camcorder_video_is_deinterlaced(tmp_path):
    # Most AVCHD camcorders film 1080i/50i: two fields woven into each frame. Copied or
    # encoded as they are, every movement shows combs in a browser.
    src = make_video(
        tmp_path / "upload", "-vf", "interlace=scan=tff", "-f", "mpegts",
        size="1280x720", rate=50,
        codec=[*AVCHD, "-flags", "+ildct+ilme", "-x264-params", "tff=1", "-b:v", "2M"],
    )  # fmt: skip
    assert detect(src, SETTINGS).probe["streams"][0]["field_order"] == "tt"
    result = ingest(src, tmp_path / "out", SETTINGS)
    (video,) = [d for d in result.derivatives if d.role == "video"]
    assert not video.remuxed
    stream = [s for s in ffprobe(video.path)["streams"] if s["codec_type"] == "video"][0]
    assert stream["field_order"] == "progressive"
    assert stream["avg_frame_rate"] == "25/1"
    assert decode_errors(video.path) == ""
