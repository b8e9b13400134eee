"""Sound recordings come out as AAC in M4A with their duration and no metadata."""

import subprocess

import pytest

from tourbuilder.media import ingest

from .helpers import ffprobe

CODECS = {
    "mp3": ["-c:a", "libmp3lame", "-f", "mp3"],
    "ogg": ["-c:a", "libvorbis", "-f", "ogg"],
    "opus": ["-c:a", "libopus", "-f", "ogg"],
    "wav": ["-c:a", "pcm_s16le", "-f", "wav"],
    "m4a": ["-c:a", "aac", "-f", "ipod"],
    "aac": ["-c:a", "aac", "-f", "adts"],
}


@pytest.mark.parametrize("fmt", sorted(CODECS))
def test_audio_becomes_aac_m4a(tmp_path, fmt):
    src = tmp_path / f"rec.{fmt}"
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi",
         "-i", "sine=frequency=300:duration=3", "-metadata", "title=PLANTED-TITLE",
         *CODECS[fmt], str(src)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    result = ingest(src, tmp_path / "out")
    assert result.kind == "audio"
    assert result.duration == pytest.approx(3, abs=0.15)
    (derivative,) = result.derivatives
    info = ffprobe(derivative.path)
    (stream,) = info["streams"]
    assert stream["codec_name"] == "aac"
    assert float(info["format"]["duration"]) == pytest.approx(3, abs=0.15)
    assert derivative.remuxed == (fmt == "m4a")
    assert "title" not in info["format"].get("tags", {})
    assert b"PLANTED" not in open(derivative.path, "rb").read()
