"""The test harness keeps its promises (tests/conftest.py): what a test writes stays inside
its transaction, the app's commits and rollbacks work on SAVEPOINTs, ``db.engine`` writes
on the same connection, module worlds come back intact, and ``real_db`` commits for real."""

import sqlite3
import threading
from contextlib import closing

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

from tourbuilder.extensions import db
from tourbuilder.models import Team


def committed_teams(worker_database) -> int:
    """Teams another connection sees: only what was really committed."""
    engine = worker_database.engine
    if engine.dialect.name == "sqlite":
        # plain sqlite3: the app's connect hook sets the journal mode, which needs a lock
        # that the test's open write transaction holds
        with closing(sqlite3.connect(engine.url.database)) as other:
            return other.execute("SELECT count(*) FROM team").fetchone()[0]
    with engine.connect() as other:
        return other.execute(text("SELECT count(*) FROM team")).scalar_one()


def team_names(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(Team.name)))


def test_commits_stay_inside_the_test(app, make, worker_database):
    make.team(name="Only here")
    assert team_names(app) == ["Only here"]
    assert committed_teams(worker_database) == 0


def test_app_rollback_returns_to_the_last_commit(app):
    with app.app_context():
        db.session.add(Team(name="Kept", languages=["en"]))
        db.session.commit()
        db.session.add(Team(name="Dropped", languages=["en"]))
        db.session.flush()
        db.session.rollback()
        assert db.session.scalars(select(Team.name)).all() == ["Kept"]


def test_failed_statement_leaves_the_test_usable(app, make):
    """On PostgreSQL an error aborts the transaction; the app's rollback goes back to its
    SAVEPOINT, so the test's transaction goes on."""
    make.team(name="Taken")
    with app.app_context():
        db.session.add(Team(name="Taken", languages=["en"]))
        with pytest.raises(Exception, match="(?i)unique"):
            db.session.commit()
        db.session.rollback()
    assert team_names(app) == ["Taken"]


def test_engine_writes_join_the_test_transaction(app, make, worker_database):
    team = make.team(name="Before")
    with app.app_context():
        with db.engine.begin() as conn:  # as processing's progress writer does
            conn.execute(Team.__table__.update().values(name="After"))
        assert db.session.get(Team, team.id).name == "After"
    assert committed_teams(worker_database) == 0


def test_commit_inside_another_sessions_transaction_stays(app, make):
    """On one connection the factory's transaction nests in the test code's: the outer
    session, which only read, must not undo the inner commit when it ends."""
    with app.app_context():
        assert db.session.scalars(select(Team)).all() == []
        make.team(name="Inner")
    assert team_names(app) == ["Inner"]


def test_rollback_over_another_sessions_commit_fails_the_test(app, make):
    with app.app_context():
        db.session.add(Team(name="Outer", languages=["en"]))
        db.session.flush()
        make.team(name="Inner")
        with pytest.raises(RuntimeError, match="real_db"):
            db.session.rollback()


@pytest.fixture(scope="module")
def two_teams(module_make):
    return [module_make.team(name=name) for name in ("North", "South")]


@pytest.mark.parametrize("attempt", [1, 2])
def test_module_world_is_intact_for_every_test(app, two_teams, attempt):
    """Whichever attempt runs second finds what the first deleted back in place."""
    assert team_names(app) == ["North", "South"]
    with app.app_context():
        db.session.delete(db.session.get(Team, two_teams[0].id))
        db.session.commit()
    assert team_names(app) == ["South"]


@pytest.mark.real_db
def test_real_db_commits_are_seen_by_other_threads(app, make):
    make.team(name="Shared")
    seen = []

    def other_thread():
        with app.app_context():
            seen.append(db.session.scalar(select(func.count(Team.id))))

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join(timeout=30)
    assert seen == [1]
