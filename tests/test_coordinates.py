"""Reading positions people type: decimal, degrees-minutes-seconds, and clear refusals."""

import pytest

from tourbuilder.coordinates import CoordinateError
from tourbuilder.coordinates import format_position
from tourbuilder.coordinates import parse_position

TUNIS = (36.8065, 10.1815)


@pytest.mark.parametrize(
    "text",
    [
        "36.8065, 10.1815",
        "36.8065,10.1815",
        "36.8065; 10.1815",
        "36.8065 10.1815",
        " 36.8065 ,  10.1815 ",
        "36°48'23.4\"N 10°10'53.4\"E",
        "36°48′23.4″N 10°10′53.4″E",
        "36°48'23.4\"N, 10°10'53.4\"E",
        "36 48 23.4 N 10 10 53.4 E",
        "36d48m23.4s N 10d10m53.4s E",
        "36d 48m 23.4s N, 10d 10m 53.4s E",
        "N 36°48.39' E 10°10.89'",
        "36.8065N 10.1815E",
        "36.8065 n, 10.1815 e",
    ],
)
def test_tunis_written_many_ways(text):
    lat, lon = parse_position(text)
    assert lat == pytest.approx(TUNIS[0], abs=1e-6)
    assert lon == pytest.approx(TUNIS[1], abs=1e-6)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-33.45, -70.66", (-33.45, -70.66)),
        ("33 27 S 70 39 36 W", (-33.45, -70.66)),
        ("33°27'S 70°39'36\"W", (-33.45, -70.66)),
        ("40 25 N 3 42 O", (40.416667, -3.7)),  # "oeste"
        ("\u221233.45, \u221270.66", (-33.45, -70.66)),  # a real minus sign
        ("0, 0", (0.0, 0.0)),
        ("90, 180", (90.0, 180.0)),
    ],
)
def test_hemispheres_and_signs(text, expected):
    assert parse_position(text) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty_means_no_position(text):
    assert parse_position(text) is None


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("91, 10", "lat", "between -90 and 90"),
        ("-90.5, 10", "lat", "between -90 and 90"),
        ("36, 181", "lon", "between -180 and 180"),
        ("95°N 10°E", "lat", "between -90 and 90"),
        ("10.1815 E 36.8065 N", "lat", "N or S"),
        ("36.8 N 10.2 S", "lon", "E or W"),
        ("Tunis", None, "latitude, then the longitude"),
        ("36.8065", None, "latitude, then the longitude"),
        ("36.8, 10.2, 3", None, "latitude, then the longitude"),
        ("abc, 10", "lat", "latitude could not be read"),
        ("36, <script>", "lon", "longitude could not be read"),
        ("nan, 10", "lat", "latitude could not be read"),
        ("1" * 200, None, "too long"),
    ],
)
def test_bad_input_says_what_is_wrong(text, field, words):
    with pytest.raises(CoordinateError) as caught:
        parse_position(text)
    assert caught.value.field == field
    assert words in str(caught.value.message)


def test_written_back_as_short_decimals():
    assert format_position(36.8065, 10.181512345) == "36.8065, 10.181512"
    assert format_position(0.0000001, -12.5) == "0, -12.5"
    assert format_position(None, None) == ""
    assert parse_position(format_position(-33.45, -70.66)) == (-33.45, -70.66)
