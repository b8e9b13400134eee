"""Text people write: translations per language, and Markdown narratives rendered to safe
HTML."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

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


def set_translated(obj, fields: dict, names, language: str) -> None:
    """Merge the translated ``names`` found in ``fields`` into ``obj`` (and take them out
    of ``fields``); plain text is in ``language``."""
    for name in names:
        if name in fields:
            setattr(obj, name, merge_translations(getattr(obj, name), fields.pop(name), language))
