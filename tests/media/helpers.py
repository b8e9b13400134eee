"""Helpers for the media pipeline tests: where the shared real media are, and small makers."""

import csv
import json
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO.parent / "shared" / "fixtures"
MISSING = f"real test media not found in {FIXTURES} (they live outside the repo)"


def manifest_rows() -> list[dict]:
    """Rows of fixtures/manifest.csv, or [] when the shared fixtures are absent."""
    manifest = FIXTURES / "manifest.csv"
    if not manifest.exists():
        return []
    with open(manifest, newline="") as fp:
        return list(csv.DictReader(fp))


def rows_param(kinds: tuple[str, ...] | None = None) -> list:
    """Manifest rows as pytest params (ids = file names), or one skipped param."""
    rows = [r for r in manifest_rows() if kinds is None or r["kind"] in kinds]
    if not rows:
        return [pytest.param(None, marks=pytest.mark.skip(reason=MISSING))]
    return [pytest.param(r, id=r["file"]) for r in rows]


def ffprobe(path: Path) -> dict:
    """ffprobe JSON (format + streams) of an output file."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-of", "json", "-show_format", "-show_streams", str(path)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return json.loads(out.stdout)


def make_video(
    path: Path,
    *args: str,
    duration: float = 2,
    size: str = "640x360",
    rate: int = 25,
    audio: bool = True,
    codec: list[str] | None = None,
    audio_codec: list[str] | None = None,
) -> Path:
    """Generate a small test video with lavfi (testsrc + sine); the container comes from
    the name or from ``-f`` in ``args``."""
    cmd = [
        "ffmpeg",
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        f"testsrc=duration={duration}:size={size}:rate={rate}",
    ]
    if audio:
        cmd += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={duration}"]
    cmd += codec or ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    if audio:
        cmd += audio_codec or ["-c:a", "aac", "-b:a", "64k"]
    cmd += [*args, str(path)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    return path
