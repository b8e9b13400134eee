"""Database wiring: SQLAlchemy, migrations, and SQLite pragmas."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from .extensions import db
from .extensions import migrate

MIGRATIONS_DIR = str(Path(__file__).parent / "migrations")
#: The largest id a row can have (the id columns are 32-bit on PostgreSQL).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` in URLs: a whole number that can be a row's id. A larger one matches
    no route (404) instead of overflowing the database driver."""

    def __init__(self, map, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, **kwargs)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL journal, enforced foreign keys and a busy timeout on every SQLite connection.

    The busy timeout comes first: setting the journal mode needs a lock, and without the
    timeout a connection opened while another writes fails at once ("database is locked").
    """
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_app(app) -> None:
    from . import models  # noqa: F401  (register the tables)

    app.url_map.converters["int"] = IdConverter  # before any route is added
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)


def upgrade() -> None:
    """Apply every pending migration (inside an app context)."""
    from flask_migrate import upgrade as alembic_upgrade

    alembic_upgrade(directory=MIGRATIONS_DIR)


def ping() -> None:
    """Raise when the database cannot be reached."""
    from sqlalchemy import text

    db.session.execute(text("SELECT 1"))
