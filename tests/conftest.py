"""Fixtures: ``app`` (for each test its settings, a fresh media folder and a transaction
rolled back afterwards, on SQLite and PostgreSQL), ``client``, ``runner``, ``auth`` and
``make`` (model factories).

Databases. A test that uses ``app`` runs on SQLite and again on PostgreSQL (the
``db_backend`` parameter; PostgreSQL tests are skipped when the server is unreachable,
unless TOURBUILDER_REQUIRE_POSTGRES=1). A test or module marked ``sqlite_only`` runs on
SQLite alone: only for code whose behaviour cannot differ between the two databases.

Isolation. Each xdist worker builds the schema once per database (a SQLite file, a
PostgreSQL schema of its own). A test's app then runs on one connection, inside a
transaction rolled back after the test (SQLAlchemy's "joining a session into an external
transaction" recipe). The connection takes the engine's place in ``db.engines``, so every
app context and every ``db.session`` of the test use it: the factories, the requests, the
inline job queue and direct ``db.engine`` users alike. Sessions join its transaction with
``join_transaction_mode="create_savepoint"``: the app's ``db.session.commit()`` releases a
SAVEPOINT and ``rollback()`` returns to one; ``db.engine.begin()`` (the progress writer in
processing.py) is a SAVEPOINT on the same connection. tests/transactions.py says how
sessions that would stand side by side on a real database nest on the one connection.
The Flask app itself is built once per worker and database (``worker_app``) and lent to
each test with the test's ``app_config``; the settings are put back after the test.

Module worlds. Data many tests read, and none needs fresh, is built once per module: a
module-scoped fixture built with ``module_make`` (the factories on ``module_app``) commits
into a transaction of the module's own connection, on a second database of the worker
(``world_database``). Each test that uses such a fixture runs inside a SAVEPOINT of that
transaction, rolled back after it, and its media folder starts as a copy of the module's;
the module's other tests use the first database and never see the world. The world is
rebuilt for each database backend.

Committed data. Nothing a test writes is ever committed, so other connections, threads
and processes never see it. A test that needs them to (a live server, a worker process,
threads, crash recovery) is marked ``real_db``: its ``app`` gets a fresh database of its
own, tables made with ``create_all``, and ordinary engine connections. ``database_url``
is a fresh, empty database (no tables) for the migration tests. The browser, job-queue
and crash-recovery tests build their own apps on SQLite files of their own.
"""

from __future__ import annotations

import copy
import itertools
import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import pytest
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy import text
from sqlalchemy.engine import Engine

from tourbuilder import create_app
from tourbuilder import page_cache
from tourbuilder import storage
from tourbuilder.extensions import db
from tourbuilder.extensions import limiter
from tourbuilder.models import Membership
from tourbuilder.models import Role
from tourbuilder.models import Site
from tourbuilder.models import Stop
from tourbuilder.models import Team
from tourbuilder.models import Tour
from tourbuilder.models import TourPublication
from tourbuilder.models import TourVisibility
from tourbuilder.models import User
from tourbuilder.models import utcnow
from tourbuilder.services import publishing

from .transactions import SharedConnection

POSTGRES_URL = os.environ.get(
    "TOURBUILDER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("TOURBUILDER_REQUIRE_POSTGRES") == "1"
FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"
PASSWORD = "correct horse battery"
BACKENDS = ("sqlite", "postgresql")


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

# Sessions that find their connection already in a transaction (the test's) work in a
# SAVEPOINT of it. Sessions bound to an engine, as in the real_db and browser apps, are
# not affected.
db.session.session_factory.configure(join_transaction_mode="create_savepoint")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only: runs on SQLite only (nothing in it can differ on PostgreSQL)"
    )
    config.addinivalue_line(
        "markers", "real_db: app on a fresh database whose commits are real (threads, processes)"
    )


