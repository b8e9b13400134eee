"""The domain operations, on plain values: no request, no response, no form.

One module per aggregate; api/, views/, cli.py and the job tasks are thin adapters that
parse input, call one service function and shape its result.

The transaction rule: services change the session and flush, never commit; the adapter
ends its unit of work (a request, a command, a job step) with :func:`commit`. What may
only happen once the change is durable (queueing a job that must find the new row,
deleting a file a row pointed at) is handed to :func:`after_commit`. A refusal is a
:class:`~tourbuilder.services.errors.DomainError`; the adapter lets it through and
:mod:`tourbuilder.errors` rolls back and answers. The processing job is the one service
that commits itself, at the steps it must publish (its claim, its result); see
:mod:`tourbuilder.services.processing`.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db

_AFTER_COMMIT = "tourbuilder.after_commit"


def after_commit(action: Callable[[], object]) -> None:
    """Run ``action`` after the adapter's :func:`commit` succeeds; dropped on rollback."""
    db.session.info.setdefault(_AFTER_COMMIT, []).append(action)


def commit() -> None:
    """Commit the unit of work, then run what services handed to :func:`after_commit`."""
    db.session.commit()
    for action in db.session.info.pop(_AFTER_COMMIT, []):
        action()


@event.listens_for(Session, "after_soft_rollback")
def _forget_actions(session, previous_transaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(_AFTER_COMMIT, None)
