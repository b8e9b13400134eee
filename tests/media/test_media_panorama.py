"""Panoramas: the viewer image, thumbnails and the initial view from GPano XMP."""

import pytest
from PIL import Image

from tourbuilder.media import detect
from tourbuilder.media import ingest
from tourbuilder.media import MediaSettings
from tourbuilder.media.panorama import initial_view

XMP = """<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF
 xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description
 xmlns:GPano="http://ns.google.com/photos/1.0/panorama/"
 GPano:ProjectionType="equirectangular" GPano:PoseHeadingDegrees="30"
 GPano:InitialViewHeadingDegrees="90" GPano:InitialViewPitchDegrees="-10"
 GPano:FullPanoWidthPixels="2400" GPano:FullPanoHeightPixels="1200"
 GPano:CroppedAreaImageWidthPixels="2400" GPano:CroppedAreaImageHeightPixels="600"
 GPano:CroppedAreaTopPixels="300"><GPano:InitialHorizontalFOVDegrees>90
</GPano:InitialHorizontalFOVDegrees></rdf:Description></rdf:RDF></x:xmpmeta>"""


def test_sun_fixture(fixtures_dir, tmp_path):
    result = ingest(fixtures_dir / "sun.jpg", tmp_path)
    assert result.kind == "panorama"
    viewer = result.derivatives[0]
    assert viewer.role == "panorama" and (viewer.width, viewer.height) == (4000, 2000)
    assert result.panorama.pose_heading == 9.0
    assert result.panorama.heading == 0.0 and result.panorama.fov == 75.0
    assert max(d.width for d in result.derivatives if d.role == "photo") == 2048
    small = ingest(fixtures_dir / "sun.jpg", tmp_path / "s", MediaSettings(panorama_max_width=2048))
    viewer = small.derivatives[0]
    # decoded at 1/2 scale: within MediaSettings.jpeg_draft_slack of the width asked
    assert 2048 * 0.975 <= viewer.width <= 2048 and viewer.width == 2 * viewer.height


def test_generated_panorama_view_and_no_xmp_in_output(tmp_path):
    src = tmp_path / "pano.jpg"
    Image.linear_gradient("L").resize((2400, 600)).convert("RGB").save(src, xmp=XMP.encode())
    result = ingest(src, tmp_path / "out")
    assert result.kind == "panorama"
    view = result.panorama
    assert (view.heading, view.pitch, view.fov, view.pose_heading) == (60.0, -10.0, 90.0, 30.0)
    assert (view.horizontal_coverage, view.vertical_coverage, view.vertical_offset) == (
        360.0, 90.0, 0.0)  # fmt: skip
    for d in result.derivatives:
        assert b"GPano" not in open(d.path, "rb").read()


def test_two_to_one_photo_without_gpano_is_flagged_not_promoted(tmp_path):
    src = tmp_path / "wide.jpg"
    Image.new("RGB", (2000, 1000), "teal").save(src)
    found = detect(src)
    assert (found.kind, found.looks_like_panorama) == ("photo", True)
    assert ingest(src, tmp_path / "out").as_dict()["looks_like_panorama"] is True
    Image.new("RGB", (2000, 1200), "teal").save(src)
    assert detect(src).looks_like_panorama is False


@pytest.mark.parametrize(
    ("props", "heading"),
    [({}, 0.0), ({"InitialViewHeadingDegrees": "350", "PoseHeadingDegrees": "10"}, -20.0),
     ({"InitialViewHeadingDegrees": "junk"}, 0.0)],
)  # fmt: skip
def test_initial_view_defaults(props, heading):
    assert initial_view(props).heading == heading
