"""The app's own tile cache: ``/tiles/{z}/{x}/{y}.png`` proxies the configured tile server.

Browsers ask the app for base-map tiles; the app asks the tile server (``TILE_URL``) once,
keeps the answer on disk and serves it again until it expires, as the OpenStreetMap tile
usage policy asks (a real User-Agent, caching by the server's headers). Repeat views cost
the tile server nothing, and offline packs can take their tiles from here
(:func:`fetch`, :func:`tiles_in_bbox`).

It is no open proxy: only integer ``z/x/y`` in range reach the configured server, through
a URL built here; redirects are not followed; only PNG, JPEG and WebP pictures of at most
``TILE_UPSTREAM_MAX_BYTES`` are kept. Concurrent requests for one tile fetch it once. An
expired tile is served stale when the server fails (better than a grey map), and the
least recently used tiles go when the cache passes ``TILE_CACHE_MAX_BYTES``.

No Flask here: views/tiles.py is the thin HTTP adapter, and :func:`cache_for` finds the
cache of an app's settings.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from . import __version__
from .tile_grid import count_tiles  # noqa: F401 (the API for offline packs)
from .tile_grid import grid_problem
from .tile_grid import tiles_in_bbox  # noqa: F401
from .tile_grid import upstream_url
from .tile_store import TileStore

log = logging.getLogger(__name__)

TILE_TYPES = frozenset({"image/png", "image/jpeg", "image/webp"})
# Deployments name themselves and a contact with TILE_USER_AGENT (docs/configuration.md).
DEFAULT_USER_AGENT = f"tourbuilder/{__version__} (tile cache of a tourbuilder server)"


class TileError(Exception):
    """A tile cannot be served; ``status`` is the HTTP answer."""

    status = 502


class TileNotFound(TileError):
    """No such tile: coordinates out of range, or the server has none."""

    status = 404


class TileUnavailable(TileError):
    """The tile server failed or answered something that is not a tile."""

    status = 502


class TileTimeout(TileUnavailable):
    status = 504


@dataclass(frozen=True)
class CacheSettings:
    upstream: str  # XYZ template: {z} {x} {y}, optional {s} (a, b, c) and {r}
    directory: str
    max_bytes: int = 512 * 1024**2
    min_age: int = 24 * 3600
    max_age: int = 30 * 24 * 3600
    max_zoom: int = 19
    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 6.0
    upstream_max_bytes: int = 1024**2
    retry_after_failure: float = 20.0

    @classmethod
    def from_config(cls, config, instance_path: str) -> CacheSettings:
        return cls(
            upstream=config["TILE_URL"],
            directory=str(server_folder(config.get("TILE_CACHE_DIR") or instance_path, config)),
            max_bytes=int(config["TILE_CACHE_MAX_BYTES"]),
            min_age=int(config["TILE_CACHE_MIN_AGE"]),
            max_age=int(config["TILE_CACHE_MAX_AGE"]),
            max_zoom=int(config["TILE_MAX_ZOOM"]),
            user_agent=config["TILE_USER_AGENT"] or DEFAULT_USER_AGENT,
            timeout=float(config["TILE_UPSTREAM_TIMEOUT"]),
            upstream_max_bytes=int(config["TILE_UPSTREAM_MAX_BYTES"]),
        )


def server_folder(root: str, config) -> Path:
    """The cache folder of the configured tile server: one per ``TILE_URL`` under the
    cache root (default ``instance/tiles``), so another server's tiles are never served."""
    if not config.get("TILE_CACHE_DIR"):
        root = str(Path(root) / "tiles")
    digest = hashlib.sha256(config["TILE_URL"].encode()).hexdigest()[:16]
    return Path(root) / digest


@dataclass(frozen=True)
class Tile:
    data: bytes
    content_type: str
    etag: str
    expires: float  # epoch seconds; fresh until then
    stale: bool = False  # served past expiry because the server failed

    def max_age(self, now: float | None = None) -> int:
        """Seconds a browser may keep it: what is left of its freshness, a minute if stale."""
        if self.stale:
            return 60
        return max(0, int(self.expires - (now or time.time())))


