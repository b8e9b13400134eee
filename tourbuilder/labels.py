"""Words for stored values (roles, visibilities, statuses, consent, kinds) in the interface
language: the one place Python and templates take them from.

Templates use the ``label`` filter (``tour.visibility|label`` → "draft") and the
``describe`` filter (``tour.visibility|describe`` → "Draft: your team only"); forms and
views use :func:`choices`.
"""

from __future__ import annotations

from babel import Locale
from babel import UnknownLocaleError
from flask_babel import get_locale
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
    TourVisibility.WORKSHOP: _l("Workshop: your team and the workshops you share it with"),
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
    app.add_template_filter(lambda code: country_name(code, str(get_locale() or "en")), "country")
    app.add_template_filter(
        lambda code: language_name(code, str(get_locale() or "en")), "language_name"
    )
    app.add_template_global(choices, "label_choices")
    app.add_template_filter(status_word, "status_word")
    app.add_template_filter(error_explanation, "error_explanation")
    app.add_template_global(MediaStatus, "MediaStatus")
    app.add_template_global(Consent, "Consent")


def _locale(lang: str) -> Locale:
    try:
        return Locale.parse((lang or "en").replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale("en")


def language_name(code: str, lang: str) -> str:
    """A language's own CLDR name in ``lang`` ("el" in Spanish is "griego")."""
    return _locale(lang).languages.get(code, code)


def country_name(code: str, lang: str) -> str:
    """A country's name in ``lang``, from the CLDR data Babel ships (``"ES"`` in Arabic is
    "إسبانيا"); the code itself when it is not a known territory."""
    code = (code or "").upper()
    return _locale(lang).territories.get(code, code)


# Error pages: the status in words and what it means for the reader, in their language (the
# JSON API keeps HTTP's English reason phrases, which clients match on).
STATUS_WORDS = {
    400: _l("Bad request"),
    401: _l("Sign-in needed"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Not possible here"),
    409: _l("Conflict"),
    410: _l("Gone"),
    413: _l("Too large"),
    415: _l("Unsupported file"),
    422: _l("Cannot be used"),
    429: _l("Too many attempts"),
    500: _l("Server error"),
    502: _l("Service unavailable"),
    503: _l("Service unavailable"),
    504: _l("Service unavailable"),
}
EXPLANATIONS = {
    400: _l("The request could not be understood. Please go back and try again."),
    401: _l("Please sign in to see this page."),
    403: _l("Your role in this team does not allow this."),
    404: _l("There is nothing here, or it is not shared with you."),
    405: _l("This address cannot be used this way."),
    409: _l("This clashes with the current state of what you are changing. Reload and try again."),
    410: _l("This is no longer here."),
    413: _l("This is too large to be accepted."),
    415: _l("This kind of file cannot be used here."),
    422: _l("Something in what you sent cannot be used. Please check it and try again."),
    429: _l("Too many attempts. Please wait a little and try again."),
    500: _l("Something went wrong on our side. Nothing you saved was lost; please try again."),
}


def status_word(code: int) -> str:
    """The error page's heading for HTTP status ``code``, in the interface language."""
    return str(STATUS_WORDS.get(code) or STATUS_WORDS[500 if code >= 500 else 400])


def error_explanation(code: int) -> str:
    """What an error with status ``code`` means for the reader, in the interface language."""
    return str(EXPLANATIONS.get(code) or EXPLANATIONS[500 if code >= 500 else 400])
