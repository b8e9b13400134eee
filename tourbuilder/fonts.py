"""Fonts for the pictures the app draws itself (the demo's photos), found at run time.

Pillow's built-in font has no 'ñ', 'í', Greek or Arabic: it draws each as an empty box
(the font's ``.notdef`` glyph). So pictures are drawn with a system font that has every
letter of the interface languages: Noto Sans (Latin, Greek) and Noto Sans Arabic from
Debian's ``fonts-noto-core``, found with fontconfig's ``fc-match`` or at their usual
paths, each checked glyph by glyph (:func:`missing`). Without them, the built-in font is
used with a warning naming the package, and ``tourbuilder check`` reports it.

Arabic letters join and run right to left, which only Pillow's libraqm layout does; without
libraqm, Arabic is not drawn at all rather than drawn as broken, unjoined letters.
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from PIL import features
from PIL import ImageFont

log = logging.getLogger(__name__)

PACKAGE = "fonts-noto-core"
# Letters of Spanish, Portuguese, Catalan, French and Greek that a font must have.
LATIN_GREEK = "ñÑáéíóúüçãõâêôàèìòùïœÀÉÍÓÚÇÃÕŀ·ΑΒΓΔΕΖΗΘαβγδεζηθλμξπσςωάέήίόύώ"
ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
NOT_A_CHARACTER = "\U000f0000"  # a private-use code point no font maps: its .notdef glyph

# (fontconfig pattern, known paths), best first.
MAIN_FONTS = (
    "Noto Sans:style=Regular",
    [
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/opentype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ],
)
ARABIC_FONTS = (
    "Noto Sans Arabic:style=Regular",
    [
        "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ],
)


def missing(font, text: str) -> list[str]:
    """The letters of ``text`` that ``font`` would draw as its ``.notdef`` box."""
    notdef = _glyph(font, NOT_A_CHARACTER)
    return [ch for ch in dict.fromkeys(text) if not ch.isspace() and _glyph(font, ch) == notdef]


def _glyph(font, char: str) -> tuple:
    mask = font.getmask(char, mode="L")
    return mask.size, bytes(mask)


def has_raqm() -> bool:
    """Whether Pillow can shape Arabic (join its letters, right to left)."""
    return bool(features.check("raqm"))


def is_arabic(text: str) -> bool:
    return any("ARABIC" in unicodedata.name(ch, "") for ch in text)


def _fc_match(pattern: str) -> str | None:
    program = shutil.which("fc-match")
    if program is None:
        return None
    try:
        out = subprocess.run(
            [program, "-f", "%{file}", pattern], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


@functools.cache
def find_font(arabic: bool = False) -> str | None:
    """The path of the first font that has every letter needed, or None."""
    pattern, paths = ARABIC_FONTS if arabic else MAIN_FONTS
    letters = ARABIC if arabic else LATIN_GREEK
    for path in [_fc_match(pattern), *paths]:
        if not path or not Path(path).is_file():
            continue
        try:
            font = ImageFont.truetype(path, 24, layout_engine=ImageFont.Layout.BASIC)
        except OSError:
            continue
        if not missing(font, letters):
            return path
    return None


@dataclass(frozen=True)
class FontReport:
    """What ``tourbuilder check`` says about fonts."""

    main: str | None
    arabic: str | None
    raqm: bool

    @property
    def problems(self) -> list[str]:
        found = []
        if self.main is None:
            found.append("no font with Latin and Greek letters ('ñ', 'í', 'λ')")
        if self.arabic is None:
            found.append("no font with Arabic letters")
        if not self.raqm:
            found.append("Pillow has no libraqm: Arabic text cannot be shaped")
        return found


def report() -> FontReport:
    return FontReport(find_font(), find_font(arabic=True), has_raqm())


def picture_font(size: int, text: str = "") -> ImageFont.ImageFont | ImageFont.FreeTypeFont | None:
    """A font of ``size`` pixels for drawing ``text`` on a picture.

    None when ``text`` is Arabic and cannot be drawn properly (no Arabic font, or no
    libraqm to shape it): leave it out rather than draw boxes or unjoined letters. Falls
    back to Pillow's built-in font, with a warning, when no system font has the letters.
    """
    if is_arabic(text):
        path = find_font(arabic=True)
        if path is None or not has_raqm():
            _warn_once(f"Arabic text is not drawn on pictures: {report().problems}")
            return None
        return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.RAQM)
    path = find_font()
    if path is not None:
        return ImageFont.truetype(path, size)
    _warn_once(
        f"no font with every letter of the interface languages; pictures use Pillow's "
        f"built-in font, which draws 'ñ', 'í' and Greek as boxes: install {PACKAGE}"
    )
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow built without FreeType
        return ImageFont.load_default()


@functools.cache
def _warn_once(message: str) -> None:
    log.warning(message)