def pytest_generate_tests(metafunc):
    """Every test that needs a database runs once per ``db_backend``."""
    if "db_backend" in metafunc.fixturenames:
        sqlite_only = metafunc.definition.get_closest_marker("sqlite_only")
        metafunc.parametrize("db_backend", ["sqlite"] if sqlite_only else BACKENDS, indirect=True)


@pytest.fixture(scope="session")
def db_backend(request) -> str:
    if request.param == "postgresql" and _PG_PROBLEM:
        pytest.skip(f"PostgreSQL unreachable: {_PG_PROBLEM}")
    return request.param


@contextmanager
def fresh_database(backend: str, folder: Path):
    """The URL of a new, empty database: a SQLite file in ``folder``, or a PostgreSQL
    schema of its own (dropped afterwards)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'test.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def database_url(db_backend, tmp_path):
    """A fresh, empty database (no tables), for the migration tests."""
    with fresh_database(db_backend, tmp_path) as url:
        yield url


def _sqlite_begins_transactions(engine: Engine) -> None:
    """Let SQLAlchemy emit BEGIN on SQLite. pysqlite's legacy transaction control does not
    begin a transaction before a SAVEPOINT, so the first savepoint would be the transaction
    and releasing it would commit (SQLAlchemy's SQLite docs, "Transactions with SQLite and
    the sqlite3 driver")."""

    @event.listens_for(engine, "connect")
    def _no_driver_begin(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")


class Database(NamedTuple):
    url: str
    engine: Engine


@contextmanager
def built_database(backend: str, folder: Path):
    """A fresh database with every table: (url, engine)."""
    with fresh_database(backend, folder) as url:
        engine = create_engine(url)
        if backend == "sqlite":
            _sqlite_begins_transactions(engine)
        db.metadata.create_all(engine)
        yield Database(url, engine)
        engine.dispose()


@pytest.fixture(scope="session")
def worker_database(db_backend, tmp_path_factory):
    """This worker's database on ``db_backend``, with every table, built once."""
    with built_database(db_backend, tmp_path_factory.mktemp(db_backend)) as database:
        yield database


@pytest.fixture(scope="session")
def world_database(db_backend, tmp_path_factory):
    """A second database of this worker, for module worlds. A world's transaction stays
    open while its module runs: on SQLite it holds the file's write lock, on PostgreSQL
    its rows' unique keys, and tests beside it would wait on either."""
    with built_database(db_backend, tmp_path_factory.mktemp(f"{db_backend}-worlds")) as database:
        yield database


def run_on(app, connection: SharedConnection) -> None:
    """Make every app context of ``app`` use ``connection`` instead of an engine."""
    with app.app_context():
        if isinstance(db.engines[None], Engine):
            db.engines[None].dispose()  # made by create_app, never connected
        db.engines[None] = connection


def _clean_environment(monkeypatch) -> None:
    """The developer's TOURBUILDER_* settings must not reach the test apps."""
    for var in list(os.environ):
        if var.startswith("TOURBUILDER_") or var in ("DATABASE_URL", "REDIS_URL"):
            monkeypatch.delenv(var)


def settings_for(root: Path) -> dict:
    """Settings of a test app whose instance and media folders are under ``root``."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "INSTANCE_PATH": str(root / "instance"),
        "MEDIA_ROOT": str(root / "media"),
        "JOB_QUEUE_IMMEDIATE": True,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "WTF_CSRF_ENABLED": False,  # tests of CSRF itself turn it back on
        "TILE_URL": "http://127.0.0.1:9/{z}/{x}/{y}.png",
    }


@pytest.fixture(scope="module")
def module_connection(world_database):
    """The connection of the module's world, in a transaction rolled back at its end."""
    connection = SharedConnection(world_database.engine)
    transaction = connection.begin()
    yield connection
    transaction.rollback()
    connection.close()


@pytest.fixture(scope="module")
def module_app(module_connection, world_database, tmp_path_factory):
    """An app for building a module's world ("Module worlds" above)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        _clean_environment(monkeypatch)
        root = tmp_path_factory.mktemp("module")
        app = create_app({**settings_for(root), "SQLALCHEMY_DATABASE_URI": world_database.url})
    run_on(app, module_connection)
    return app


@pytest.fixture(scope="module")
def module_make(module_app):
    return Factories(module_app)


@pytest.fixture
def db_connection(request, worker_database):
    """The connection the test's app runs on, in a transaction rolled back after the test;
    for a test that uses a module world, the module's connection, in a SAVEPOINT."""
    if "module_connection" in request.fixturenames:
        connection = request.getfixturevalue("module_connection")
        savepoint = connection.begin_nested()
        yield connection
        savepoint.rollback()
        return
    connection = SharedConnection(worker_database.engine)
    transaction = connection.begin()
    yield connection
    transaction.rollback()
    connection.close()


@pytest.fixture
def app_config(tmp_path):
    return settings_for(tmp_path)


@pytest.fixture(scope="session")
def worker_app(worker_database, tmp_path_factory):
    """The Flask app the tests of this worker share on ``worker_database``, with the settings
    it was built with. Building an app (the API's OpenAPI document above all) costs more
    than most tests; ``app`` gives each test its own settings, media folder and connection
    on it, and puts the settings back afterwards."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        _clean_environment(monkeypatch)
        settings = settings_for(tmp_path_factory.mktemp("app"))
        app = create_app({**settings, "SQLALCHEMY_DATABASE_URI": worker_database.url})
    return app, copy.deepcopy(dict(app.config))


@pytest.fixture
def app(request, app_config, db_backend, tmp_path, monkeypatch):
    """The app of a test: the worker's app with the test's ``app_config``, a fresh media
    folder and the test's connection. Settings read only while an app is built (the job
    queue's backend) stay as ``settings_for`` has them; a ``real_db`` test gets an app of
    its own."""
    _clean_environment(monkeypatch)
    if request.node.get_closest_marker("real_db"):
        with fresh_database(db_backend, tmp_path) as url:
            app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": url})
            with app.app_context():
                db.create_all()
            yield app
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        return
    connection = request.getfixturevalue("db_connection")
    if "module_app" in request.fixturenames:
        world_media = Path(request.getfixturevalue("module_app").config["MEDIA_ROOT"])
        if world_media.exists():
            shutil.copytree(world_media, app_config["MEDIA_ROOT"], dirs_exist_ok=True)
    app, built_with = request.getfixturevalue("worker_app")
    app.config.update(app_config)
    storage.init_app(app)  # on the test's media folder
    run_on(app, connection)
    with app.app_context():
        limiter.reset()  # sign-in attempts are counted afresh for each test
        page_cache.clear()  # ids come back after a rollback: no page kept from another test
    yield app
    app.config.clear()
    app.config.update(copy.deepcopy(built_with))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_numbers = itertools.count(1)  # per worker: names stay unique beside a module's world


class Factories:
    """Model factories with sensible defaults; any field can be overridden."""

    def __init__(self, app):
        self.app = app

    def _n(self) -> int:
        return next(_numbers)

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
            db.session.flush()
            if TourVisibility(tour.visibility) is not TourVisibility.DRAFT:
                self._publish(tour)
            db.session.commit()
            tour_id = tour.id
        with self.app.app_context():
            return db.session.get(Tour, tour_id)

    @staticmethod
    def _publish(tour):
        """The tour's rows as its published version (what publishing.publish writes,
        without the check: a factory may make any state). Like publishing, it changes the
        tour's row (``published_at``), which the public pages' cache is keyed by."""
        tour.publication = TourPublication(document=publishing.document(tour))
        tour.published_at = utcnow()

    def republish(self, tour_or_id):
        """Publish a tour made by the factory again, as it is now (no check)."""
        with self.app.app_context():
            tour = db.session.get(Tour, getattr(tour_or_id, "id", tour_or_id))
            self._publish(tour)
            db.session.commit()


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
