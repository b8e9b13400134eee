"""Workshops that bring teams together (services/workshops.py, workshop_access.py): who may
share a tour with a workshop, and what its facilitators may then do with it."""

from __future__ import annotations

from datetime import date

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import Role
from tourbuilder.models import Tour
from tourbuilder.models import TourVisibility
from tourbuilder.models import User
from tourbuilder.models import Workshop
from tourbuilder.services import publishing
from tourbuilder.services import workshop_access
from tourbuilder.services import workshops
from tourbuilder.services.errors import Conflict
from tourbuilder.services.errors import Forbidden
from tourbuilder.services.errors import InvalidValue
from tourbuilder.services.errors import NotFound


@pytest.fixture
def world(make):
    """Two teams with an admin each, a team facilitator who creates the workshop, and an
    outside facilitator who belongs to no team."""
    seville, amman = make.team(), make.team()
    return {
        "seville": seville,
        "amman": amman,
        "seville_admin": make.user(seville, Role.ADMIN),
        "seville_editor": make.user(seville, Role.EDITOR),
        "amman_admin": make.user(amman, Role.ADMIN),
        "organiser": make.user(seville, Role.FACILITATOR),
        "outsider": make.user(),
        "seville_tour": make.tour(seville, visibility=TourVisibility.WORKSHOP),
        "amman_tour": make.tour(amman, visibility=TourVisibility.PUBLIC),
        "draft": make.tour(amman, visibility=TourVisibility.DRAFT),
    }


def get(model, obj):
    return db.session.get(model, obj.id)


def new_workshop(world) -> Workshop:
    organiser = get(User, world["organiser"])
    workshop = workshops.create_workshop(
        organiser, title="Seville training", starts_on=date(2026, 12, 10), place="Seville"
    )
    workshops.add_facilitator(workshop, world["outsider"].email.upper() + " ")
    return workshop


def test_outside_facilitator_presents_shared_tours_until_withdrawn(app, world):
    with app.app_context():
        workshop = new_workshop(world)
        outsider = get(User, world["outsider"])
        seville_tour, amman_tour = get(Tour, world["seville_tour"]), get(Tour, world["amman_tour"])
        # A workshop-only tour is hidden from people outside its team until it is shared.
        assert not seville_tour.can_view(outsider)
        assert not workshop_access.can_present(outsider, seville_tour)

        workshops.share_tour(workshop, seville_tour, get(User, world["seville_admin"]))
        workshops.share_tour(workshop, amman_tour, get(User, world["amman_admin"]))
        assert workshops.programme(workshop) == [seville_tour, amman_tour]
        assert workshops.facilitates(outsider, seville_tour)
        assert seville_tour.can_view(outsider)
        assert workshop_access.can_present(outsider, seville_tour)
        assert workshop_access.can_present(outsider, amman_tour)
        assert not seville_tour.can_edit(outsider)
        # They see the published version, never the draft.
        assert publishing.shown_tour(seville_tour, outsider).is_published_view
        assert workshop in workshops.workshops_for(outsider)
        assert [s.workshop for s in workshops.shares_of(seville_tour)] == [workshop]

        workshops.withdraw_tour(workshop, seville_tour, get(User, world["seville_admin"]))
        assert not seville_tour.can_view(outsider)
        assert not workshop_access.can_present(outsider, seville_tour)
        assert workshop_access.can_present(outsider, amman_tour)
        assert workshops.programme(workshop) == [amman_tour]
        assert workshops.shares_of(seville_tour) == []


def test_unpublishing_a_shared_tour_ends_the_facilitators_access(app, world):
    with app.app_context():
        workshop = new_workshop(world)
        tour = get(Tour, world["seville_tour"])
        workshops.share_tour(workshop, tour, get(User, world["seville_admin"]))
        publishing.unpublish(tour)
        assert not workshop_access.can_present(get(User, world["outsider"]), tour)


def test_only_team_admins_share_and_withdraw(app, world, make):
    with app.app_context():
        workshop = new_workshop(world)
        tour = get(Tour, world["seville_tour"])
        for user in ("seville_editor", "organiser", "amman_admin", "outsider"):
            with pytest.raises(Forbidden):
                workshops.share_tour(workshop, tour, get(User, world[user]))
        assert workshops.programme(workshop) == []
        workshops.share_tour(workshop, tour, get(User, world["seville_admin"]))
        with pytest.raises(Forbidden):
            workshops.withdraw_tour(workshop, tour, get(User, world["amman_admin"]))
        with pytest.raises(Conflict):
            workshops.share_tour(workshop, tour, get(User, world["seville_admin"]))


def test_drafts_cannot_be_shared(app, world):
    with app.app_context():
        workshop = new_workshop(world)
        with pytest.raises(Conflict, match="publish the tour first"):
            draft, admin = get(Tour, world["draft"]), get(User, world["amman_admin"])
            workshops.share_tour(workshop, draft, admin)
        assert workshops.programme(workshop) == []


def test_who_creates_workshops(app, world):
    with app.app_context():
        with pytest.raises(Forbidden):
            workshops.create_workshop(
                get(User, world["seville_editor"]), title="x", starts_on=date(2026, 1, 1)
            )
        with pytest.raises(Forbidden):
            workshops.create_workshop(
                get(User, world["outsider"]), title="x", starts_on=date(2026, 1, 1)
            )
        admin = get(User, world["amman_admin"])
        with pytest.raises(InvalidValue):
            workshops.create_workshop(admin, title="  ", starts_on=date(2026, 1, 1))
        with pytest.raises(InvalidValue):
            workshops.create_workshop(
                admin, title="x", starts_on=date(2026, 1, 2), ends_on=date(2026, 1, 1)
            )
        workshop = workshops.create_workshop(admin, title=" Amman ", starts_on=date(2026, 1, 1))
        assert workshop.title == "Amman" and workshop.is_facilitator(admin)


def test_facilitators_need_an_account_and_one_stays(app, world):
    with app.app_context():
        workshop = new_workshop(world)
        with pytest.raises(NotFound):
            workshops.add_facilitator(workshop, "nobody@example.org")
        with pytest.raises(Conflict):
            workshops.add_facilitator(workshop, world["outsider"].email)
        workshops.remove_facilitator(workshop, get(User, world["outsider"]))
        with pytest.raises(Conflict):
            workshops.remove_facilitator(workshop, get(User, world["organiser"]))


def test_reorder_the_programme(app, world, make):
    with app.app_context():
        workshop = new_workshop(world)
        seville_tour, amman_tour = get(Tour, world["seville_tour"]), get(Tour, world["amman_tour"])
        workshops.share_tour(workshop, seville_tour, get(User, world["seville_admin"]))
        workshops.share_tour(workshop, amman_tour, get(User, world["amman_admin"]))
        assert workshops.reorder(workshop, [amman_tour.id, seville_tour.id]) == [
            amman_tour,
            seville_tour,
        ]
        assert workshops.neighbours(workshop, amman_tour) == (None, seville_tour)
        with pytest.raises(InvalidValue):
            workshops.reorder(workshop, [amman_tour.id])
        assert workshops.move(workshop, seville_tour, -1) == [seville_tour, amman_tour]
        assert workshops.move(workshop, seville_tour, -1) == [seville_tour, amman_tour]
