"""AVIF pictures (phones, cameras' and editors' exports), read by Pillow's own AVIF plugin:
made from a real camera photo with its EXIF and a GPS position, recognised by content,
turned upright into metadata-free photo sizes; then files that only pretend to be AVIF."""

import io
import random
import struct
from pathlib import Path

import pytest
from PIL import ExifTags
from PIL import Image
from PIL import ImageChops

from tourbuilder.media import detect
from tourbuilder.media import ingest
from tourbuilder.media import MediaError

# The camera photo: 2048 x 1536 as stored, EXIF orientation 6 (shown 1536 x 2048).
CAMERA = "canon_hdr_NO.jpg"
# Where IMG_5910.jpg was taken (Berkeley): its GPS position is added to the photo's EXIF.
LAT, LON = 37.8710933, -122.25678


def avif_from_camera(fixtures_dir: Path, path: Path) -> Path:
    """The camera photo saved as AVIF, keeping its EXIF (orientation becomes irot/imir)
    and carrying IMG_5910.jpg's GPS position."""
    with Image.open(fixtures_dir / "IMG_5910.jpg") as located:
        gps = dict(located.getexif().get_ifd(ExifTags.IFD.GPSInfo))
    with Image.open(fixtures_dir / CAMERA) as im:
        exif = im.getexif()
        exif.get_ifd(ExifTags.IFD.GPSInfo).update(gps)
        im.save(path, "AVIF", exif=exif, quality=60, speed=8)
    return path


@pytest.fixture(scope="module")
def camera_avif(fixtures_dir, tmp_path_factory) -> Path:
    return avif_from_camera(fixtures_dir, tmp_path_factory.mktemp("avif") / "upload")


def _looks(path) -> Image.Image:
    with Image.open(path) as im:
        return im.convert("L").resize((32, 32))


def test_avif_photo_becomes_upright_photo_sizes(camera_avif, fixtures_dir, tmp_path):
    found = detect(camera_avif)
    assert (found.kind, found.format, found.mime) == ("photo", "AVIF", "image/avif")
    result = ingest(camera_avif, tmp_path / "out", detected=found)
    assert (result.kind, result.width, result.height) == ("photo", 1536, 2048)
    assert result.metadata.lat == pytest.approx(LAT, abs=1e-5)
    assert result.metadata.lon == pytest.approx(LON, abs=1e-5)
    assert result.metadata.camera and "Canon" in result.metadata.camera
    assert sorted({d.size for d in result.derivatives}) == [320, 640, 1280, 2048]
    assert {d.format for d in result.derivatives} == {"webp", "jpeg"}
    for d in result.derivatives:
        raw = Path(d.path).read_bytes()
        assert b"Exif\x00\x00" not in raw and b"Canon" not in raw
        with Image.open(d.path) as im:
            assert im.size == (d.width, d.height) and im.height > im.width
            assert not im.getexif() and "icc_profile" not in im.info
    # Upright the same way as the camera's own JPEG.
    reference = ingest(fixtures_dir / CAMERA, tmp_path / "jpeg")
    ours = [d for d in result.derivatives if (d.size, d.format) == (320, "webp")][0]
    theirs = [d for d in reference.derivatives if (d.size, d.format) == (320, "webp")][0]
    difference = ImageChops.difference(_looks(ours.path), _looks(theirs.path))
    assert difference.getextrema()[1] < 40


@pytest.mark.parametrize(
    ("fixture", "fmt", "size"),
    [("heic-iphone7.heic", "HEIF", (4032, 3024)), ("hopper.png", "PNG", (128, 128))],
    ids=["heic-named-avif", "png-named-avif"],
)
def test_other_picture_named_avif_is_read_as_what_it_is(fixtures_dir, tmp_path, fixture, fmt, size):
    src = tmp_path / "photo.avif"
    src.write_bytes((fixtures_dir / fixture).read_bytes())
    result = ingest(src, tmp_path / "out")
    assert (result.kind, result.format, (result.width, result.height)) == ("photo", fmt, size)


def _rebranded(data: bytes, major: bytes, compatible: list[bytes]) -> bytes:
    """An ISO BMFF file with other brands in its ftyp box (of the same size, so the offsets
    of everything after it still hold)."""
    size = int.from_bytes(data[:4], "big")
    box = b"ftyp" + major + bytes(4) + b"".join(compatible)
    assert len(box) + 4 == size
    return struct.pack(">I", size) + box + data[size:]


def test_heic_dressed_as_avif_is_refused(fixtures_dir, tmp_path):
    # The brands say AVIF, the pictures inside are HEVC: one decoder is tried, and refuses.
    heic = (fixtures_dir / "heic-iphone7.heic").read_bytes()
    src = tmp_path / "upload"
    src.write_bytes(_rebranded(heic, b"avif", [b"mif1", b"avif", b"miaf", b"MA1B"]))
    with pytest.raises(MediaError, match="damaged") as info:
        ingest(src, tmp_path / "out")
    assert info.value.permanent


def test_avif_with_generic_brand_is_recognised(camera_avif, tmp_path):
    # Some encoders write the generic image brand first and "avif" among the compatible ones.
    src = tmp_path / "upload"
    src.write_bytes(
        _rebranded(camera_avif.read_bytes(), b"mif1", [b"mif1", b"avif", b"miaf", b"MA1B"])
    )
    assert detect(src).format == "AVIF"


@pytest.mark.parametrize("cut", [0.2, 0.5, 0.9])
def test_avif_cut_short_is_refused(camera_avif, tmp_path, cut):
    data = camera_avif.read_bytes()
    src = tmp_path / "upload"
    src.write_bytes(data[: int(len(data) * cut)])
    with pytest.raises(MediaError, match="cut short") as info:
        ingest(src, tmp_path / "out")
    assert info.value.permanent


def test_avif_claiming_too_many_pixels_is_refused_before_decoding(tmp_path):
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), "teal").save(buf, "AVIF")
    data = bytearray(buf.getvalue())
    # The image's spatial extents (ispe) box now claims 12000 x 12000 pixels.
    struct.pack_into(">II", data, data.index(b"ispe") + 8, 12000, 12000)
    src = tmp_path / "upload"
    src.write_bytes(bytes(data))
    with pytest.raises(MediaError, match="12000 x 12000 pixels"):
        ingest(src, tmp_path / "out")


def test_avif_with_scrambled_pictures_is_refused_for_good(camera_avif, tmp_path):
    data = camera_avif.read_bytes()
    keep = len(data) * 7 // 10
    src = tmp_path / "upload"
    src.write_bytes(data[:keep] + random.Random(2).randbytes(len(data) - keep))
    with pytest.raises(MediaError, match="damaged") as info:
        ingest(src, tmp_path / "out")
    assert info.value.permanent


def test_pillow_without_avif_is_a_fault_of_the_server(camera_avif, monkeypatch):
    # A Pillow built without libavif: retrying after the server is mended will help.
    monkeypatch.setattr("PIL.features.check", lambda feature: feature != "avif")
    with pytest.raises(MediaError, match="right now") as info:
        detect(camera_avif)
    assert not info.value.permanent
