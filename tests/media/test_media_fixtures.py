"""Every real fixture in the shared manifest goes through ingest() with the right answers."""

import json

import pytest
from PIL import Image

from tourbuilder.media import detect
from tourbuilder.media import ingest
from tourbuilder.media import MediaError

from .helpers import ffprobe
from .helpers import rows_param


@pytest.mark.parametrize("row", rows_param())
def test_detected_kind(row, fixtures_dir):
    path = fixtures_dir / row["file"]
    if row["kind"] == "track":
        with pytest.raises(MediaError, match=r"GPS track|map \(KML\)") as info:
            detect(path)
        assert info.value.permanent
        return
    found = detect(path)
    assert found.kind == row["kind"]
    if row["kind"] == "panorama":
        assert row["gpano_projection"] == "equirectangular"


@pytest.mark.parametrize("row", rows_param(("photo", "panorama")))
def test_photo_fixture(row, fixtures_dir, tmp_path):
    result = ingest(fixtures_dir / row["file"], tmp_path)
    _check_gps(result, row)
    assert (result.width, result.height) == (int(row["display_width"]), int(row["display_height"]))
    assert result.metadata.orientation == (int(row["orientation"] or 1) or 1)
    assert result.sha256 == row["sha256"]
    _check_aspect(result.derivatives, row)
    assert json.loads(json.dumps(result.as_dict()))["kind"] == row["kind"]


@pytest.mark.parametrize("row", rows_param(("track",)))
def test_tracks_are_refused_by_ingest(row, fixtures_dir, tmp_path):
    with pytest.raises(MediaError) as info:
        ingest(fixtures_dir / row["file"], tmp_path)
    assert "not a photo, video or sound" in str(info.value)
    assert info.value.kind == "track"  # refused, yet named: the library says what it is
    assert not list(tmp_path.iterdir())


def _check_gps(result, row):
    if row["has_gps"] == "true":
        assert result.metadata.lat == pytest.approx(float(row["lat"]), abs=1e-5)
        assert result.metadata.lon == pytest.approx(float(row["lon"]), abs=1e-5)
    else:
        assert result.metadata.lat is None and result.metadata.lon is None


def _check_aspect(pictures, row):
    want = int(row["display_width"]) / int(row["display_height"])
    assert pictures
    for d in pictures:
        with Image.open(d.path) as im:
            assert im.size == (d.width, d.height)
        # rounding to whole pixels moves the ratio by at most ~1 px on the short edge
        assert abs(d.width / d.height - want) <= want / min(d.width, d.height) + 1e-9


@pytest.mark.parametrize("row", rows_param(("video",)))
def test_video_fixture(row, fixtures_dir, tmp_path):
    result = ingest(fixtures_dir / row["file"], tmp_path)
    _check_gps(result, row)
    assert result.duration == pytest.approx(float(row["duration_s"]), abs=0.15)
    assert (result.width, result.height) == (int(row["display_width"]), int(row["display_height"]))
    videos = [d for d in result.derivatives if d.role == "video"]
    assert videos
    for d in videos:
        info = ffprobe(d.path)
        codecs = {s["codec_type"]: s for s in info["streams"]}
        assert codecs["video"]["codec_name"] == "h264"
        assert codecs["video"]["pix_fmt"] == "yuv420p"
        assert codecs["audio"]["codec_name"] == "aac"
        assert len(info["streams"]) == 2
        assert float(info["format"]["duration"]) == pytest.approx(
            float(row["duration_s"]), abs=0.15
        )
        rotation = _rotation(codecs["video"])
        w, h = codecs["video"]["width"], codecs["video"]["height"]
        if rotation % 180:
            w, h = h, w
        assert (w, h) == (d.width, d.height)
        want = int(row["display_width"]) / int(row["display_height"])
        assert abs(w / h - want) < 0.02
    if row["codec"].startswith("vp9"):
        assert not any(d.remuxed for d in videos)
    assert result.poster
    _check_aspect(result.poster, row)


def _rotation(stream) -> int:
    for side in stream.get("side_data_list", []):
        if "rotation" in side:
            return int(side["rotation"])
    return int(stream.get("tags", {}).get("rotate", 0))
