"""The publish check: each problem with its code, message and what it points at."""

from __future__ import annotations

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import Consent
from tourbuilder.models import MediaItem
from tourbuilder.models import MediaKind
from tourbuilder.models import MediaStatus
from tourbuilder.models import Role
from tourbuilder.models import StopMedia
from tourbuilder.models import Tour
from tourbuilder.services.publish_check import publish_problems

GOOD = {
    "kind": MediaKind.PHOTO,
    "status": MediaStatus.READY,
    "consent": Consent.NO_PEOPLE,
    "alt_text": {"es": "Una plaza"},
}


def check(app, make, media=None, stops=1, **tour_fields):
    """The problems of a tour of a team writing es, en (the tour in es, en) whose first
    stop shows a media item made of ``GOOD`` with ``media`` changed."""
    team = make.team()
    tour = make.tour(team, stops=stops, visibility="draft", **tour_fields)
    with app.app_context():
        tour = db.session.get(Tour, tour.id)
        item = None
        if media is not None:
            item = MediaItem(team_id=team.id, original_name="plaza.jpg", **{**GOOD, **media})
            db.session.add(item)
            db.session.flush()
            tour.stops[0].media_links.append(StopMedia(media=item))
            db.session.flush()
        problems = [p.as_dict() for p in publish_problems(tour)]
        return problems, tour.stops[0].id if tour.stops else None, item.id if item else None


def test_a_tour_ready_to_publish_has_no_problems(app, make):
    assert check(app, make, media={})[0] == []


def test_no_stops(app, make):
    problems, _, _ = check(app, make, stops=0)
    assert problems == [
        {"code": "no_stops", "message": "The tour has no stops yet.", "stop_id": None,
         "media_id": None, "field": "stops", "language": None}
    ]  # fmt: skip


def test_stop_without_a_place(app, make):
    team = make.team()
    tour = make.tour(team, stops=1, visibility="draft")
    with app.app_context():
        tour = db.session.get(Tour, tour.id)
        tour.stops[0].lat = tour.stops[0].lon = None
        (problem,) = publish_problems(tour)
    assert (problem.code, problem.stop_id, problem.field) == (
        "stop_without_place",
        tour.stops[0].id,
        "location",
    )
    assert problem.message == "Stop 1 (Stop 1) has no place on the map."


@pytest.mark.parametrize(
    ("media", "code", "field"),
    [
        ({"status": MediaStatus.PROCESSING}, "media_processing", "status"),
        ({"status": MediaStatus.PENDING}, "media_processing", "status"),
        ({"status": MediaStatus.FAILED}, "media_failed", "status"),
        ({"consent": Consent.NOT_YET}, "media_without_consent", "consent"),
        ({"alt_text": {}}, "media_without_alt_text", "alt_text"),
        # in another language only: the tour's fallback language (es) still lacks one
        ({"alt_text": {"en": "A square"}}, "media_without_alt_text", "alt_text"),
        ({"kind": MediaKind.VIDEO, "alt_text": {"es": "  "}}, "media_without_alt_text", "alt_text"),
    ],
)
def test_media_problems_point_at_the_stop_and_the_item(app, make, media, code, field):
    problems, stop_id, item_id = check(app, make, media=media)
    assert [(p["code"], p["stop_id"], p["media_id"], p["field"]) for p in problems] == [
        (code, stop_id, item_id, field)
    ]
    assert "plaza.jpg" in problems[0]["message"]


def test_sound_needs_no_alt_text(app, make):
    assert check(app, make, media={"kind": MediaKind.AUDIO, "alt_text": {}})[0] == []


def test_missing_title_translation_in_a_declared_language(app, make):
    problems, _, _ = check(app, make, title={"es": "Ruta"}, languages=["es", "en", "ar"])
    assert [(p["code"], p["field"], p["language"]) for p in problems] == [
        ("title_translation_missing", "title", "en"),
        ("title_translation_missing", "title", "ar"),
    ]
    assert problems[0]["message"] == "The tour's title has no version in English."


def test_messages_are_in_the_interface_language(app, client, make, auth):
    team = make.team()
    tour = make.tour(team, stops=0, visibility="draft")
    auth.login(make.user(team, Role.EDITOR))
    check = client.get(f"/api/v1/tours/{tour.id}/publish-check?lang=es").json
    assert check["problems"][0]["message"] == "La ruta aún no tiene paradas."
