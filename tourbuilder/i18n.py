"""Interface language, text direction and translated content.

The language is chosen from, in order: ``?lang=xx`` (remembered in the session), the
signed-in user's preference, the browser's ``Accept-Language``, the default.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from babel import Locale
from babel import UnknownLocaleError
from flask import current_app
from flask import g
from flask import has_request_context
from flask import request
from flask import session
from flask_babel import get_locale
from flask_login import current_user

from .extensions import babel

TRANSLATIONS_DIR = str(Path(__file__).parent / "translations")


def available_languages() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def select_locale() -> str:
    """``?lang=``, then the session's choice, the person's saved language, the browser's;
    the default outside a request (a command, a job)."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = available_languages()
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
        return asked
    if session.get("lang") in languages:
        return session["lang"]
    if getattr(current_user, "is_authenticated", False) and current_user.language in languages:
        return current_user.language
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def content_language(offered: Sequence[str], fallback: str) -> str:
    """The language to show content written in ``offered`` languages in.

    In order: the reader's explicit choice (``?content=xx``, remembered in the session),
    the interface language, then each language the browser accepts in its order of
    preference, then ``fallback``. A Greek reader whose browser also accepts English gets a
    tour's English text, not the tour's first language. Regional variants match their
    base language (``en-GB`` reads ``en``).
    """
    offered = [lang for lang in offered if lang]
    if not offered:
        return fallback
    asked = request.args.get("content")
    if asked in offered:
        session["content_lang"] = asked
        return asked
    candidates = [session.get("content_lang"), str(get_locale() or "")]
    candidates += [lang for lang, _quality in request.accept_languages]
    for candidate in candidates:
        base = (candidate or "").replace("_", "-").split("-")[0].lower()
        if base in offered:
            return base
    return fallback if fallback in offered else offered[0]


def current_language() -> str:
    if "content_lang" not in g:
        g.content_lang = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    return g.content_lang


def direction(lang: str | None) -> str:
    base = (lang or "").split("_")[0].split("-")[0]
    return "rtl" if base in current_app.config["RTL_LANGUAGES"] else "ltr"


def translated(obj, field: str) -> str:
    """Jinja filter: ``tour|t('title')`` gives the field in the viewer's language."""
    return obj.text(field, current_language()) if obj is not None else ""


def translated_lang(obj, field: str) -> str:
    """Jinja filter: the language of the text ``t`` shows, for a ``lang`` attribute."""
    return (obj.text_language(field, current_language()) if obj is not None else None) or ""


def language_name(code: str) -> str:
    """Jinja filter: a language's name in the interface language ("es" -> "Spanish")."""
    try:
        name = Locale.parse(code).get_display_name(current_language())
    except (ValueError, TypeError, UnknownLocaleError):
        return code
    return (name[:1].upper() + name[1:]) if name else code


def init_app(app) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", TRANSLATIONS_DIR)
    babel.init_app(app, locale_selector=select_locale)
    app.add_template_filter(translated, "t")
    app.add_template_filter(translated_lang, "tlang")
    app.add_template_filter(direction, "dir")
    app.add_template_filter(language_name)

    @app.context_processor
    def language_context():
        # the interface's language (a page's content may be in another: see content_language)
        lang = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
        return {
            "current_language": lang,
            "text_direction": direction(lang),
            "languages": current_app.config["LANGUAGES"],
        }
