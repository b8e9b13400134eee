"""Configuration: code defaults, then the instance folder, then the environment.

Every setting is documented here and in docs/configuration.md.

==============================  ==========================================================
Environment variable            Meaning
==============================  ==========================================================
``DATABASE_URL``                SQLAlchemy URL. Default: SQLite file in the instance folder.
``REDIS_URL``                   When set, the job queue uses Redis and runs in separate
                                ``tourbuilder worker`` processes; otherwise SQLite and a
                                worker thread inside the app process.
``TOURBUILDER_MEDIA_ROOT``      Folder for uploads and derivatives. Default: ``media/``.
``TOURBUILDER_SECRET_KEY``      Session signing key. Default: generated on first run and
                                kept in ``instance/secret_key``.
``TOURBUILDER_INSTANCE_PATH``   Instance folder (SQLite file, secret key, job queue file,
                                ``config.py``). Default: ``instance/`` in the project.
``TOURBUILDER_TILE_URL``        XYZ tile URL template for base maps.
``TOURBUILDER_TILE_ATTRIBUTION`` Attribution HTML shown under maps.
``TOURBUILDER_*``               Any other setting below, by name (``TOURBUILDER_FOO=...``
                                sets ``FOO``); values are parsed as JSON when they can be.
==============================  ==========================================================
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS = {
    "MEDIA_ROOT": str(PROJECT_ROOT / "media"),
    "TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "TILE_ATTRIBUTION": (
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    ),
    "TILE_MAX_ZOOM": 19,
    # The tile cache (tourbuilder/tiles.py): browsers load /tiles/{z}/{x}/{y}.png, the app
    # fetches each tile from TILE_URL once and keeps it (false: browsers ask TILE_URL).
    "TILE_PROXY": True,
    "TILE_CACHE_DIR": None,  # default: instance/tiles
    "TILE_CACHE_MAX_BYTES": 512 * 1024**2,
    # A tile is kept as long as the tile server's Cache-Control says, within these bounds.
    "TILE_CACHE_MIN_AGE": 24 * 3600,
    "TILE_CACHE_MAX_AGE": 30 * 24 * 3600,
    "TILE_USER_AGENT": "",  # default: tourbuilder/<version> (+project URL)
    # Public pages kept per process for anonymous readers (tourbuilder/page_cache.py); 0: off.
    "PAGE_CACHE_SIZE": 256,
    "TILE_UPSTREAM_TIMEOUT": 6,
    "TILE_UPSTREAM_MAX_BYTES": 1024**2,
    # Follow-along (tourbuilder/live.py): a session idle this long ends; streams send a
    # comment line this often so proxies and phones keep the connection.
    "LIVE_IDLE_HOURS": 12,
    "LIVE_HEARTBEAT_SECONDS": 15,
    "LANGUAGES": {
        "en": "English",
        "es": "Español",
        "pt": "Português",
        "el": "Ελληνικά",
        "ar": "العربية",
        "fr": "Français",
        "ca": "Català",
    },
    "RTL_LANGUAGES": ["ar", "he", "fa", "ur"],
    # Sharing (views/sharing.py): the address people reach the app at, e.g.
    # "https://tours.example.org" (with a path if it is served under one). Links in
    # preview tags, oEmbed answers, the sitemap and QR codes use it; unset, they use the
    # address of the request (its Host header).
    "PUBLIC_URL": "",
    # Sites that may frame a tour's embed view: CSP frame-ancestors sources.
    "EMBED_ALLOWED_ORIGINS": ["*"],
    # How long browsers and caches may keep a QR code or the sitemap.
    "SHARE_CACHE_SECONDS": 3600,
    "BABEL_DEFAULT_LOCALE": "en",
    "INVITATION_DAYS": 7,
    # werkzeug's password hashing; tests use a cheap one.
    "PASSWORD_HASH_METHOD": "scrypt",
    # Throttling (throttle.py): wrong passwords per email typed; sign-in and invitation
    # attempts per client address (a workshop room shares one); attempts per invitation
    # link and per account changing its password.
    "LOGIN_RATE_LIMIT_PER_ACCOUNT": "10 per 15 minutes",
    "LOGIN_RATE_LIMIT_PER_ADDRESS": "60 per 15 minutes",
    "INVITATION_RATE_LIMIT": "10 per 15 minutes",
    "PASSWORD_CHANGE_RATE_LIMIT": "10 per 15 minutes",
    # follow-along codes that find no session, per client address (views/live.py)
    "LIVE_CODE_RATE_LIMIT": "60 per minute;300 per hour",
    # Workshop reflections sent from phones, per client per workshop (services/reflections.py).
    "REFLECTION_RATE_LIMIT": "5 per minute",
    # Reverse proxies in front that set X-Forwarded-For: the client address is read from it.
    "PROXY_COUNT": 0,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "MAX_CONTENT_LENGTH": 4 * 1024**3,
    # Largest JSON body the API reads (a tour with hundreds of stops is a few hundred KB).
    "API_JSON_MAX_BYTES": 1024**2,
    # How long browsers and proxies may show a published photo or video without asking
    # again: consent can be withdrawn, so this stays short (the server stops at once).
    "MEDIA_CACHE_SECONDS": 300,
    # Largest file one upload may carry; per-kind limits are checked once the content is
    # recognised (UPLOAD_LIMITS, bytes).
    "UPLOAD_MAX_BYTES": 4 * 1024**3,
    "UPLOAD_LIMITS": {
        "photo": 200 * 1024**2,
        "panorama": 300 * 1024**2,
        "video": 4 * 1024**3,
        "audio": 500 * 1024**2,
    },
    # Media taken within this many metres of a place's centre become one stop on import.
    "IMPORT_GROUP_RADIUS_M": 150,
    # A portable tour archive may unpack to at most this many bytes in this many files
    # (guards against zip bombs; each media file also obeys UPLOAD_MAX_BYTES).
    "TOUR_ARCHIVE_MAX_BYTES": 8 * 1024**3,
    "TOUR_ARCHIVE_MAX_FILES": 5000,
    # Offline tour packs (docs/offline-pack.md): most map tiles one pack carries, where
    # built packs are kept (default: instance/packs) and how many are kept.
    "PACK_MAX_TILES": 1500,
    "PACK_CACHE_DIR": None,
    "PACK_CACHE_KEEP": 10,
    # How long an interrupted resumable upload can be continued.
    "UPLOAD_RESUME_HOURS": 48,
    "WTF_CSRF_TIME_LIMIT": None,
    "JOB_QUEUE_IMMEDIATE": False,
    "JOB_QUEUE_NAME": "tourbuilder",
    "JOB_WORKERS": 2,
    # A media item "processing" with no progress report for this long is taken as abandoned
    # by a crashed worker and queued again.
    "JOB_STALE_SECONDS": 120,
    "API_TITLE": "tourbuilder API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
}

# Environment variables with names of their own (all others are TOURBUILDER_<SETTING>).
NAMED_ENV = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "REDIS_URL": "REDIS_URL",
}


def _parse(value: str):
    try:
        return json.loads(value)
    except ValueError:
        return value


def from_environment(environ=None) -> dict:
    """Settings found in the environment, keyed by setting name."""
    environ = os.environ if environ is None else environ
    found = {}
    for var, key in NAMED_ENV.items():
        if environ.get(var):
            found[key] = environ[var]
    for var, value in environ.items():
        if var.startswith("TOURBUILDER_") and var != "TOURBUILDER_ADMIN_PASSWORD":
            found[var.removeprefix("TOURBUILDER_")] = _parse(value)
    return found


def normalise_database_url(url: str) -> str:
    """Accept the usual ``postgres://`` and ``postgresql://`` forms and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def persistent_secret_key(instance_path: str) -> str:
    """Read the secret key kept in the instance folder, creating it on first run."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
