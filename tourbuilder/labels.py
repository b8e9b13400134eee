"""Words for stored values (roles, visibilities, statuses, consent, kinds) in the interface
language: the one place Python and templates take them from.

Templates use the ``label`` filter (``tour.visibility|label`` → "draft") and the
``describe`` filter (``tour.visibility|describe`` → "Draft: your team only"); forms and
views use :func:`choices`.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import Consent
from .models import MediaKind
from .models import MediaStatus
from .models import Role
from .models import SiteVisibility
from .models import TourVisibility

# Short words, for badges and tables. A tour's and a site's "draft" share one word.
LABELS = {
    Role.ADMIN: _l("team admin"),
    Role.EDITOR: _l("editor"),
    Role.FACILITATOR: _l("facilitator"),
    TourVisibility.DRAFT: _l("draft"),
    TourVisibility.UNLISTED: _l("unlisted"),
    TourVisibility.WORKSHOP: _l("workshop"),
    TourVisibility.PUBLIC: _l("public"),
    SiteVisibility.DRAFT: _l("draft"),
    SiteVisibility.PUBLIC: _l("public"),
    MediaKind.PHOTO: _l("photo"),
    MediaKind.VIDEO: _l("video"),
    MediaKind.PANORAMA: _l("360° panorama"),
    MediaKind.AUDIO: _l("audio"),
    MediaKind.TRACK: _l("GPS track"),
    MediaStatus.PENDING: _l("Waiting"),
    MediaStatus.PROCESSING: _l("Processing"),
    MediaStatus.READY: _l("Ready"),
    MediaStatus.FAILED: _l("Refused"),
}

# Sentences that say what a value means, for choices and notices.
DESCRIPTIONS = {
    Role.ADMIN: _l("Team admin: manages members and everything the team makes"),
    Role.EDITOR: _l("Editor: uploads media, writes and publishes tours"),
    Role.FACILITATOR: _l("Facilitator: presents tours, including workshop-only tours"),
    TourVisibility.DRAFT: _l("Draft: your team only"),
    TourVisibility.UNLISTED: _l("Unlisted: only people with the link"),
    TourVisibility.WORKSHOP: _l("Workshop: your team only"),
    TourVisibility.PUBLIC: _l("Public: on the map and the home page, for everyone"),
    SiteVisibility.DRAFT: _l("Draft: your team only"),
    Consent.NOT_YET: _l("Consent not recorded yet"),
    Consent.NO_PEOPLE: _l("No identifiable people"),
    Consent.CONSENT_RECORDED: _l("Consent recorded"),
}


def label(value) -> str:
    """The short word for a stored value; the value itself when it has none."""
    return str(LABELS.get(value, value))


def describe(value) -> str:
    """The sentence for a stored value, else its short word."""
    found = DESCRIPTIONS.get(value)
    return str(found) if found is not None else label(value)


def choices(enum_class) -> list[tuple[str, str]]:
    """``(value, sentence)`` for every member of ``enum_class``, for a ``<select>``."""
    return [(str(member), describe(member)) for member in enum_class]


def init_app(app) -> None:
    app.add_template_filter(label, "label")
    app.add_template_filter(describe, "describe")
    app.add_template_global(choices, "label_choices")
    app.add_template_global(MediaStatus, "MediaStatus")
    app.add_template_global(Consent, "Consent")
