"""Real pictures damaged the way files from outside are (cut short, scrambled, bad checksums):
refused for good with a message that says so, or accepted when every pixel is still there.

A fault in the bytes must never look like a passing fault of the machine: a transient error
is retried and leaves the item waiting for minutes for nothing.
"""

import errno
import random
import struct

import pytest
from PIL import ImageFile

from tourbuilder.media import ingest
from tourbuilder.media import MediaError


def png_chunks(data: bytes) -> dict[bytes, list[tuple[int, int]]]:
    """Offsets and lengths of each chunk type's payloads in a PNG."""
    found: dict[bytes, list[tuple[int, int]]] = {}
    offset = 8
    while offset + 8 <= len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        found.setdefault(data[offset + 4 : offset + 8], []).append((offset + 8, length))
        offset += 12 + length
    return found


def scrambled(data: bytes, at: int, count: int = 64) -> bytes:
    """``data`` with ``count`` random bytes written over it at ``at``."""
    return data[:at] + random.Random(at).randbytes(count) + data[at + count :]


def _hopper(fixtures_dir) -> bytes:
    return (fixtures_dir / "hopper.png").read_bytes()


def _cut_in_image_data(fixtures_dir) -> bytes:
    data = _hopper(fixtures_dir)
    start, length = png_chunks(data)[b"IDAT"][0]
    return data[: start + length // 2]


def _image_data_scrambled(fixtures_dir) -> bytes:
    data = _hopper(fixtures_dir)
    start, length = png_chunks(data)[b"IDAT"][0]
    return scrambled(data, start + length // 2)


def _cut_in_text_after_image(fixtures_dir) -> bytes:
    data = _hopper(fixtures_dir)
    start, length = png_chunks(data)[b"tEXt"][-1]
    return data[: start + length // 2]


def _cut_in_exif_after_image(fixtures_dir) -> bytes:
    # This phone PNG keeps its EXIF (with GPS) after the pixels: reading it reads the file
    # to its end.
    data = (fixtures_dir / "png_with_exif_and_gps.png").read_bytes()
    start, length = png_chunks(data)[b"eXIf"][0]
    return data[: start + length // 2]


def _jpeg_cut(fixtures_dir) -> bytes:
    data = (fixtures_dir / "IMG_5910.jpg").read_bytes()
    return data[: len(data) * 6 // 10]


def _webp_scrambled(fixtures_dir) -> bytes:
    data = (fixtures_dir / "flower.webp").read_bytes()
    return scrambled(data, len(data) * 6 // 10)


def _heic_cut(fixtures_dir) -> bytes:
    data = (fixtures_dir / "heic-iphone7.heic").read_bytes()
    return data[: len(data) // 2]


DAMAGED = {
    "png-cut-in-image-data": (_cut_in_image_data, ".png"),
    "png-image-data-scrambled": (_image_data_scrambled, ".png"),
    "png-cut-in-text-after-image": (_cut_in_text_after_image, ".png"),
    "png-cut-in-exif-after-image": (_cut_in_exif_after_image, ".png"),
    "jpeg-cut": (_jpeg_cut, ".jpg"),
    "webp-scrambled": (_webp_scrambled, ".webp"),
    "heic-cut": (_heic_cut, ".heic"),
}


@pytest.mark.parametrize("damage", list(DAMAGED))
def test_damaged_picture_is_refused_for_good(fixtures_dir, tmp_path, damage):
    make, suffix = DAMAGED[damage]
    src = tmp_path / f"upload{suffix}"
    src.write_bytes(make(fixtures_dir))
    out = tmp_path / "out"
    with pytest.raises(MediaError, match="damaged") as info:
        ingest(src, out)
    assert info.value.permanent, info.value.message
    assert "right now" not in info.value.message
    assert not list(out.iterdir())


def test_png_with_bad_checksums_but_whole_pixels_is_accepted(fixtures_dir, tmp_path):
    # Pillow checks the CRC of the header chunks (a bad one is refused above), not of the
    # image data and what follows it; the compressed pixels carry zlib's own Adler-32, so
    # when they decode, every pixel is there and the picture is accepted as it is.
    original = _hopper(fixtures_dir)
    data = bytearray(original)
    chunks = png_chunks(original)
    for kind in (b"IDAT", b"tEXt", b"IEND"):
        for start, length in chunks[kind]:
            data[start + length] ^= 0xFF
    src = tmp_path / "checksums.png"
    src.write_bytes(bytes(data))
    result = ingest(src, tmp_path / "out")
    assert (result.kind, result.width, result.height) == ("photo", 128, 128)
    assert result.placeholder == ingest(fixtures_dir / "hopper.png", tmp_path / "ref").placeholder


def test_a_fault_of_the_machine_stays_transient(fixtures_dir, tmp_path, monkeypatch):
    # The disk failing under a sound picture is worth retrying; only the bytes' faults are not.
    def failing_disk(self):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(ImageFile.ImageFile, "load", failing_disk)
    with pytest.raises(MediaError, match="right now") as info:
        ingest(fixtures_dir / "hopper.png", tmp_path / "out")
    assert not info.value.permanent
