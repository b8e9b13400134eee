"""Fixtures for the API tests: a small world of two teams, every role, and API callers.

The world is built once per module and database (a module world, see tests/conftest.py):
each test sees it fresh, inside a SAVEPOINT rolled back after the test.

CSRF: ``csrf_enabled`` is False by default here (API writes with a session cookie would
need a token from a page); a test turns it on with
``@pytest.mark.parametrize("csrf_enabled", [True])``.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import ApiToken
from tourbuilder.models import Consent
from tourbuilder.models import MediaItem
from tourbuilder.models import MediaStatus
from tourbuilder.models import Role
from tourbuilder.models import SiteVisibility
from tourbuilder.models import StopMedia
from tourbuilder.models import Tour
from tourbuilder.models import TourVisibility
from tourbuilder.models import User
from tourbuilder.services import reflections
from tourbuilder.services import workshops

from ..live import LiveServer
from .api_helpers import login


@pytest.fixture
def csrf_enabled():
    return False


@pytest.fixture
def app_config(app_config, csrf_enabled):
    return {**app_config, "WTF_CSRF_ENABLED": csrf_enabled}


def create_token(app, user) -> str:
    with app.app_context():
        row, token = ApiToken.create(db.session.merge(user), "test")
        db.session.add(row)
        db.session.commit()
    return token


def build_world(module_app, module_make):
    """Team A with a facilitator, an editor and an admin; team B with an editor; a site
    admin. Team A owns draft and public sites, a tour of each visibility (two stops each)
    and a publishable media item shown by the public tour."""
    team = module_make.team(name="Team A", languages=["es", "en"])
    other_team = module_make.team(name="Team B", languages=["el", "en"])
    users = {
        "facilitator": module_make.user(team, Role.FACILITATOR),
        "editor": module_make.user(team, Role.EDITOR),
        "admin": module_make.user(team, Role.ADMIN),
        "other": module_make.user(other_team, Role.EDITOR),
        "site_admin": module_make.user(is_site_admin=True),
    }
    draft_site = module_make.site(team, visibility=SiteVisibility.DRAFT)
    public_site = module_make.site(
        team,
        visibility=SiteVisibility.PUBLIC,
        approximate_location=True,
        lat=37.38456,
        lon=-5.98765,
    )
    other_site = module_make.site(other_team, visibility=SiteVisibility.DRAFT)
    tours = {v.value: module_make.tour(team, visibility=v) for v in TourVisibility}
    other_tour = module_make.tour(other_team, visibility=TourVisibility.DRAFT)
    with module_app.app_context():
        media = MediaItem(
            team_id=team.id,
            kind="photo",
            status=MediaStatus.READY,
            consent=Consent.NO_PEOPLE,
            original_name="market.jpg",
            alt_text={"es": "Puestos del mercado", "en": "Market stalls"},
            original_key="originals/ab/" + "ab" * 32,
            sha256="ab" * 32,
        )
        other_media = MediaItem(
            team_id=other_team.id, kind="photo", original_name="b.jpg", sha256="cd" * 32
        )
        db.session.add_all([media, other_media])
        db.session.flush()
        public_tour = db.session.get(Tour, tours["public"].id)
        public_tour.stops[0].media_links.append(StopMedia(media_id=media.id))
        public_tour.stops[0].presenter_notes = {"en": "Ask about the cooperative."}
        db.session.commit()
        media_id, other_media_id = media.id, other_media.id
    module_make.republish(tours["public"])  # the published version shows the media too
    tokens = {name: create_token(module_app, user) for name, user in users.items()}
    with module_app.app_context():
        workshop = workshops.create_workshop(
            db.session.get(User, users["site_admin"].id), title="Training", starts_on=date.today()
        )
        workshops.add_facilitator(workshop, users["facilitator"].email)
        shared = db.session.get(Tour, tours["workshop"].id)
        workshops.share_tour(workshop, shared, db.session.get(User, users["admin"].id))
        reflection = reflections.add(workshop, shared, 1, "A thought", "", "world")
        db.session.commit()
        workshop_id, reflection_id = workshop.id, reflection.id
    with module_app.app_context():
        stop_ids = {
            name: [s.id for s in db.session.get(Tour, t.id).stops] for name, t in tours.items()
        }
    return SimpleNamespace(
        team=team,
        other_team=other_team,
        users=users,
        tokens=tokens,
        draft_site=draft_site,
        public_site=public_site,
        other_site=other_site,
        tours=tours,
        other_tour=other_tour,
        stop_ids=stop_ids,
        media_id=media_id,
        other_media_id=other_media_id,
        workshop_id=workshop_id,
        reflection_id=reflection_id,
    )


@pytest.fixture(scope="module")
def world(module_app, module_make):
    """The world above, built once per module (each test in a SAVEPOINT of it)."""
    return build_world(module_app, module_make)


@pytest.fixture
def committed_world(app, make):
    """The world above, committed in a ``real_db`` test's own database: for tests over
    real HTTP or with threads, whose requests run on connections of their own."""
    return build_world(app, make)


class Api:
    """Calls the API as an actor: ``anon``, a name from ``world.users`` by bearer token,
    or ``session:<name>`` signed in with the session cookie."""

    def __init__(self, app, world):
        self.app = app
        self.world = world

    def client_for(self, actor: str):
        client = self.app.test_client()
        headers = {}
        if actor.startswith("session:"):
            name = actor.removeprefix("session:")
            login(client, self.world.users[name].email)
        elif actor != "anon":
            headers["Authorization"] = f"Bearer {self.world.tokens[actor]}"
        return client, headers

    def call(self, actor: str, method: str, url: str, **kwargs):
        client, headers = self.client_for(actor)
        headers.update(kwargs.pop("headers", {}))
        return client.open(url, method=method, headers=headers, **kwargs)

    def get(self, actor, url, **kw):
        return self.call(actor, "GET", url, **kw)

    def post(self, actor, url, **kw):
        return self.call(actor, "POST", url, **kw)

    def patch(self, actor, url, **kw):
        return self.call(actor, "PATCH", url, **kw)

    def put(self, actor, url, **kw):
        return self.call(actor, "PUT", url, **kw)

    def delete(self, actor, url, **kw):
        return self.call(actor, "DELETE", url, **kw)


@pytest.fixture
def live(app):
    """The app on a loopback port, for requests over real HTTP (see tests/live.py)."""
    server = LiveServer(app)
    yield server
    server.close()


@pytest.fixture
def api(app, world):
    return Api(app, world)
