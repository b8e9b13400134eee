"""Absolute links to the app's pages, for what leaves the site: preview tags, oEmbed
answers, the sitemap and QR codes.

With ``PUBLIC_URL`` set (``https://tours.example.org``, with a path if the app is served
under one), every link is built on it and the request's Host header plays no part: a
hostile Host cannot end up printed in a QR code. Unset, links use the request's address
(fine on a workshop laptop; set it in production, docs/configuration.md).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from flask import request
from flask import url_for


def public_base() -> str:
    """The app's public root without a trailing slash: ``https://tours.example.org``."""
    configured = (current_app.config.get("PUBLIC_URL") or "").strip()
    if configured:
        return configured.rstrip("/")
    return request.url_root.rstrip("/")


def absolute_url(endpoint: str, **values) -> str:
    """The public address of ``url_for(endpoint, **values)``."""
    configured = (current_app.config.get("PUBLIC_URL") or "").strip()
    if not configured:
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(configured)
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path.rstrip("/") or "/", url_scheme=parts.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def local_path(url: str) -> str | None:
    """The path inside the app that ``url`` points to, when it is an http(s) address of
    this app (same host; either scheme); None for another host or a malformed URL."""
    try:
        parts = urlsplit(url)
        base = urlsplit(public_base())
        port_ok = parts.port == base.port  # reading .port raises on a malformed port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not port_ok:
        return None
    if (parts.hostname or "").lower() != (base.hostname or "").lower():
        return None
    root = base.path.rstrip("/")
    if root and not (parts.path == root or parts.path.startswith(root + "/")):
        return None
    return parts.path[len(root) :] or "/"
