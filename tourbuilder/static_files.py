"""Static files cheap to serve and to load: versioned URLs cached for a year, and compressed
responses.

- **Versioned URLs.** ``url_for("static", filename=...)`` adds ``?v=<hash>``, the first 12
  hex digits of the SHA-256 of the file's bytes (computed once per file and modification
  time). A response to a URL with the file's current version is sent with
  ``Cache-Control: public, max-age=31536000, immutable``: a browser never asks again, and
  a changed file gets a new URL. Any other static URL (no or an old ``v``, or files that
  vendored CSS names by relative path, such as Leaflet's images) keeps Flask's default:
  validated by ETag and Last-Modified on each use.
- **Compression** by Flask-Compress: HTML, CSS, JavaScript, JSON, GeoJSON, SVG and other
  text answers are sent with zstd, brotli or gzip, as the browser accepts. Flask-Compress is
  maintained, a few hundred lines, and works inside the app, so the security headers and
  the page cache (:mod:`tourbuilder.page_cache`) see every response. WhiteNoise was
  considered: it serves pre-compressed static files very cheaply, but as WSGI middleware
  outside Flask (no security headers, no compression of pages and JSON) and it needs a
  build step to write the compressed copies. Answers that are already compressed (the map
  layer, ``/api/v1/sites.geojson``, sends its own gzip) are left alone.
- **Compressed once.** A static file asked for by its current version never changes under
  that URL, so it is read whole and Flask-Compress keeps its compressed bytes in its cache
  (:class:`VersionedStaticCache`), one copy per encoding: a page's first visit costs the
  server a dictionary lookup per file, not a compression. Other static URLs are streamed
  and compressed as they are sent (zstd, brotli or deflate); pages and API answers are
  never cached.
"""

from __future__ import annotations

import hashlib
import os
import threading

from flask import g
from flask import request
from flask_compress import Compress

IMMUTABLE = "public, max-age=31536000, immutable"
COMPRESSED_TYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "text/xml",
    "text/vtt",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/geo+json",
    "application/manifest+json",
    "application/xml",
    "image/svg+xml",
]

_versions: dict[str, tuple[int, str]] = {}
_lock = threading.Lock()
compress = Compress()
# Files up to this size are compressed once and kept (Leaflet's script is 147 KB).
KEEP_UP_TO = 2 * 1024 * 1024


class VersionedStaticCache:
    """Flask-Compress's cache backend, keeping only versioned static files: their key is
    ``static:<path>?v=<version>`` (:func:`cache_key`); any other answer's key is empty and
    never kept, so pages and API answers are compressed afresh every time."""

    def __init__(self) -> None:
        self._kept: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self._kept.get(key)

    def set(self, key: str, value: bytes) -> None:
        if key.partition(";")[2].startswith("static:"):
            with _lock:
                self._kept[key] = value


def _versioned(folder: str) -> bool:
    """Whether this request is for a static file by its current version."""
    return (
        request.endpoint == "static"
        and bool(request.args.get("v"))
        and request.args.get("v") == file_version(folder, request.view_args["filename"])
    )


def cache_key(req) -> str:
    """Flask-Compress's cache key: a versioned static file's URL, else empty (not kept)."""
    return f"static:{req.full_path}" if g.get("static_versioned") else ""


def file_version(folder: str, filename: str) -> str | None:
    """The version of static file ``filename``: a hash of its bytes; None if it is missing."""
    path = os.path.join(folder, filename)
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        return None
    known = _versions.get(path)
    if known is not None and known[0] == mtime:
        return known[1]
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 16), b""):
            digest.update(chunk)
    version = digest.hexdigest()[:12]
    with _lock:
        _versions[path] = (mtime, version)
    return version


def init_app(app) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    app.config.setdefault("COMPRESS_CACHE_BACKEND", VersionedStaticCache)
    app.config.setdefault("COMPRESS_CACHE_KEY", cache_key)
    compress.init_app(app)
    folder = app.static_folder

    @app.url_defaults
    def add_version(endpoint, values):
        if endpoint == "static" and "v" not in values and "filename" in values:
            version = file_version(folder, values["filename"])
            if version:
                values["v"] = version

    # Registered after Flask-Compress, so it runs before it (Flask runs them in reverse).
    @app.after_request
    def cache_versioned(response):
        if response.status_code == 200 and _versioned(folder):
            response.headers["Cache-Control"] = IMMUTABLE
            if (response.content_length or 0) <= KEEP_UP_TO:
                # read whole, so Flask-Compress compresses it once and keeps it
                g.static_versioned = True
                response.direct_passthrough = False
                response.get_data()
        return response
