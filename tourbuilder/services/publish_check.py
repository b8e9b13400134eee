"""The publish check: everything that keeps a tour's draft from being published, each
problem with a code, a message in the interface language and what it points at (a stop,
a media item, a field), so a page can link to where it is fixed.

It runs at every publication (:func:`tourbuilder.services.publishing.publish`), so a
published tour whose draft lost its last stop, or gained a photo without consent, cannot
be published again until that is fixed; the public keeps the version published before.
"""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass

from babel import Locale
from flask_babel import get_locale
from flask_babel import gettext as _

from ..models import Consent
from ..models import MediaKind
from ..models import MediaStatus
from ..models import Tour

#: Kinds of media shown as a picture, which need a text alternative.
VISUAL = (MediaKind.PHOTO, MediaKind.PANORAMA, MediaKind.VIDEO)


@dataclass(frozen=True)
class Problem:
    """One reason the tour cannot be published yet.

    ``code`` is stable (for programs); ``message`` is for people, in the interface
    language; ``stop_id``, ``media_id``, ``field`` and ``language`` say where to fix it.
    """

    code: str
    message: str
    stop_id: int | None = None
    media_id: int | None = None
    field: str | None = None
    language: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def language_name(code: str) -> str:
    """``ar`` as people read it in the interface language ("Arabic", "árabe"…)."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(get_locale() or "en")
    except (ValueError, TypeError, LookupError):
        return code
    return name or code


def publish_problems(tour: Tour) -> list[Problem]:
    """Why ``tour``'s draft may not be published yet, in the order of the tour; an empty
    list when it may."""
    problems = _tour_problems(tour)
    for number, stop in enumerate(tour.stops, start=1):
        name = stop.display_title() or _("Stop %(num)d", num=number)
        where = _("Stop %(num)d (%(name)s)", num=number, name=name)
        if stop.position_for(None) is None:
            problems.append(
                Problem(
                    "stop_without_place",
                    _("%(stop)s has no place on the map.", stop=where),
                    stop_id=stop.id,
                    field="location",
                )
            )
        for item in stop.media:
            problems.extend(_media_problems(tour, stop, item, where))
    return problems


def _tour_problems(tour: Tour) -> list[Problem]:
    problems = []
    if not tour.stops:
        problems.append(Problem("no_stops", _("The tour has no stops yet."), field="stops"))
    for language in tour.languages or []:
        if not (tour.title.get(language) or "").strip():
            problems.append(
                Problem(
                    "title_translation_missing",
                    _(
                        "The tour's title has no version in %(language)s.",
                        language=language_name(language),
                    ),
                    field="title",
                    language=language,
                )
            )
    return problems


def _media_problems(tour: Tour, stop, item, where: str) -> list[Problem]:
    label = item.original_name or _("media item %(id)d", id=item.id)
    at = {"stop_id": stop.id, "media_id": item.id}
    problems = []
    if item.status is MediaStatus.FAILED:
        message = _("%(stop)s shows %(item)s, whose processing failed.", stop=where, item=label)
        problems.append(Problem("media_failed", message, field="status", **at))
    elif item.status is not MediaStatus.READY:
        message = _(
            "%(stop)s shows %(item)s, which is still being processed.", stop=where, item=label
        )
        problems.append(Problem("media_processing", message, field="status", **at))
    if item.consent is Consent.NOT_YET:
        message = _(
            "%(stop)s shows %(item)s, whose consent is not recorded.", stop=where, item=label
        )
        problems.append(Problem("media_without_consent", message, field="consent", **at))
    language = tour.fallback_language()
    if item.kind in VISUAL and not (item.alt_text.get(language) or "").strip():
        message = _(
            "%(stop)s shows %(item)s, which has no description for people who cannot see it "
            "(alt text) in %(language)s.",
            stop=where,
            item=label,
            language=language_name(language),
        )
        problems.append(
            Problem("media_without_alt_text", message, field="alt_text", language=language, **at)
        )
    return problems
