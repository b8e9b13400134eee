"""The demo's pictures name their places with every letter: no 'ñ' or 'í' drawn as the
font's empty box, Arabic shaped or left out, and a clear word when fonts are missing."""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path

import pytest
from PIL import Image
from PIL import ImageChops
from PIL import ImageDraw
from PIL import ImageFont

from tourbuilder import fonts
from tourbuilder.services.demo import draw_photo
from tourbuilder.services.demo import STOPS

DOC_PICTURE = Path(__file__).resolve().parents[1] / "docs/screenshots/demo-photo-es-800.png"
needs_fonts = pytest.mark.skipif(
    fonts.find_font() is None, reason=f"install {fonts.PACKAGE} (make setup does)"
)


def render(font, text: str) -> Image.Image:
    img = Image.new("L", (1400, 120), 0)
    ImageDraw.Draw(img).text((10, 10), text, fill=255, font=font)
    return img


def test_the_check_catches_pillows_built_in_font():
    """The check below can fail: Pillow's own font draws 'ñ' and Greek as boxes."""
    builtin = ImageFont.load_default(size=72)
    assert "ñ" in fonts.missing(builtin, "Plaza de España")
    assert fonts.missing(builtin, "Plaza de Espa") == []


@needs_fonts
def test_every_place_name_of_the_demo_has_all_its_letters():
    for spec in STOPS:
        for name in spec["name"].values():
            font = fonts.picture_font(72, name)
            assert fonts.missing(font, name) == [], name
    assert fonts.missing(fonts.picture_font(72), fonts.LATIN_GREEK) == []


@needs_fonts
def test_the_demo_picture_draws_n_tilde_not_a_box():
    """Pixels: the picture of 'Plaza de España' differs from one drawn with the font's
    .notdef box in place of the 'ñ', and the 'ñ' itself is not that box."""
    font = fonts.picture_font(72, "Plaza de España")
    notdef = fonts.NOT_A_CHARACTER
    assert ImageChops.difference(render(font, "ñ"), render(font, notdef)).getbbox()
    title = render(font, "Plaza de España")
    boxed = render(font, "Plaza de Espa" + notdef + "a")
    assert ImageChops.difference(title, boxed).getbbox() is not None

    photo = Image.open(io.BytesIO(draw_photo("Plaza de España", (176, 90, 60), 4)))
    if os.environ.get("TB_DOC_SHOTS") == "1":  # refresh the picture in the README
        photo.resize((800, 533), Image.LANCZOS).save(DOC_PICTURE, optimize=True)
    band = photo.convert("L").crop((0, photo.height - 150, photo.width, photo.height))
    expected = Image.new("L", band.size, 0)
    ImageDraw.Draw(expected).text((48, 30), "Plaza de España", fill=255, font=font)
    # the JPEG's band matches the title drawn with the chosen font, letter for letter
    diff = ImageChops.difference(band, expected)
    assert sum(diff.histogram()[64:]) < 0.01 * band.width * band.height


@needs_fonts
def test_arabic_is_shaped_with_raqm_or_left_out(caplog):
    text = "الاقتصاد التضامني"
    font = fonts.picture_font(48, text)
    if not fonts.has_raqm() or fonts.find_font(arabic=True) is None:
        assert font is None
        return
    assert fonts.missing(font, text) == []
    # shaped: the joined word is narrower than its letters drawn one by one
    joined = font.getlength(text)
    apart = sum(font.getlength(ch) for ch in text)
    assert joined < apart


def test_without_fonts_the_built_in_one_is_used_with_a_warning(monkeypatch, caplog):
    fonts.find_font.cache_clear()
    fonts._warn_once.cache_clear()
    monkeypatch.setattr(fonts, "MAIN_FONTS", ("No Such Font Family", []))
    monkeypatch.setattr(fonts, "_fc_match", lambda pattern: None)
    try:
        with caplog.at_level(logging.WARNING, logger="tourbuilder.fonts"):
            font = fonts.picture_font(40, "Plaza de España")
        assert font is not None
        assert fonts.PACKAGE in caplog.text
        assert "no font with Latin and Greek letters" in " ".join(fonts.report().problems)
    finally:
        fonts.find_font.cache_clear()
        fonts._warn_once.cache_clear()


def test_tourbuilder_check_reports_fonts(app, runner):
    result = runner.invoke(args=["check"])
    assert "fonts for pictures" in result.output
    if not fonts.report().problems:
        assert "[ok  ] fonts for pictures" in result.output
