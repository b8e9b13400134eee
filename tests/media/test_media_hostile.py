"""Files built to attack or confuse the pipeline: every one is refused or defused."""

import io
import os
import random
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import Image

from tourbuilder.media import detect
from tourbuilder.media import ingest
from tourbuilder.media import MediaError
from tourbuilder.media import MediaSettings
from tourbuilder.media.ffmpeg_run import probe

from .helpers import ffprobe
from .helpers import make_video

CANARY = "CANARY-7f3a"


@pytest.fixture
def canary(tmp_path) -> Path:
    """A real video whose title, if it ever reaches an output, gives the game away."""
    return make_video(
        tmp_path / "canary.mp4", "-metadata", f"title={CANARY}", "-metadata",
        f"comment={CANARY}", duration=1, size="160x120",
    )  # fmt: skip


def _refused(src: Path, out: Path, match: str) -> MediaError:
    with pytest.raises(MediaError, match=match) as info:
        ingest(src, out)
    assert info.value.permanent
    for path in out.rglob("*"):
        assert CANARY.encode() not in path.read_bytes()
    assert not list(out.iterdir())
    return info.value


def test_hls_playlist_named_mp4_is_never_opened(tmp_path, canary):
    src = tmp_path / "holiday.mp4"
    src.write_text(
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n"
        f"#EXTINF:1.0,\n{canary}\n#EXTINF:1.0,\nfile:{canary}\n"
        "#EXTINF:1.0,\nhttp://127.0.0.1:9/x\n#EXT-X-ENDLIST\n"
    )
    _refused(src, tmp_path / "out", "HLS streaming playlist")
    # Even asked directly as MP4, the forced demuxer cannot follow the playlist.
    with pytest.raises(MediaError):
        probe(src, "mov", ffprobe="/usr/bin/ffprobe", timeout_s=30)


def test_hls_playlist_behind_an_mp4_header_is_not_followed(tmp_path, canary):
    # A real ftyp box followed by a playlist: it sniffs as MP4, the mov demuxer refuses it.
    src = tmp_path / "sneaky.mp4"
    ftyp = struct.pack(">I4s4sI4s4s", 24, b"ftyp", b"isom", 512, b"isom", b"mp41")
    src.write_bytes(ftyp + f"#EXTM3U\n#EXTINF:1.0,\n{canary}\n#EXT-X-ENDLIST\n".encode())
    _refused(src, tmp_path / "out", "damaged or incomplete")


def test_ffconcat_script_named_mp4_is_never_opened(tmp_path, canary):
    src = tmp_path / "clip.mp4"
    src.write_text(f"ffconcat version 1.0\nfile '{canary}'\nfile 'canary.mp4'\n")
    _refused(src, tmp_path / "out", "ffmpeg concat script")


def test_name_that_looks_like_a_protocol_is_read_as_a_file(tmp_path, monkeypatch):
    # If the name reached ffmpeg bare it would mean "concatenate a.mp4 and b.mp4".
    make_video(tmp_path / "a.mp4", "-metadata", f"title={CANARY}", duration=3, size="160x120")
    shutil.copy(tmp_path / "a.mp4", tmp_path / "b.mp4")
    real = make_video(tmp_path / "real.mp4", duration=1, size="320x240")
    shutil.copy(real, tmp_path / "concat:a.mp4|b.mp4")
    monkeypatch.chdir(tmp_path)
    result = ingest(Path("concat:a.mp4|b.mp4"), tmp_path / "out")
    assert result.duration == pytest.approx(1, abs=0.15)
    assert (result.width, result.height) == (320, 240)
    for d in result.derivatives:
        assert float(ffprobe(d.path)["format"]["duration"]) == pytest.approx(1, abs=0.15)
        assert CANARY.encode() not in Path(d.path).read_bytes()


