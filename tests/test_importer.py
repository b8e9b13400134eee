"""From a folder of photos to a draft tour, and the grouping behind it."""

import shutil
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from pathlib import Path

import pytest
from sqlalchemy import select

from tourbuilder.extensions import db
from tourbuilder.models import MediaItem
from tourbuilder.models import Tour
from tourbuilder.models import TourVisibility
from tourbuilder.services.importer import distance_m
from tourbuilder.services.importer import group_by_place
from tourbuilder.services.importer import Located

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
PHOTOS = [
    "IMG_20180725_163423-tiny.jpg",  # 50.2996028, 14.8202944
    "png_with_exif_and_gps.png",  # the same place
    "IMG_5910.jpg",  # Berkeley
    "issue-exifr-59.jpg",  # Yosemite
    "Kodak_CX7530.jpg",  # Kenya, southern hemisphere
    "flower.jpg",  # no GPS
    "hopper.png",  # no GPS
]


def test_distance():
    # one degree of latitude is about 111.2 km
    assert distance_m(37.0, -6.0, 38.0, -6.0) == pytest.approx(111_195, rel=1e-3)
    assert distance_m(37.39, -5.99, 37.39, -5.99) == 0


def test_grouping_follows_time_and_distance():
    t0 = datetime(2026, 5, 1, 10, tzinfo=UTC)
    near = [
        Located(f"a{i}", 37.3900 + i * 0.0002, -5.99, t0 + timedelta(minutes=i)) for i in range(3)
    ]  # ~22 m apart
    far = Located("b", 37.4000, -5.99, t0 + timedelta(minutes=30))  # ~1.1 km away
    back = Located("a-again", 37.3901, -5.99, t0 + timedelta(hours=1))
    undated = Located("u", 37.4001, -5.99, None)
    places = group_by_place([undated, back, far, *near], radius_m=150)
    assert [[m.ref for m in p.members] for p in places] == [
        ["a0", "a1", "a2", "a-again"],
        ["b", "u"],
    ]


@pytest.mark.skipif(not FIXTURES.exists(), reason="../shared/fixtures is absent")
def test_import_folder_makes_a_draft_tour(app, runner, make, tmp_path):
    folder = tmp_path / "walk"
    folder.mkdir()
    for name in PHOTOS:
        shutil.copy(FIXTURES / name, folder / name)
    (folder / "notes.txt").write_text("not a photo")
    team = make.team(name="Equipo Sevilla")
    result = runner.invoke(
        args=["import", str(folder), "--team", "Equipo Sevilla", "--tour", "Paseo"]
    )
    assert result.exit_code == 0, result.output
    assert "Imported 7 file(s)" in result.output and "1 refused" in result.output
    assert "refused notes.txt" in result.output
    assert "flower.jpg" in result.output and "hopper.png" in result.output  # need a location
    with app.app_context():
        tour = db.session.scalars(select(Tour)).one()
        assert tour.visibility is TourVisibility.DRAFT and tour.team_id == team.id
        assert tour.text("title") == "Paseo"
        assert len(tour.stops) == 4
        positions = [stop.position_for(None) for stop in tour.stops]
        expected = {
            (50.2996028, 14.8202944),
            (37.8710933, -122.25678),
            (37.746765, -119.5298833),
            (-0.3713, 36.0564167),
        }
        for lat, lon in positions:
            assert any(abs(lat - a) < 1e-5 and abs(lon - b) < 1e-5 for a, b in expected)
        first_place = next(s for s in tour.stops if abs(s.site.lat - 50.2996) < 0.001)
        assert len(first_place.media) == 2
        unplaced = db.session.scalars(select(MediaItem).where(MediaItem.lat.is_(None))).all()
        assert sorted(i.original_name for i in unplaced) == ["flower.jpg", "hopper.png"]
    # importing again stores nothing twice
    again = runner.invoke(args=["import", str(folder), "--team", str(team.id)])
    assert "Imported 0 file(s), 7 already in the library" in again.output


def test_import_unknown_team(runner, tmp_path):
    result = runner.invoke(args=["import", str(tmp_path), "--team", "Nobody"])
    assert result.exit_code != 0 and "No team named" in result.output
