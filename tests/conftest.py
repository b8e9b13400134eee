"""Fixtures: ``app`` (a fresh database and media folder per test, on SQLite and, when it is
reachable, PostgreSQL), ``client``, ``runner``, ``auth`` and ``make`` (model factories)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy import text

from tourbuilder import create_app
from tourbuilder.extensions import db
from tourbuilder.models import Membership
from tourbuilder.models import Role
from tourbuilder.models import Site
from tourbuilder.models import Stop
from tourbuilder.models import Team
from tourbuilder.models import Tour
from tourbuilder.models import TourVisibility
from tourbuilder.models import User

POSTGRES_URL = os.environ.get(
    "TOURBUILDER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("TOURBUILDER_REQUIRE_POSTGRES") == "1"
FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"
PASSWORD = "correct horse battery"


def _postgres_reachable() -> str | None:
    try:
        engine = create_engine(POSTGRES_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any driver error: the server is not usable
        return str(exc).splitlines()[0]
    return None


_PG_PROBLEM = _postgres_reachable()
if REQUIRE_POSTGRES and _PG_PROBLEM:
    raise pytest.UsageError(
        f"TOURBUILDER_REQUIRE_POSTGRES=1 but PostgreSQL is unreachable: {_PG_PROBLEM}"
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, empty database: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    if _PG_PROBLEM:
        pytest.skip(f"PostgreSQL unreachable: {_PG_PROBLEM}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def app_config(database_url, tmp_path):
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "JOB_QUEUE_IMMEDIATE": True,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "WTF_CSRF_ENABLED": False,  # tests of CSRF itself turn it back on
        "TILE_URL": "http://127.0.0.1:9/{z}/{x}/{y}.png",
    }


@pytest.fixture
def app(app_config, tmp_path, monkeypatch):
    for var in list(os.environ):
        if var.startswith("TOURBUILDER_") or var in ("DATABASE_URL", "REDIS_URL"):
            monkeypatch.delenv(var)
    app = create_app(app_config)  # REDIS_URL unset: rate limits counted afresh, in memory
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Factories:
    """Model factories with sensible defaults; any field can be overridden."""

    def __init__(self, app):
        self.app = app
        self.count = 0

    def _n(self) -> int:
        self.count += 1
        return self.count

    def _save(self, obj):
        with self.app.app_context():
            db.session.add(obj)
            db.session.commit()
            db.session.refresh(obj)
            db.session.expunge(obj)
        return obj

    def team(self, **kw):
        n = self._n()
        kw.setdefault("name", f"Team {n}")
        kw.setdefault("country", "ES")
        kw.setdefault("languages", ["es", "en"])
        return self._save(Team(**kw))

    def user(self, team=None, role=Role.EDITOR, **kw):
        n = self._n()
        kw.setdefault("email", f"user{n}@example.org")
        kw.setdefault("name", f"User {n}")
        with self.app.app_context():
            user = User(**kw)
            user.set_password(PASSWORD)
            db.session.add(user)
            if team is not None:
                db.session.add(Membership(user=user, team_id=team.id, role=role))
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
        return user

    def site(self, team, **kw):
        n = self._n()
        kw.setdefault("name", {"es": f"Sitio {n}", "en": f"Site {n}"})
        kw.setdefault("lat", 37.38 + n / 1000)
        kw.setdefault("lon", -5.99 + n / 1000)
        return self._save(Site(team_id=team.id, **kw))

    def tour(self, team, stops=2, **kw):
        n = self._n()
        kw.setdefault("slug", f"tour-{n}")
        kw.setdefault("title", {"es": f"Ruta {n}", "en": f"Tour {n}"})
        kw.setdefault("languages", ["es", "en"])
        kw.setdefault("visibility", TourVisibility.PUBLIC)
        with self.app.app_context():
            tour = Tour(team_id=team.id, **kw)
            for i in range(stops):
                tour.stops.append(
                    Stop(title={"en": f"Stop {i + 1}"}, lat=37.38 + i / 100, lon=-5.99)
                )
            db.session.add(tour)
            db.session.commit()
            tour_id = tour.id
        with self.app.app_context():
            return db.session.get(Tour, tour_id)


@pytest.fixture
def make(app):
    return Factories(app)


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, user_or_email, password=PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        return self.client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
