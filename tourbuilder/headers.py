"""Security headers on every response.

The Content-Security-Policy lets the browser run only the app's own files. The one inline
script, folium's map set-up (templates/_partials/map.html), carries a nonce made afresh
for each request (:func:`csp_nonce`). No inline style either: styles live in CSS files,
and what scripts set through ``element.style`` (Leaflet, Uppy) is allowed by CSP anyway.
Pictures may also come from the base map's tile server (``TILE_URL``, only when tiles do
not go through the app's cache, ``TILE_PROXY``) and from ``data:``
and ``blob:`` URLs (Leaflet's icons, Uppy's previews). Forms post only here.

Framing: nobody may frame the pages (``frame-ancestors 'none'`` and ``X-Frame-Options:
DENY``), except the views marked :func:`embeddable` (a tour's embed view), which other
sites may frame: ``frame-ancestors`` lists ``EMBED_ALLOWED_ORIGINS`` (``*`` by default)
and no X-Frame-Options is sent (it cannot name several origins).

A flask-talisman was considered; its defaults (HTTPS forced, HSTS, secure cookies) do not
suit a server that also runs plain HTTP on a workshop laptop, and it has had no release
since 2023, so these few lines do the work.
"""

from __future__ import annotations

import re
import secrets
from functools import wraps
from urllib.parse import urlsplit

from flask import current_app
from flask import g

from .tiles import proxy_enabled

CSP_SOURCE = re.compile(r"^[A-Za-z0-9*'.:/_\-\[\]]+$")

SITE_WIDE = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def csp_nonce() -> str:
    """This request's nonce for an inline script: ``<script nonce="{{ csp_nonce() }}">``."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def embeddable(view):
    """Let other sites frame the pages ``view`` answers with (module docstring)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.embeddable = True
        return view(*args, **kwargs)

    return wrapper


def frame_ancestors(config) -> list[str]:
    """Who may frame this response: nobody, or ``EMBED_ALLOWED_ORIGINS`` for an embed."""
    if not g.get("embeddable"):
        return ["'none'"]
    origins = config.get("EMBED_ALLOWED_ORIGINS") or ["*"]
    origins = origins.split() if isinstance(origins, str) else origins
    # a source with a space, ";" or "," would end the directive and add others
    return [o for o in origins if CSP_SOURCE.match(o)] or ["'none'"]


def tile_source(tile_url: str) -> str | None:
    """The CSP source that admits the tile server of ``tile_url``: its origin, a
    ``{s}`` subdomain as ``*``; None for a URL on this site (``'self'`` admits it)."""
    parts = urlsplit(tile_url)
    if not parts.netloc:
        return None
    first, dot, rest = parts.netloc.partition(".")
    if "{" in rest or ("{" in first and first != "{s}"):
        return f"{parts.scheme}:"  # a placeholder CSP cannot express: the whole scheme
    host = f"*{dot}{rest}" if first == "{s}" else parts.netloc
    return f"{parts.scheme}://{host}"


def content_security_policy(
    tile_url: str, nonce: str | None, ancestors: list[str] | None = None
) -> str:
    tiles = tile_source(tile_url)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"] + ([f"'nonce-{nonce}'"] if nonce else []),
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"] + ([tiles] if tiles else []),
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ancestors or ["'none'"],
    }
    return "; ".join(" ".join([name, *values]) for name, values in directives.items())


def add_headers(response):
    """The headers, on every response (pages, JSON, files, errors)."""
    ancestors = frame_ancestors(current_app.config)
    for name, value in SITE_WIDE.items():
        if name != "X-Frame-Options" or ancestors == ["'none'"]:
            response.headers.setdefault(name, value)
    config = current_app.config
    # Tiles through the app's cache come from 'self'; only direct tiles need their server.
    tile_url = "" if proxy_enabled(config) else config["TILE_URL"]
    response.headers.setdefault(
        "Content-Security-Policy", content_security_policy(tile_url, g.get("csp_nonce"), ancestors)
    )
    return response


def init_app(app) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(add_headers)
