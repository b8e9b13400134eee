"""Offline tour packs: a zip that presents a tour from ``file://`` with the network off.

``<slug>-offline.zip`` holds ``index.html`` (presentation mode) and ``presenter.html``
(the presenter view), rendered by :func:`.presenting.render_presentation` with relative
addresses (:class:`.pack_files.PackUrls`); ``assets/`` (every script, style and picture
those pages load, nothing else), ``media/`` at presentation size, ``tiles/{z}/{x}/{y}.png``
for the tour's area (:mod:`.pack_area`, through the app's tile cache), ``check.html`` (the
"ready offline" check) and ``README.txt``. docs/offline-pack.md describes it.

Built packs are kept under ``PACK_CACHE_DIR`` named by a digest of everything in them (the
published version's pages, media files, asset files, tile area), so "download again" is
instant and any change makes a new one; tiles come from the tile cache and panorama
scripts from a per-file cache, so a rebuild after a small change is quick.
Writing the zip is :mod:`.pack_build`; packing runs as a job (:mod:`.pack_jobs`); the CLI
plans and builds directly.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from flask import current_app

from .. import __version__
from .. import tiles as tile_cache
from ..models import Tour
from ..models import TourVisibility
from ..storage import get_storage
from . import pack_area
from . import pack_files
from . import presenting
from .errors import Conflict
from .errors import translate as _

#: Bump when the layout of a pack changes: older cached packs are not reused.
PACK_FORMAT = 1
#: The size a tile is taken to have when none of the area's tiles is cached yet.
DEFAULT_TILE_BYTES = 16 * 1024
#: folium names its map objects with random ids: left out of the cache key.
_RANDOM_IDS = re.compile(r"\b([a-z_]+)_[0-9a-f]{32}\b")


def check_packable(tour: Tour) -> None:
    """:raise Conflict: the tour is a draft (only published versions are packed)."""
    if tour.visibility is TourVisibility.DRAFT or tour.publication is None:
        raise Conflict(
            None,
            _("Drafts cannot be packed: publish the tour (public, unlisted or workshop) first."),
        )


def may_pack(user, tour: Tour) -> bool:
    """Those who may present a tour may pack it (:func:`.presenting.can_present`)."""
    return presenting.can_present(user, tour)


@dataclass
class PackPlan:
    """What a pack of ``tour`` in ``lang`` holds, worked out before anything is copied."""

    tour: Tour
    lang: str
    pages: dict  # name in the pack -> HTML
    urls: pack_files.PackUrls
    area: pack_area.TileArea | None
    statics: dict  # path under static/ -> file
    media: dict  # pack path -> (storage key, size)
    public_url: str = ""
    key: str = ""
    manifest: dict = field(default_factory=dict)

    @property
    def filename(self) -> str:
        return f"{self.tour.slug}-offline.zip"

    def estimate_bytes(self) -> int:
        """Expected size of the zip: media, pages and assets as they are, tiles at the
        average size of those of the area already cached (else DEFAULT_TILE_BYTES)."""
        fixed = sum(size for _key, size in self.media.values())
        # each panorama also travels as a data: URL script (base64: a third more)
        fixed += sum(size * 4 // 3 for p, (_k, size) in self.media.items() if "-panorama-" in p)
        fixed += sum(path.stat().st_size for path in self.statics.values())
        fixed += sum(len(html.encode()) for html in self.pages.values())
        return fixed + (self.area.count if self.area else 0) * average_tile_bytes(self.area)


def average_tile_bytes(area: pack_area.TileArea | None, sample: int = 200) -> int:
    if area is None:
        return 0
    store = tile_cache.cache_for(current_app._get_current_object()).store
    sizes = []
    for n, key in enumerate(area.tiles()):
        if n >= sample * 4 or len(sizes) >= sample:
            break
        size = store.cached_size(key)
        if size:
            sizes.append(size)
    return int(sum(sizes) / len(sizes)) if sizes else DEFAULT_TILE_BYTES


def _stop_places(tour: Tour) -> list[tuple[float, float, int]]:
    places = []
    for stop in tour.stops:
        position = stop.position_for(presenting.AUDIENCE)
        if position is not None:
            places.append((position[0], position[1], int(stop.zoom or 16)))
    return places


def plan_pack(
    tour: Tour,
    *,
    lang: str | None = None,
    interface_lang: str | None = None,
    max_zoom: int | None = None,
    public_url: str = "",
) -> PackPlan:
    """Render the pages of ``tour``'s published version and list what the pack needs.

    :raise Conflict: a draft, or a media file the pages show is missing from storage.
    """
    check_packable(tour)
    config = current_app.config
    shown = presenting.shown_version(tour)
    if lang not in (shown.languages or []):
        lang = shown.fallback_language()
    if interface_lang not in config["LANGUAGES"]:
        interface_lang = lang if lang in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]
    tiles_max = int(config["TILE_MAX_ZOOM"])
    area = None
    if tile_cache.proxied(config["TILE_URL"]):  # a tile server the cache can ask
        area = pack_area.plan_area(
            _stop_places(shown),
            budget=int(config["PACK_MAX_TILES"]),
            max_zoom=max_zoom,
            server_max_zoom=tiles_max,
        )
    storage = get_storage()
    urls = pack_files.PackUrls(read=lambda item, name: _read_derivative(storage, item, name))
    options = area.leaflet_options(tiles_max) if area else (("max_native_zoom", 0),)
    pages = {}
    for name, presenter in (("index.html", False), ("presenter.html", True)):
        pages[name] = presenting.render_presentation(
            shown,
            lang=lang,
            interface_lang=interface_lang,
            urls=urls,
            presenter=presenter,
            public_url=public_url,
            tile_options=options,
        )
    static_root = Path(current_app.static_folder)
    wanted = pack_files.referenced_statics(pages.values()) | {"js/pack-check.js"}
    statics = pack_files.static_files(static_root, wanted)
    media = {}
    for path, (item, name) in sorted(urls.media_files.items()):
        entry = (item.derivatives or {}).get(name) or {}
        key = entry.get("key")
        if not key or not storage.exists(key):
            raise Conflict(
                None,
                _("A file of %(name)s is missing from storage: the tour cannot be packed.")
                % {"name": item.original_name or f"#{item.id}"},
            )
        media[path] = (key, storage.size(key))
    plan = PackPlan(tour, lang, pages, urls, area, statics, media, public_url)
    plan.manifest = _manifest(plan, interface_lang)
    plan.key = _cache_key(plan)
    return plan


def _read_derivative(storage, item, name: str) -> bytes:
    key = ((item.derivatives or {}).get(name) or {}).get("key")
    if not key or not storage.exists(key):
        raise Conflict(
            None,
            _("A file of %(name)s is missing from storage: the tour cannot be packed.")
            % {"name": item.original_name or f"#{item.id}"},
        )
    with storage.open(key) as source:
        return source.read()


def _manifest(plan: PackPlan, interface_lang: str) -> dict:
    """What check.html expects to load (``assets/pack-manifest.js``)."""
    tiles = [f"tiles/{z}/{x}/{y}.png" for z, x, y in plan.area.tiles()] if plan.area else []
    return {
        "slug": plan.tour.slug,
        "lang": plan.lang,
        "interface_lang": interface_lang,
        "stops": len(plan.tour.stops),
        "media": sorted(p for p in plan.media if not p.endswith(".vtt")),
        "captions": sorted(p for p in plan.media if p.endswith(".vtt")),
        "tiles": tiles,
        "area": plan.area.as_json() if plan.area else None,
    }


def _cache_key(plan: PackPlan) -> str:
    """A digest of everything the pack holds (folium's random ids left out)."""
    digest = hashlib.sha256()
    parts = {
        "format": PACK_FORMAT,
        "version": __version__,
        "published": str(plan.tour.publication.published_at),
        "pages": {n: _RANDOM_IDS.sub(r"\1_", html) for n, html in plan.pages.items()},
        "statics": {p: [f.stat().st_size, f.stat().st_mtime_ns] for p, f in plan.statics.items()},
        "media": plan.media,
        "tiles": [current_app.config["TILE_URL"], plan.area.as_json() if plan.area else None],
        "manifest": plan.manifest,
    }
    digest.update(json.dumps(parts, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:24]


def pack_dir() -> Path:
    config = current_app.config
    folder = Path(config.get("PACK_CACHE_DIR") or Path(current_app.instance_path) / "packs")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cached_pack(plan: PackPlan) -> Path | None:
    path = pack_dir() / f"{plan.key}.zip"
    return path if path.is_file() else None
