"""One connection per test, in a transaction rolled back after it (see tests/conftest.py).

:class:`SharedConnection` takes the engine's place in a test app's ``db.engines``. Every
session of the test joins its transaction with a SAVEPOINT (a :class:`Savepoint`), so on
one connection the sessions' transactions nest where on a real database they would stand
side by side: the inline job queue commits inside the SAVEPOINT of the request that queued
it, a factory commits inside the SAVEPOINT of the test code around it. Undoing the outer
SAVEPOINT would then undo the inner commits too. So a session that wrote nothing since its
last commit ends its SAVEPOINT by releasing it (it has nothing of its own to undo), and a
session that did write and rolls back over another's commit fails the test with a message,
instead of letting it pass or fail for a reason a real database would not give.
"""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.engine import Engine
from sqlalchemy.engine import NestedTransaction
from sqlalchemy.orm import Session

WROTE = "tests.transactions: wrote since the last commit"

UNFAITHFUL = (
    "This rollback undoes a SAVEPOINT inside which another session committed; on a real "
    "database that commit would stay. Mark the test real_db (tests/conftest.py)."
)


class Savepoint(NestedTransaction):
    """A SAVEPOINT on a :class:`SharedConnection`, with the session that made it."""

    __slots__ = ("owner", "joins", "failed", "holds_others_commits")

    def __init__(self, connection: SharedConnection):
        super().__init__(connection)
        self.owner: Session | None = None
        self.joins = False  # the owner's own transaction, not one of its nested ones
        self.failed = False  # a statement failed in it: only undoing it can go on
        self.holds_others_commits = False

    def commit(self) -> None:
        wrote = self.owner is None or self.owner.info.get(WROTE, False)
        super().commit()
        if wrote:
            for below in self.connection.savepoints:
                if below.is_active and below.owner is not self.owner:
                    below.holds_others_commits = True

    def rollback(self) -> None:
        self._end(super().rollback)

    def close(self) -> None:
        self._end(super().close)

    def _end(self, undo) -> None:
        if self.is_active and self.joins:
            if not self.failed and not self.owner.info.get(WROTE, False):
                self.commit()  # nothing of its own to undo; other sessions' commits stay
                return
            if self.holds_others_commits:
                undo()
                raise RuntimeError(UNFAITHFUL)
        undo()


class SharedConnection(Connection):
    """The one connection a test's app runs on, in the place of its engine.

    Sessions bind to it as to any connection. Code that takes it for the engine
    (``db.engine``) gets an engine's answers: ``begin()`` inside the test's transaction
    is a SAVEPOINT that yields the connection, as ``Engine.begin()`` yields one;
    ``connect()`` lends the connection itself; ``url`` is the engine's.
    """

    def __init__(self, engine: Engine):
        super().__init__(engine)
        self.savepoints: list[Savepoint] = []

    @property
    def url(self):
        return self.engine.url

    def begin(self):
        if not self.in_transaction():
            return super().begin()
        return self._savepoint()

    @contextmanager
    def _savepoint(self):
        with self.begin_nested():
            yield self

    @contextmanager
    def connect(self):
        yield self

    def begin_nested(self) -> Savepoint:
        if not self.in_transaction():
            self.begin()
        savepoint = Savepoint(self)
        self.savepoints = [s for s in self.savepoints if s.is_active] + [savepoint]
        return savepoint


@event.listens_for(Session, "after_begin")
def _own_savepoint(session, transaction, connection):
    if isinstance(connection, SharedConnection) and connection.in_nested_transaction():
        savepoint = connection.get_nested_transaction()  # the one just made for the session
        savepoint.owner = session
        savepoint.joins = transaction.parent is None


@event.listens_for(Session, "before_flush")
def _flushing(session, _flush_context, _instances):
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(orm_execute_state):
    if not orm_execute_state.is_select:  # UPDATE, DELETE, INSERT, or text we cannot read
        orm_execute_state.session.info[WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _ended(session, transaction):
    if transaction.parent is None:
        session.info.pop(WROTE, None)


@event.listens_for(Engine, "handle_error")
def _failed(context):
    connection = context.connection
    if isinstance(connection, SharedConnection) and connection.in_nested_transaction():
        connection.get_nested_transaction().failed = True
