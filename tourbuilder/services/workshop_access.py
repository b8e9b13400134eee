"""Who may present (and pack) a tour, workshops included: the one question presentation
mode and the offline pack ask.

A tour's team (admins, editors, facilitators) and site admins present it, and so do the
facilitators of a workshop the published tour is shared with, without joining the team,
for as long as it stays shared (:func:`tourbuilder.services.workshops.facilitates`). Both
rules live on the model (``Tour.can_present``); this module names them for the callers.
"""

from __future__ import annotations

from ..models import Tour
from .workshops import facilitates


def can_present(user, tour: Tour) -> bool:
    """May ``user`` present ``tour`` (and build its offline pack)?"""
    return tour.can_present(user)


def presents_as_facilitator(user, tour: Tour) -> bool:
    """Does ``user`` present ``tour`` only through a workshop (they see its published
    version, not the draft)?"""
    return not tour.sees_draft(user) and facilitates(user, tour)
