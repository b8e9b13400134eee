"""Text people write: Markdown narratives rendered to safe HTML."""

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