def proxied(tile_url: str) -> bool:
    """Whether tiles of ``tile_url`` can go through the cache: an http(s) server elsewhere
    (a path on this site is served as it is)."""
    parts = urlsplit(tile_url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def proxy_enabled(config) -> bool:
    """Whether pages load tiles from ``/tiles/...`` (TILE_PROXY on, a server to proxy)."""
    return bool(config["TILE_PROXY"]) and proxied(config["TILE_URL"])


def check_coordinates(z: int, x: int, y: int, max_zoom: int) -> None:
    """:raise TileNotFound: not integers, or outside the tile grid of zoom ``z``."""
    problem = grid_problem(z, x, y, max_zoom)
    if problem:
        raise TileNotFound(problem)


def freshness(headers, min_age: int, max_age: int, now: float) -> float:
    """When the server's ``Cache-Control: max-age`` (or ``Expires``) says the tile
    expires, kept between ``min_age`` and ``max_age`` from now."""
    age = None
    for part in headers.get("Cache-Control", "").split(","):
        name, _, value = part.strip().partition("=")
        if name.lower() in ("max-age", "s-maxage") and value.strip().isdigit():
            age = int(value)
    if age is None and headers.get("Expires"):
        try:
            age = parsedate_to_datetime(headers["Expires"]).timestamp() - now
        except (TypeError, ValueError):
            age = None
    return now + min(max_age, max(min_age, age if age is not None else min_age))


class KeyedLocks:
    """One lock per key while someone holds or waits for it: one fetch per tile."""

    def __init__(self):
        self._guard = threading.Lock()
        self._locks: dict = {}  # key -> [lock, holders]

    @contextmanager
    def hold(self, key):
        with self._guard:
            entry = self._locks.setdefault(key, [threading.Lock(), 0])
            entry[1] += 1
        try:
            with entry[0]:
                yield
        finally:
            with self._guard:
                entry[1] -= 1
                if entry[1] == 0:
                    del self._locks[key]


def _session(user_agent: str) -> requests.Session:
    """A pooled HTTP session that names itself, as the tile usage policies ask."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=2, pool_maxsize=16, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = user_agent
    return session


class TileCache:
    """Tiles of one tile server, kept in one folder (see the module docstring)."""

    def __init__(self, settings: CacheSettings, session: requests.Session | None = None):
        self.settings = settings
        self.store = TileStore(settings.directory, settings.max_bytes)
        self.session = session or _session(settings.user_agent)
        self._locks = KeyedLocks()
        self._down_until = 0.0

    def get(self, z: int, x: int, y: int) -> Tile:
        """The tile, from the cache while fresh, else from the tile server; a stale one
        when the server fails.

        :raise TileNotFound: out of range, or the server has no such tile.
        :raise TileUnavailable: the server failed and nothing is cached (TileTimeout: it
            did not answer in time).
        """
        check_coordinates(z, x, y, self.settings.max_zoom)
        key = (z, x, y)
        cached = self._cached(key)
        if cached is not None and cached.expires > time.time():
            return cached
        with self._locks.hold(key):
            cached = self._cached(key)  # fetched by another request while we waited?
            if cached is not None and cached.expires > time.time():
                return cached
            try:
                return self._download(key, cached)
            except TileUnavailable:
                if cached is None:
                    raise
                return Tile(cached.data, cached.content_type, cached.etag, cached.expires, True)

    def fetch(self, z: int, x: int, y: int) -> bytes:
        """The tile's picture (for offline packs); raises as :meth:`get`."""
        return self.get(z, x, y).data

    def _cached(self, key) -> Tile | None:
        found = self.store.get(key)
        if found is None:
            return None
        data, meta = found
        return Tile(data, meta["type"], meta["etag"], float(meta["expires"]))

    def _failed(self, message: str, error=TileUnavailable):
        """Note the failure (requests in the next seconds fail at once instead of each
        waiting for the server) and return the error to raise."""
        self._down_until = time.monotonic() + self.settings.retry_after_failure
        log.warning("tile server: %s", message)
        return error(message)

    def _download(self, key, cached: Tile | None) -> Tile:
        if time.monotonic() < self._down_until:
            raise TileUnavailable("the tile server failed a moment ago")
        url = upstream_url(self.settings.upstream, *key)
        headers = {}
        if cached is not None:
            meta = self.store.get(key)
            validator = (meta[1].get("validator") or "") if meta else ""
            if validator:
                headers["If-None-Match"] = validator
        timeout = self.settings.timeout
        try:
            response = self.session.get(
                url,
                headers=headers,
                timeout=(min(3.0, timeout), timeout),
                stream=True,
                allow_redirects=False,
            )
        except requests.Timeout:
            raise self._failed(f"{url}: no answer in {timeout:g} s", TileTimeout) from None
        except requests.RequestException as exc:
            raise self._failed(f"{url}: {exc.__class__.__name__}") from None
        with response:
            now = time.time()
            expires = freshness(response.headers, self.settings.min_age, self.settings.max_age, now)
            if response.status_code == 304 and cached is not None:
                self._keep(key, cached.data, cached.content_type, expires, headers)
                return Tile(cached.data, cached.content_type, cached.etag, expires)
            if response.status_code == 404:
                raise TileNotFound("the tile server has no such tile")
            if response.status_code != 200:  # redirects included: never followed
                raise self._failed(f"{url}: HTTP {response.status_code}")
            kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if kind not in TILE_TYPES:
                raise self._failed(f"{url}: {kind or 'no content type'} is not a tile")
            data = self._read(response, url, now + timeout)
        validator = response.headers.get("ETag", "")
        self._keep(key, data, kind, expires, {"If-None-Match": validator})
        return Tile(data, kind, _etag(data), expires)

    def _read(self, response, url: str, deadline: float) -> bytes:
        limit = self.settings.upstream_max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise self._failed(f"{url}: {declared} bytes, more than {limit}")
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise self._failed(f"{url}: more than {limit} bytes")
                if time.time() > deadline:
                    raise self._failed(f"{url}: too slow", TileTimeout)
                chunks.append(chunk)
        except requests.RequestException as exc:
            raise self._failed(f"{url}: {exc.__class__.__name__}") from None
        return b"".join(chunks)

    def _keep(self, key, data: bytes, kind: str, expires: float, headers: dict) -> None:
        meta = {
            "type": kind,
            "etag": _etag(data),
            "expires": expires,
            "validator": headers.get("If-None-Match", ""),
        }
        self.store.put(key, data, meta)


def _etag(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=12).hexdigest()


_caches_lock = threading.Lock()


def cache_for(app) -> TileCache:
    """The tile cache of ``app``'s current settings (one per distinct settings)."""
    settings = CacheSettings.from_config(app.config, app.instance_path)
    with _caches_lock:
        caches = app.extensions.setdefault("tile_caches", OrderedDict())
        if settings not in caches:
            caches[settings] = TileCache(settings)
            while len(caches) > 4:  # tests change settings; keep a few
                caches.popitem(last=False)[1].session.close()
        return caches[settings]


def fetch(z: int, x: int, y: int, app=None) -> bytes:
    """A tile's picture through the cache of ``app`` (default: the current app)."""
    if app is None:
        from flask import current_app

        app = current_app._get_current_object()
    return cache_for(app).fetch(z, x, y)
