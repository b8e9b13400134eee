"""A team's settings, kept by its admins: name, languages, default map view, theme list.

Themes are translatable labels with a stable key: ``{"key": "local-food", "labels":
{"en": "Local food", "ar": "…"}}``. Sites store keys (``Site.themes``), so renaming a
theme in any language renames it on every site at once; removing a theme that sites use
takes ``force=True`` (the page asks first) and takes it off those sites. Services flush;
the adapter commits.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select

from ..coordinates import check_range
from ..coordinates import CoordinateError
from ..extensions import db
from ..models import Site
from ..models import Team
from ..text import clean_text
from .errors import Conflict
from .errors import InvalidValue
from .errors import NotFound
from .teams import update_team

MAX_THEMES = 60
MAX_LABEL = 60
LANGUAGE = re.compile(r"^[a-z]{2,3}$")


def set_languages(team: Team, languages: list[str]) -> None:
    """The languages the team writes in, in order; the first is the default.

    :raise InvalidValue: none given, or a code that is not two or three letters.
    """
    codes = list(dict.fromkeys(code.strip().lower() for code in languages if code.strip()))
    if not codes:
        raise InvalidValue("languages", "Give at least one language.")
    for code in codes:
        if not LANGUAGE.match(code):
            raise InvalidValue("languages", f"Not a language code: {code}.")
    team.languages = codes


def set_map_view(team: Team, lat: float | None, lon: float | None, zoom: int | None) -> None:
    """The view the team's maps open on (None, None: no default).

    :raise InvalidValue: a coordinate out of range, a zoom outside 1-19.
    """
    if lat is None or lon is None:
        team.map_lat = team.map_lon = team.map_zoom = None
        return
    try:
        lat, lon = check_range(lat, lon)
    except CoordinateError as error:
        raise InvalidValue(error.field, str(error.message)) from None
    if zoom is not None and not 1 <= int(zoom) <= 19:
        raise InvalidValue("zoom", "The zoom must be between 1 and 19.")
    team.map_lat, team.map_lon, team.map_zoom = lat, lon, int(zoom) if zoom else 12


def update_settings(team: Team, name=None, languages=None, map_view=None) -> Team:
    """Change the name, the languages and the default map view (``(lat, lon, zoom)``).

    :raise Conflict: another team has the name.
    :raise InvalidValue: see :func:`set_languages`, :func:`set_map_view`.
    """
    if name is not None:
        if not name.strip():
            raise InvalidValue("name", "Give the team a name.")
        update_team(team, name=clean_text(name, "name"))
    if languages is not None:
        set_languages(team, languages)
    if map_view is not None:
        set_map_view(team, *map_view)
    db.session.flush()
    return team


def clean_labels(labels: dict) -> dict:
    """Labels per language, trimmed, empty ones dropped.

    :raise InvalidValue: no label at all, or one too long.
    """
    cleaned = {}
    for lang, label in (labels or {}).items():
        label = clean_text((label or "").strip(), "labels")
        if len(label) > MAX_LABEL:
            raise InvalidValue("labels", f"A theme is at most {MAX_LABEL} characters.")
        if label and LANGUAGE.match(lang):
            cleaned[lang] = label
    if not cleaned:
        raise InvalidValue("labels", "Give the theme a name in at least one language.")
    return cleaned


def new_key(team: Team, labels: dict) -> str:
    """A stable key from the first Latin-script label (``"Local food"`` -> ``local-food``),
    else ``theme-N``; never one the team has."""
    base = ""
    for lang in [*team.languages, *labels]:
        text = unicodedata.normalize("NFKD", labels.get(lang, "")).encode("ascii", "ignore")
        base = re.sub(r"[^a-z0-9]+", "-", text.decode().lower()).strip("-")[:40]
        if base:
            break
    taken = set(team.theme_keys())
    base = base or "theme"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def find_theme(team: Team, key: str) -> dict:
    """:raise NotFound: the team has no theme ``key``."""
    for theme in team.themes:
        if theme["key"] == key:
            return theme
    raise NotFound("key", f"No theme {key} in this team.")


def add_theme(team: Team, labels: dict) -> str:
    """Add a theme; returns its key.

    :raise InvalidValue: no label, too many themes.
    """
    labels = clean_labels(labels)
    if len(team.themes) >= MAX_THEMES:
        raise InvalidValue("labels", f"A team has at most {MAX_THEMES} themes.")
    key = new_key(team, labels)
    team.themes = [*team.themes, {"key": key, "labels": labels}]
    db.session.flush()
    return key


def rename_theme(team: Team, key: str, labels: dict) -> None:
    """Set a theme's labels (all languages at once; the key stays).

    :raise NotFound: no such theme. :raise InvalidValue: no label left.
    """
    find_theme(team, key)
    labels = clean_labels(labels)
    team.themes = [
        {"key": t["key"], "labels": labels if t["key"] == key else t["labels"]} for t in team.themes
    ]
    db.session.flush()


def sites_with_theme(team: Team, key: str) -> list[Site]:
    """The team's sites that carry the theme ``key``."""
    sites = db.session.scalars(select(Site).where(Site.team_id == team.id)).all()
    return [site for site in sites if key in (site.themes or [])]


def remove_theme(team: Team, key: str, force: bool = False) -> int:
    """Remove a theme from the list; with ``force``, from the sites that use it too.
    Returns how many sites it was taken off.

    :raise NotFound: no such theme.
    :raise Conflict: sites use it and ``force`` is not given.
    """
    find_theme(team, key)
    using = sites_with_theme(team, key)
    if using and not force:
        raise Conflict("key", f"{len(using)} sites use this theme.")
    for site in using:
        site.themes = [k for k in site.themes if k != key]
    team.themes = [t for t in team.themes if t["key"] != key]
    db.session.flush()
    return len(using)
