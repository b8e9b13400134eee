"""Text people write: the one normaliser every text passes on its way in, translations per
language, and Markdown narratives rendered to safe HTML."""

from __future__ import annotations

import html as htmllib
import re
import unicodedata

import nh3
from markdown_it import MarkdownIt

from .services.errors import InvalidValue

# Lone UTF-16 surrogates cannot be encoded as UTF-8: stored, they break every page that
# shows them. Control characters (but tab, line feed and carriage return) have no place
# in what people write.
_SURROGATE_CLASS = r"\ud800-\udfff"
_CONTROL_CLASS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_SURROGATES = re.compile(f"[{_SURROGATE_CLASS}]")
_CONTROLS = re.compile(f"[{_CONTROL_CLASS}]")
#: The same rule as a regular expression for documents (the API's JSON Schema patterns).
#: Surrogates cannot be written in a pattern validators compile (they are no characters);
#: JSON text only carries them as ``\\ud800`` escapes, refused all the same.
TEXT_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
#: Text that must say something: at least one character that is not a space.
NONBLANK_PATTERN = (
    r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*"
    r"[^\s\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]"
    r"[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
)
MAX_DEPTH = 20


def clean_text(value: str, field: str) -> str:
    """``value`` in Unicode NFC, after checking it holds only characters people type.

    :raise InvalidValue: a lone surrogate or a control character (the message says which
        and where).
    """
    if match := _SURROGATES.search(value):
        raise InvalidValue(field, f"Broken character at position {match.start() + 1}.")
    if match := _CONTROLS.search(value):
        raise InvalidValue(
            field, f"Control character U+{ord(match[0]):04X} at position {match.start() + 1}."
        )
    return unicodedata.normalize("NFC", value)


def clean_name(value: str) -> str:
    """A name the client's system gave (a file name): the same rule as :func:`clean_text`,
    but what breaks it is dropped instead of refused."""
    value = _CONTROLS.sub("", _SURROGATES.sub("", value))
    return unicodedata.normalize("NFC", value)


def clean_data(value, field: str = "", depth: int = 0):
    """Every text in a decoded JSON value (keys too) through :func:`clean_text`; field
    names in errors are dotted paths (``title.en``, ``media_ids.2``).

    :raise InvalidValue: a text breaks the rule, or the value nests deeper than
        :data:`MAX_DEPTH`.
    """
    if depth > MAX_DEPTH:
        raise InvalidValue(field or "body", f"Nested more than {MAX_DEPTH} levels deep.")
    if isinstance(value, str):
        return clean_text(value, field or "body")
    if isinstance(value, dict):
        return {
            clean_text(key, _join(field, "(key)")): clean_data(item, _join(field, key), depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [clean_data(item, _join(field, str(n)), depth + 1) for n, item in enumerate(value)]
    return value


def _join(field: str, part: str) -> str:
    return f"{field}.{part}" if field else part


# Markdown without raw HTML; nh3 then keeps only these tags whatever the renderer emits.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("strikethrough")

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "s", "strong", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str | None) -> str:
    """Render Markdown to HTML that is safe to insert into a page.

    Raw HTML in the source is shown as text, scripts and event handlers never survive,
    only http(s)/mailto links are kept and every link gets ``rel="nofollow noopener"``.
    """
    if not text:
        return ""
    html = _markdown.render(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
    )


def markdown_text(text: str | None) -> str:
    """The words of a Markdown text without its markup (for excerpts and previews)."""
    html = render_markdown(text)
    if not html:
        return ""
    spaced = re.sub(r"</(p|li|h[1-6]|blockquote|pre)>|<br\s*/?>", " ", html)
    return htmllib.unescape(nh3.clean(spaced, tags=set())).strip()


def human_size(n: int) -> str:
    """``1.5 MB``: a number of bytes for people."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return str(n)


def resolve_plain_text(values: dict, language: str) -> dict:
    """Give the ``""`` key (text sent as a plain string) its language."""
    if "" in values:
        values = dict(values)
        values[language] = values.pop("")
    return values


def merge_translations(current: dict | None, update: dict, language: str) -> dict:
    """``current`` with the languages in ``update`` set; an empty text removes a language.

    ``update`` may hold a ``""`` key: text whose language was not said, taken as
    ``language``.
    """
    merged = dict(current or {})
    for lang, text in resolve_plain_text(update, language).items():
        if text:
            merged[lang] = text
        else:
            merged.pop(lang, None)
    return merged


def set_translated(obj, fields: dict, names, language: str, required=()) -> None:
    """Merge the translated ``names`` found in ``fields`` into ``obj`` (and take them out
    of ``fields``); plain text is in ``language``.

    :raise InvalidValue: a field named in ``required`` (a name, a title) would be left
        without a text in any language.
    """
    for name in names:
        if name in fields:
            merged = merge_translations(getattr(obj, name), fields.pop(name), language)
            if name in required and not any(text.strip() for text in merged.values()):
                raise InvalidValue(name, "Give a text in at least one language.")
            setattr(obj, name, merged)
