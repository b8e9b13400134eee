"""Tour operations on plain values: slugs, stops, order, publish checks."""

from __future__ import annotations

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import Consent
from tourbuilder.models import MediaItem
from tourbuilder.models import MediaStatus
from tourbuilder.models import Team
from tourbuilder.models import Tour
from tourbuilder.models import TourVisibility
from tourbuilder.services import publishing
from tourbuilder.services import tours
from tourbuilder.services.errors import Conflict
from tourbuilder.services.errors import InvalidValue
from tourbuilder.services.errors import NotFound
from tourbuilder.services.errors import PublishError
from tourbuilder.services.publish_check import publish_problems
from tourbuilder.text import render_markdown


def messages(tour) -> list[str]:
    return [problem.message for problem in publish_problems(tour)]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Mercado de Feria", "mercado-de-feria"),
        ("  --Ça va?  Ñandú!! ", "ca-va-nandu"),
        ("Αθήνα", ""),
        ("جولة", ""),
        ("x" * 200, "x" * tours.SLUG_MAX),
    ],
)
def test_slugify(text, slug):
    assert tours.slugify(text) == slug


def test_create_tour_makes_unique_slugs(app, make):
    team = make.team()
    with app.app_context():
        team = db.session.get(Team, team.id)
        first = tours.create_tour(team, {"es": "Ruta del agua"})
        db.session.flush()
        second = tours.create_tour(team, {"es": "Ruta del agua"})
        greek = tours.create_tour(team, {"el": "Αθήνα"})
        db.session.commit()
        assert (first.slug, second.slug) == ("ruta-del-agua", "ruta-del-agua-2")
        assert greek.slug.startswith("tour-")
        assert first.visibility is TourVisibility.DRAFT and first.published_at is None


def test_stops_order_and_publish(app, make):
    team = make.team()
    site = make.site(team)
    with app.app_context():
        team = db.session.get(Team, team.id)
        tour = tours.create_tour(team, {"es": "Ruta"})
        assert messages(tour) == ["The tour has no stops yet."]
        a = tours.add_stop(tour, title={"es": "A"}, site_id=site.id)
        b = tours.add_stop(tour, title={"es": "B"})
        db.session.flush()
        assert [s.position for s in tour.stops] == [0, 1]
        with pytest.raises(PublishError) as info:
            publishing.publish(tour, TourVisibility.PUBLIC)
        assert [p.message for p in info.value.problems] == ["Stop 2 (B) has no place on the map."]
        tours.update_stop(tour, b.id, lat=1.0, lon=2.0)
        tours.reorder_stops(tour, [b.id, a.id])
        assert [s.id for s in tour.stops] == [b.id, a.id]
        with pytest.raises(Conflict):
            tours.reorder_stops(tour, [b.id])
        publishing.publish(tour, TourVisibility.UNLISTED)
        assert tour.published_at is not None
        db.session.commit()
        assert [s.position for s in db.session.get(Tour, tour.id).stops] == [0, 1]


def test_publish_checks_media(app, make):
    team = make.team()
    other = make.team()
    with app.app_context():
        team = db.session.get(Team, team.id)
        item = MediaItem(team=team, kind="photo", original_name="p.jpg", sha256="1")
        foreign = MediaItem(team_id=other.id, kind="photo", sha256="2")
        db.session.add_all([item, foreign])
        tour = tours.create_tour(team, {"es": "Ruta"})
        db.session.flush()
        with pytest.raises(NotFound):
            tours.add_stop(tour, media_ids=[foreign.id])
        stop = tours.add_stop(tour, lat=1.0, lon=1.0, media_ids=[item.id])
        assert messages(tour) == [
            "Stop 1 (Stop 1) shows p.jpg, which is still being processed.",
            "Stop 1 (Stop 1) shows p.jpg, whose consent is not recorded.",
            "Stop 1 (Stop 1) shows p.jpg, which has no description for people who cannot see "
            "it (alt text) in Spanish.",
        ]
        item.consent, item.status = Consent.CONSENT_RECORDED, MediaStatus.READY
        item.alt_text = {"es": "Una plaza"}
        assert messages(tour) == []
        with pytest.raises(InvalidValue):
            tours.update_stop(tour, stop.id, lat=5.0, lon=None)


def test_render_markdown_is_safe():
    html = render_markdown(
        "# T\n\n<b onclick=x>b</b> [a](javascript:alert(1)) [w](http://e.org) ![i](http://t/x.png)"
    )
    assert "<h1>T</h1>" in html and "onclick" not in html.replace("&lt;b onclick", "")
    assert 'href="javascript' not in html and "<img" not in html
    assert '<a href="http://e.org" rel="nofollow noopener">w</a>' in html
    assert render_markdown("") == "" and render_markdown(None) == ""