def test_dash_name_is_not_an_option(tmp_path):
    src = make_video(tmp_path / "v.mp4", duration=1, size="160x120")
    os.rename(src, tmp_path / "-y.mp4")
    assert ingest(tmp_path / "-y.mp4", tmp_path / "out").duration == pytest.approx(1, abs=0.15)


def _bomb_png(path: Path, side: int) -> Path:
    """A ``side`` x ``side`` 1-bit all-black PNG, written row by row (tiny on disk)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\0" * (1 + (side + 7) // 8)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data)
                     + chunk(b"IEND", b""))  # fmt: skip
    return path


def test_decompression_bomb_is_refused_from_its_header(tmp_path):
    src = _bomb_png(tmp_path / "bomb.png", 30000)
    assert src.stat().st_size < 200_000
    _refused(src, tmp_path / "out", "900 megapixels; the largest accepted is 100 megapixels")
    smaller = _bomb_png(tmp_path / "smaller.png", 12000)
    _refused(smaller, tmp_path / "out", "12000 x 12000 pixels")


def test_pillow_bomb_guard_also_becomes_a_media_error(tmp_path):
    # Our own limit lifted: Pillow's DecompressionBombError must still surface cleanly.
    src = _bomb_png(tmp_path / "bomb.png", 30000)
    with pytest.raises(MediaError, match="too many pixels"):
        ingest(src, tmp_path / "out", MediaSettings(max_pixels=10**10))


def test_jpeg_zip_polyglot_is_defused(tmp_path):
    buf = io.BytesIO()
    Image.new("RGB", (200, 100), "navy").save(buf, "JPEG")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("payload.html", "<script>POLYGLOT-PAYLOAD</script>")
    src = tmp_path / "innocent.jpg"
    src.write_bytes(buf.getvalue() + archive.getvalue())
    result = ingest(src, tmp_path / "out")
    assert result.kind == "photo"
    for d in result.derivatives:
        raw = Path(d.path).read_bytes()
        assert b"POLYGLOT-PAYLOAD" not in raw and b"PK\x03\x04" not in raw
        assert not zipfile.is_zipfile(d.path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>x</script>'
            b"</svg>",
            "SVG drawing; accepted photos are JPEG, PNG, WebP, HEIC/HEIF, AVIF and GIF",
        ),
        (b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>", "web page"),
        (b"just some words\n", "plain text"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
        (b"PK\x03\x04" + bytes(60), "ZIP archive"),
        (b"", "empty"),
        (random.Random(7).randbytes(5000), "not a photo, video or sound recording"),
    ],
    ids=["svg", "html", "text", "pdf", "zip", "empty", "random"],
)
def test_not_media_named_jpg_is_refused(tmp_path, content, message):
    src = tmp_path / "photo.jpg"
    src.write_bytes(content)
    _refused(src, tmp_path / "out", message)


def test_truncated_jpeg_is_refused(tmp_path):
    buf = io.BytesIO()
    Image.effect_noise((800, 600), 60).convert("RGB").save(buf, "JPEG")
    src = tmp_path / "cut.jpg"
    src.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    assert detect(src).kind == "photo"  # the header alone is fine
    _refused(src, tmp_path / "out", "damaged or incomplete")


@pytest.mark.parametrize("faststart", [False, True], ids=["moov-last", "moov-first"])
def test_truncated_mp4_is_refused(tmp_path, faststart):
    flags = ["-movflags", "+faststart"] if faststart else []
    full = make_video(tmp_path / "full.mp4", *flags, duration=2, size="320x240")
    src = tmp_path / "cut.mp4"
    src.write_bytes(full.read_bytes()[: full.stat().st_size * 6 // 10])
    _refused(src, tmp_path / "out", "damaged or incomplete")


def test_missing_file_is_a_transient_media_error(tmp_path):
    with pytest.raises(MediaError) as info:
        ingest(tmp_path / "gone.jpg", tmp_path / "out")
    assert not info.value.permanent
