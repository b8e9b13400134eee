"""QR codes for tours and stops, as SVG and PNG (segno: pure Python, maintained).

Medium error correction (a printed code still scans with a scuff or a fold) and the
standard quiet zone of four modules around it. No Flask import: the payload is a URL the
view builds with :func:`tourbuilder.links.absolute_url`.
"""

from __future__ import annotations

import hashlib
import io

import segno

ERROR_LEVEL = "m"
QUIET_ZONE = 4
DARK = "#1d2327"
#: Pixels per module of a PNG: 8 gives about 300-400 px for a tour's URL.
PNG_SCALE = 8
SCALE_RANGE = range(1, 41)


def make(payload: str) -> segno.QRCode:
    return segno.make_qr(payload, error=ERROR_LEVEL, boost_error=False)


def svg(payload: str) -> bytes:
    """An SVG that scales to any size (``viewBox``; one path)."""
    out = io.BytesIO()
    make(payload).save(
        out, kind="svg", scale=1, border=QUIET_ZONE, dark=DARK, light="#fff", xmldecl=False,
        omitsize=True, svgclass="qr", lineclass=None,
    )  # fmt: skip
    return out.getvalue()


def png(payload: str, scale: int = PNG_SCALE) -> bytes:
    """A PNG with ``scale`` pixels per module (1 to 40)."""
    if scale not in SCALE_RANGE:
        raise ValueError(f"scale must be from 1 to {SCALE_RANGE[-1]}")
    out = io.BytesIO()
    make(payload).save(out, kind="png", scale=scale, border=QUIET_ZONE, dark=DARK, light="#fff")
    return out.getvalue()


def etag(payload: str, kind: str, scale: int = 0) -> str:
    """A validator that changes when the picture would (payload, format, size, settings)."""
    key = f"{payload}\n{kind}\n{scale}\n{ERROR_LEVEL}\n{QUIET_ZONE}\n{DARK}\n{segno.__version__}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]
