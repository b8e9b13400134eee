"""Coordinates people type, read into a latitude and longitude."""

import pytest

from tourbuilder.coordinates import CoordinateError
from tourbuilder.coordinates import format_position
from tourbuilder.coordinates import parse_position

SEVILLE = (37.3891667, -5.9844444)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("37.3891, -5.9845", (37.3891, -5.9845)),
        ("37.3891 -5.9845", (37.3891, -5.9845)),
        ("  37.3891,-5.9845  ", (37.3891, -5.9845)),
        ("37,3891; -5,9845", (37.3891, -5.9845)),  # decimal commas, as typed in Spain
        ("37°23'21\"N 5°59'4\"W", SEVILLE),
        ("37°23′21″N, 5°59′4″W", SEVILLE),  # the typographic prime marks a phone offers
        ("5°59'4\"W 37°23'21\"N", SEVILLE),  # longitude first, said by its letter
        ("N 37 23 21 W 5 59 4", SEVILLE),
        ("37 23 21 S, 5 59 4 E", (-37.3891667, 5.9844444)),
        ("31.9539, 35.9106", (31.9539, 35.9106)),  # Amman
        ("-90, 180", (-90.0, 180.0)),
    ],
)
def test_typed_pairs_are_read(typed, expected):
    assert parse_position(typed) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Type a latitude and a longitude"),
        ("Sevilla", "Type a latitude and a longitude"),
        ("37.38", "Type a latitude and a longitude"),
        ("1 2 3", "Type a latitude and a longitude"),
        ("91, 0", "latitude must be between -90 and 90"),
        ("0, 181", "not a coordinate"),
        ("nan, 3", "not a coordinate"),
        ("37.1, <script>", "not a coordinate"),
        ("9" * 200, "Too long"),
    ],
)
def test_what_is_no_pair_is_refused_saying_why(typed, says):
    with pytest.raises(CoordinateError) as caught:
        parse_position(typed)
    assert says in caught.value.message
    assert caught.value.field == "position"


def test_a_pair_reads_back_in_decimal_degrees():
    assert format_position(*SEVILLE) == "37.389167, -5.984444"
    assert format_position(40.0, -3.5) == "40, -3.5"
