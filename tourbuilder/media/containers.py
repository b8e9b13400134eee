"""Is the whole file there? Containers that say how long they are, checked against the file.

ffmpeg would happily convert the part of a cut-off upload that arrived; we refuse it
instead, so nobody publishes half a video without noticing.
"""

from pathlib import Path

from .errors import MediaError

#: ISO base media files (boxes): MP4/MOV family, HEIF and AVIF pictures.
BOXES = {"HEIF", "AVIF", "mp4", "mov", "m4v", "3gp", "m4a"}
#: MPEG transport streams: packet size by format (AVCHD's 192 = a time stamp + 188).
PACKETS = {"mts": 188, "m2ts": 192}

CUT_SHORT = "This file is damaged or incomplete (perhaps the upload was cut short)."


def check_complete(path: Path, fmt: str | None) -> None:
    """Refuse ``path`` when its own structure says bytes are missing at the end.

    :raise MediaError: a box or RIFF chunk runs past the end of the file, or a transport
        stream ends inside a packet.
    """
    if fmt in BOXES:
        _walk(path, _box_length)
    elif fmt == "avi":
        _walk(path, _riff_length)
    elif fmt in PACKETS and Path(path).stat().st_size % PACKETS[fmt]:
        raise MediaError(CUT_SHORT)


def _walk(path: Path, length_of) -> None:
    """Step over the top-level structures; ``length_of(header)`` gives each one's length
    (header included), or None for "to the end of the file"."""
    size = Path(path).stat().st_size
    offset = 0
    with open(path, "rb") as fp:
        while offset < size:
            fp.seek(offset)
            header = fp.read(16)
            if len(header) < 8:
                break
            length = length_of(header)
            if length is None:
                break
            if length < 8 or offset + length > size:
                raise MediaError(CUT_SHORT)
            offset += length


def _box_length(header: bytes) -> int | None:
    """An ISO BMFF box: 32-bit big-endian size, 1 = a 64-bit size follows, 0 = to the end."""
    length = int.from_bytes(header[:4], "big")
    if length == 1 and len(header) == 16:
        return int.from_bytes(header[8:16], "big")
    return None if length == 0 else length


def _riff_length(header: bytes) -> int:
    """A RIFF chunk (an AVI over 1 GB has several): 4-byte id, 32-bit little-endian size
    without the 8-byte header, padded to an even length."""
    length = int.from_bytes(header[4:8], "little")
    return 8 + length + (length & 1)
