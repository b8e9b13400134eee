"""Optimistic concurrency: each change people make to a tour, stop, site or media item
counts up its ``version``; a change sent with a stale version is refused.

:func:`bump` is a conditional UPDATE in the database (``version = version + 1 WHERE
version = <given>``), so two writers holding the same version conflict there too: on
PostgreSQL the second waits for the first's row lock, then finds the version changed; on
SQLite writers are serialised. Services call it before changing the object; the refusal
rolls back everything the operation did.
"""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .errors import NotFound
from .errors import StaleVersion


def bump(obj, given: int | None = None) -> None:
    """Count one change of ``obj`` (already in the database); with ``given``, only if its
    version is still ``given``. A new object (no id yet) starts at 1 and is left alone.

    :raise StaleVersion: ``given`` is not the current version.
    :raise NotFound: ``obj`` was deleted meanwhile.
    """
    if obj.id is None:
        return
    table = type(obj).__table__
    query = table.update().where(table.c.id == obj.id).values(version=table.c.version + 1)
    if given is not None:
        query = query.where(table.c.version == given)
    if db.session.execute(query).rowcount != 1:
        exists = db.session.scalar(select(table.c.id).where(table.c.id == obj.id))
        if exists is None:
            raise NotFound(None, f"No {type(obj).__name__.lower()} with id {obj.id}.")
        raise StaleVersion(obj)
    db.session.expire(obj, ["version"])
