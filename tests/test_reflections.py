"""Workshop reflections (services/reflections.py): limits, rate limit, who reads them, and
the CSV and Markdown exports grouped by tour and stop."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date

import pytest
from flask_login import AnonymousUserMixin

from tourbuilder import create_app
from tourbuilder.extensions import db
from tourbuilder.models import Reflection
from tourbuilder.models import Role
from tourbuilder.models import Team
from tourbuilder.models import Tour
from tourbuilder.models import TourPublication
from tourbuilder.models import TourVisibility
from tourbuilder.models import User
from tourbuilder.models import Workshop
from tourbuilder.models import WorkshopTour
from tourbuilder.services import publishing
from tourbuilder.services import reflections
from tourbuilder.services import workshops
from tourbuilder.services.errors import InvalidValue
from tourbuilder.services.errors import NotFound
from tourbuilder.services.errors import Throttled

from .test_jobs import REDIS_PROBLEM
from .test_jobs import REDIS_URL


@pytest.fixture
def world(make, app):
    seville, amman, other = make.team(), make.team(), make.team()
    people = {
        "seville_admin": make.user(seville, Role.ADMIN),
        "seville_editor": make.user(seville, Role.EDITOR),
        "amman_admin": make.user(amman, Role.ADMIN),
        "other_member": make.user(other, Role.ADMIN),
        "facilitator": make.user(),
        "site_admin": make.user(is_site_admin=True),
    }
    seville_tour = make.tour(seville, stops=3, visibility=TourVisibility.WORKSHOP)
    amman_tour = make.tour(amman, stops=2)
    with app.app_context():
        # Stop titles in the workshop's language (Spanish) come from the published version.
        tour = db.session.get(Tour, seville_tour.id)
        for number, stop in enumerate(tour.stops, 1):
            stop.title = {"en": f"Stop {number}", "es": f"Parada {number}"}
        make._publish(tour)
        workshop = workshops.create_workshop(
            db.session.get(User, people["site_admin"].id),
            title="Formación",
            starts_on=date(2026, 12, 10),
            place="Sevilla",
            language="es",
        )
        workshops.add_facilitator(workshop, people["facilitator"].email)
        workshops.share_tour(workshop, tour, db.session.get(User, people["seville_admin"].id))
        workshops.share_tour(
            workshop,
            db.session.get(Tour, amman_tour.id),
            db.session.get(User, people["amman_admin"].id),
        )
        db.session.commit()
        workshop_id = workshop.id
    return {**people, "seville_tour": seville_tour, "amman_tour": amman_tour, "id": workshop_id}


def ctx(world, *names):
    found = [db.session.get(Workshop, world["id"])]
    for name in names:
        model = Tour if name.endswith("tour") else User
        found.append(db.session.get(model, world[name].id))
    return found


def test_text_is_stripped_and_limited(app, world):
    with app.app_context():
        workshop, tour = ctx(world, "seville_tour")
        saved = reflections.add(workshop, tour, 2, "  Moving  \n", " Amal ", "10.0.0.1")
        assert (saved.body, saved.name, saved.stop_number) == ("Moving", "Amal", 2)
        assert saved.client_hash and "10.0.0.1" not in saved.client_hash
        for body, name in (("   ", ""), ("x" * 501, ""), ("ok", "n" * 81)):
            with pytest.raises(InvalidValue):
                reflections.add(workshop, tour, 1, body, name, "10.0.0.2")
        assert reflections.add(workshop, tour, 1, "y" * 500, "n" * 80, "10.0.0.2")
        with pytest.raises(InvalidValue):
            reflections.add(workshop, tour, 4, "no such stop", "", "10.0.0.2")
        with pytest.raises(InvalidValue):
            reflections.add(workshop, tour, 0, "no such stop", "", "10.0.0.2")
        assert len(reflections.for_workshop(workshop)) == 2


def test_only_tours_of_the_programme(app, world, make):
    stranger = make.tour(make.team())
    with app.app_context():
        workshop, tour, amman = ctx(world, "seville_tour", "amman_tour")
        with pytest.raises(NotFound):
            reflections.add(workshop, db.session.get(Tour, stranger.id), 1, "hi", "", "a")
        workshops.withdraw_tour(workshop, amman, db.session.get(User, world["amman_admin"].id))
        with pytest.raises(NotFound):
            reflections.add(workshop, amman, 1, "too late", "", "a")


def test_rate_limited_per_client_and_workshop(app, world):
    app.config["REFLECTION_RATE_LIMIT"] = "3 per minute"
    with app.app_context():
        workshop, tour = ctx(world, "seville_tour")
        for n in range(3):
            reflections.add(workshop, tour, 1, f"thought {n}", "", "phone-a")
        with pytest.raises(Throttled) as refused:
            reflections.add(workshop, tour, 1, "one more", "", "phone-a")
        assert 1 <= refused.value.retry_after <= 60
        # Another phone in the room is not held back.
        reflections.add(workshop, tour, 1, "mine", "", "phone-b")
        assert [r.body for r in reflections.for_workshop(workshop)] == [
            "thought 0", "thought 1", "thought 2", "mine",
        ]  # fmt: skip


def test_who_reads_reflections(app, world):
    with app.app_context():
        workshop, seville, amman = ctx(world, "seville_tour", "amman_tour")
        reflections.add(workshop, seville, 1, "on seville", "", "a")
        reflections.add(workshop, amman, 2, "on amman", "", "b")

        def bodies(name):
            user = db.session.get(User, world[name].id) if name else AnonymousUserMixin()
            return sorted(r.body for r in reflections.visible_to(user, workshop))

        assert bodies("facilitator") == ["on amman", "on seville"]
        assert bodies("site_admin") == ["on amman", "on seville"]
        assert bodies("seville_editor") == ["on seville"]
        assert bodies("amman_admin") == ["on amman"]
        assert bodies("other_member") == []
        assert bodies(None) == []


def test_exports_group_by_tour_and_stop(app, world):
    with app.app_context():
        workshop, seville, amman = ctx(world, "seville_tour", "amman_tour")
        reflections.add(workshop, amman, 2, "Amman second stop", "", "a")
        reflections.add(workshop, seville, 3, '=HYPERLINK("http://evil")', "@me", "b")
        reflections.add(workshop, seville, 1, "First thought", "Amal", "c")
        reflections.add(workshop, seville, None, "The whole tour", "", "d")
        facilitator = db.session.get(User, world["facilitator"].id)

        text = reflections.export_csv(workshop, facilitator)
        rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
        assert [(r["tour"], r["stop_number"], r["stop_title"]) for r in rows] == [
            (seville.slug, "", ""),
            (seville.slug, "1", "Parada 1"),
            (seville.slug, "3", "Parada 3"),
            (amman.slug, "2", "Stop 2"),
        ]
        injected = rows[2]
        assert injected["reflection"] == '\'=HYPERLINK("http://evil")'
        assert injected["name"] == "'@me"
        assert rows[1]["name"] == "Amal"

        markdown = reflections.export_markdown(workshop, facilitator)
        seville_at = markdown.index("## " + seville.text("title", "es"))
        amman_at = markdown.index("## " + amman.text("title", "es"))
        assert seville_at < markdown.index("### 1. Parada 1") < amman_at
        assert markdown.index("> First thought — Amal") < markdown.index("### 3")
        assert markdown.index("### 2. Stop 2") > amman_at

        # A team reads only its own tours' part of the export.
        amman_admin = db.session.get(User, world["amman_admin"].id)
        assert "First thought" not in reflections.export_csv(workshop, amman_admin)
        assert "Amman second stop" in reflections.export_markdown(workshop, amman_admin)
        assert "First thought" not in reflections.export_markdown(workshop, amman_admin)


def test_markdown_keeps_peoples_words_as_text(app, world):
    with app.app_context():
        workshop, tour = ctx(world, "seville_tour")
        reflections.add(workshop, tour, 1, "# Big\n<script>x</script> [link](y)", "", "a")
        facilitator = db.session.get(User, world["facilitator"].id)
        markdown = reflections.export_markdown(workshop, facilitator)
        assert "> \\# Big \\<script\\>x\\</script\\> \\[link\\](y)" in markdown


def test_mark_shown(app, world):
    with app.app_context():
        workshop, tour = ctx(world, "seville_tour")
        reflection = reflections.add(workshop, tour, 1, "show me", "", "a")
        assert reflection.shown_at is None
        reflections.mark_shown(reflection)
        assert reflection.shown_at is not None


@pytest.mark.sqlite_only
@pytest.mark.skipif(REDIS_PROBLEM is not None, reason=f"Redis unreachable: {REDIS_PROBLEM}")
def test_rate_limit_is_shared_through_redis(app_config, monkeypatch):
    """Two app processes (here two app instances) count one phone's reflections together."""
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    config = {**app_config, "REFLECTION_RATE_LIMIT": "2 per minute"}
    phone = uuid.uuid4().hex  # counts outlive the test in Redis: a phone of this run alone
    first = create_app(config)
    with first.app_context():
        db.create_all()
        team = Team(name="Redis team", languages=["en"])
        tour = Tour(team=team, slug="redis-tour", title={"en": "Tour"}, languages=["en"],
                    visibility=TourVisibility.PUBLIC)  # fmt: skip
        tour.publication = TourPublication(document=publishing.document(tour))
        workshop = Workshop(title="Redis", starts_on=date(2026, 1, 1))
        workshop.programme_entries.append(WorkshopTour(tour=tour, position=0))
        db.session.add_all([team, tour, workshop])
        db.session.commit()
        for n in range(2):
            reflections.add(workshop, tour, None, f"thought {n}", "", phone)
        db.session.commit()
        ids = workshop.id, tour.id
    second = create_app(config)  # the same database file; its memory would start empty
    assert second.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    with second.app_context():
        workshop, tour = db.session.get(Workshop, ids[0]), db.session.get(Tour, ids[1])
        with pytest.raises(Throttled):
            reflections.add(workshop, tour, None, "third", "", phone)
        reflections.add(workshop, tour, None, "another phone", "", uuid.uuid4().hex)
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()


def test_deleting_the_workshop_deletes_its_reflections(app, world):
    with app.app_context():
        workshop, tour = ctx(world, "seville_tour")
        reflections.add(workshop, tour, 1, "gone with it", "", "a")
        workshops.delete_workshop(workshop)
        assert db.session.scalars(db.select(Reflection)).all() == []
        assert db.session.get(Tour, tour.id) is not None
