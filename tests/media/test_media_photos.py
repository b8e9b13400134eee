"""Photo derivatives: sizes, colour, alpha, and no metadata surviving."""

import base64
import io
import os
import random
from pathlib import Path

import pytest
from PIL import Image
from PIL import ImageCms

from tourbuilder.media import ingest
from tourbuilder.media import MediaSettings
from tourbuilder.media.photos import plan_sizes
from tourbuilder.media.photos import process_photo

SECRETS = [b"PLANTED-XMP-SECRET", b"PLANTED-COMMENT-SECRET", b"PLANTED-MAKE", b"PLANTED-DESC"]


def noisy(size=(900, 600), mode="RGB") -> Image.Image:
    """A photo-like image: a gradient plus noise (compresses like a real photo)."""
    rnd = random.Random(1)
    im = Image.linear_gradient("L").resize(size).convert(mode)
    noise = Image.frombytes("L", size, rnd.randbytes(size[0] * size[1])).convert(mode)
    return Image.blend(im, noise, 0.3)


def planted_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PLANTED-MAKE"
    exif[0x010E] = "PLANTED-DESC"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)})
    return exif


def planted_file(tmp_path: Path, fmt: str) -> Path:
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">PLANTED-XMP-SECRET</x:xmpmeta>'
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    path = tmp_path / f"planted.{fmt.lower()}"
    im = noisy()
    if fmt == "JPEG":
        im.save(
            path,
            "JPEG",
            exif=planted_exif(),
            xmp=xmp,
            comment=b"PLANTED-COMMENT-SECRET",
            icc_profile=icc,
        )
    elif fmt == "PNG":
        from PIL import PngImagePlugin

        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "PLANTED-COMMENT-SECRET")
        info.add_itxt("XML:com.adobe.xmp", xmp.decode())
        im.save(path, "PNG", exif=planted_exif(), pnginfo=info, icc_profile=icc)
    else:
        im.save(path, "WEBP", exif=planted_exif(), xmp=xmp, icc_profile=icc)
    return path


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_planted_metadata_never_reaches_derivatives(tmp_path, fmt):
    src = planted_file(tmp_path, fmt)
    result = ingest(src, tmp_path / "out")
    assert result.metadata.lat == pytest.approx(48 + 51 / 60 + 29 / 3600)
    assert result.derivatives
    for d in result.derivatives:
        raw = Path(d.path).read_bytes()
        for secret in SECRETS:
            assert secret not in raw, (d.path, secret)
        for marker in (b"Exif\x00\x00", b"ICC_PROFILE", b"ns.adobe.com/xap", b"adobe:ns:meta"):
            assert marker not in raw, (d.path, marker)
        with Image.open(d.path) as im:
            assert not im.getexif()
            assert not {"exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp"} & set(im.info)


def test_sizes_are_never_upscaled_and_come_in_both_formats(tmp_path):
    src = tmp_path / "p.jpg"
    noisy((1500, 1000)).save(src, quality=90)
    result = process_photo(src, tmp_path)
    sizes = sorted({d.size for d in result.derivatives})
    assert sizes == [320, 640, 1280, 1500]
    assert {d.format for d in result.derivatives} == {"webp", "jpeg"}
    for d in result.derivatives:
        with Image.open(d.path) as im:
            assert im.size == (d.width, d.height)
            assert max(im.size) == d.size
            assert im.format == {"webp": "WEBP", "jpeg": "JPEG"}[d.format]
        assert os.path.getsize(d.path) == d.bytes
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_plan_sizes():
    assert plan_sizes(4000, (320, 640, 1280, 2048)) == [2048, 1280, 640, 320]
    assert plan_sizes(2048, (320, 640, 1280, 2048)) == [2048, 1280, 640, 320]
    assert plan_sizes(100, (320, 640)) == [100]


def test_jpeg_draft_decode_keeps_size_within_slack(tmp_path):
    src = tmp_path / "big.jpg"
    noisy((4032, 3024)).save(src, quality=85)
    result = process_photo(src, tmp_path)
    largest = max(d.width for d in result.derivatives)
    assert 2048 * 0.98 <= largest <= 2048
    exact_dir = tmp_path / "exact"
    exact_dir.mkdir()
    exact = process_photo(src, exact_dir, MediaSettings(jpeg_draft_slack=0))
    assert max(d.width for d in exact.derivatives) == 2048


def test_placeholder_is_tiny_webp(tmp_path):
    src = tmp_path / "p.png"
    Image.new("RGB", (300, 200), (200, 10, 10)).save(src)
    ph = process_photo(src, tmp_path).placeholder
    assert ph.color == "#c80a0a"
    head, data = ph.data_uri.split(",", 1)
    assert head == "data:image/webp;base64"
    with Image.open(io.BytesIO(base64.b64decode(data))) as im:
        assert max(im.size) <= 16


def test_cmyk_jpeg_comes_out_rgb(tmp_path):
    src = tmp_path / "cmyk.jpg"
    noisy().convert("CMYK").save(src)
    for d in process_photo(src, tmp_path).derivatives:
        with Image.open(d.path) as im:
            assert im.mode == "RGB"


def test_transparent_png_keeps_alpha_in_webp_and_is_flattened_in_jpeg(tmp_path):
    src = tmp_path / "logo.png"
    im = Image.new("RGBA", (400, 300), (0, 0, 255, 0))
    im.paste((255, 0, 0, 255), (100, 100, 300, 200))
    im.save(src)
    for d in process_photo(src, tmp_path).derivatives:
        with Image.open(d.path) as out:
            if d.format == "webp":
                assert out.mode == "RGBA"
                assert out.getpixel((0, 0))[3] == 0
            else:
                assert out.mode == "RGB"
                assert out.getpixel((0, 0)) == pytest.approx((255, 255, 255), abs=3)


def test_palette_png_with_transparency(tmp_path):
    src = tmp_path / "pal.png"
    im = noisy().convert("P")
    im.save(src, transparency=im.getpixel((0, 0)))
    webp = [d for d in process_photo(src, tmp_path).derivatives if d.format == "webp"][0]
    with Image.open(webp.path) as out:
        assert out.mode == "RGBA"


def test_16_bit_png_is_scaled_not_clipped(tmp_path):
    src16 = tmp_path / "grey16.png"
    grey = Image.linear_gradient("L").resize((300, 300)).convert("I").point(lambda v: v * 256)
    grey.convert("I;16").save(src16)
    with Image.open(src16) as check:
        assert check.mode.startswith("I")
    out_dir = tmp_path / "grey"
    out_dir.mkdir()
    with Image.open(process_photo(src16, out_dir).derivatives[0].path) as out:
        low, high = out.convert("L").getextrema()
        assert low < 30 and high > 200  # a gradient, not clipped to white


def test_non_srgb_icc_profile_is_converted(tmp_path):
    src = tmp_path / "lab.jpg"
    # A grey image tagged with a profile that is not sRGB must still come out sane.
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB", 5000)).tobytes()
    noisy().save(src, icc_profile=icc)
    d = process_photo(src, tmp_path).derivatives[0]
    with Image.open(d.path) as out:
        assert out.mode == "RGB" and "icc_profile" not in out.info
