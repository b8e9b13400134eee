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
Packing runs as a job (:mod:`.pack_jobs`); the CLI calls :func:`build_pack` directly.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from flask import current_app
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext

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
#: Types worth compressing; pictures, videos and sound already are.
DEFLATE = (".html", ".js", ".css", ".txt", ".json", ".vtt", ".svg")
#: folium names its map objects with random ids: left out of the cache key.
_RANDOM_IDS = re.compile(r"\b([a-z_]+)_[0-9a-f]{32}\b")

Progress = Callable[[str, int, int], None]


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


@dataclass
class PackResult:
    path: Path
    size: int
    reused: bool
    seconds: float
    counts: dict


def build_pack(plan: PackPlan, progress: Progress | None = None) -> PackResult:
    """The zip of ``plan``: the cached one when it exists, else built (tiles through the
    tile cache, in parallel) and kept. ``progress(step, done, total)`` is called as it goes."""
    started = time.monotonic()
    progress = progress or (lambda step, done, total: None)
    counts = {
        "stops": len(plan.tour.stops),
        "media": len(plan.media),
        "tiles": plan.area.count if plan.area else 0,
    }
    found = cached_pack(plan)
    if found is not None:
        os.utime(found)  # recently used: kept longest
        progress("done", 1, 1)
        return PackResult(found, found.stat().st_size, True, time.monotonic() - started, counts)
    target = pack_dir() / f"{plan.key}.zip"
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    total = len(plan.statics) + len(plan.media) + counts["tiles"] + 1
    done = 0
    missing_tiles = 0
    with zipfile.ZipFile(partial, "w", allowZip64=True) as archive:
        for name, html in plan.pages.items():
            _write(archive, name, html.encode("utf-8"))
        _write(archive, "check.html", _check_page(plan).encode("utf-8"))
        _write(archive, "README.txt", _readme(plan).encode("utf-8"))
        manifest = json.dumps(plan.manifest, separators=(",", ":"))
        _write(
            archive, "assets/pack-manifest.js", f"window.tourbuilderPack = {manifest};\n".encode()
        )
        static_root = Path(current_app.static_folder)
        _write(archive, "assets/" + pack_files.ATLAS_SCRIPT, pack_files.atlas_script(static_root))
        done += 1
        progress("assets", done, total)
        for relative, path in sorted(plan.statics.items()):
            _write(archive, "assets/" + relative, path.read_bytes())
            done += 1
        progress("media", done, total)
        storage = get_storage()
        for path, (key, _size) in plan.media.items():
            with storage.open(key) as source:
                data = source.read()
            _write(archive, path, data)
            if "-panorama-" in path:
                script = _panorama_script(path, f"{key}:{storage.modified(key)}", data)
                _write(archive, pack_files.panorama_script(path), script)
            done += 1
            progress("media", done, total)
        if plan.area is not None:
            for n, (tile, data) in enumerate(_fetch_tiles(plan.area), start=1):
                if data is None:
                    missing_tiles += 1
                    data = blank_tile()
                z, x, y = tile
                _write(archive, f"tiles/{z}/{x}/{y}.png", data)
                if n % 25 == 0 or n == counts["tiles"]:
                    progress("tiles", done + n, total)
    os.replace(partial, target)
    _prune(keep=int(current_app.config["PACK_CACHE_KEEP"]))
    progress("done", total, total)
    counts["tiles_missing"] = missing_tiles
    return PackResult(target, target.stat().st_size, False, time.monotonic() - started, counts)


def _write(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED if name.endswith(DEFLATE) else zipfile.ZIP_STORED
    archive.writestr(info, data, compresslevel=6 if info.compress_type else None)


def _fetch_tiles(area: pack_area.TileArea):
    """``((z, x, y), picture or None)`` for every tile of ``area``, eight at a time."""
    app = current_app._get_current_object()
    cache = tile_cache.cache_for(app)

    def one(tile):
        try:
            return tile, cache.fetch(*tile)
        except tile_cache.TileError:
            return tile, None

    with ThreadPoolExecutor(max_workers=8) as pool:
        yield from pool.map(one, area.tiles())


_BLANK = []


def blank_tile() -> bytes:
    """A transparent 256 px PNG for a tile the server did not give (the built-in basemap
    shows through it)."""
    if not _BLANK:
        from PIL import Image

        out = io.BytesIO()
        Image.new("LA", (256, 256), (0, 0)).save(out, "PNG", optimize=True)
        _BLANK.append(out.getvalue())
    return _BLANK[0]


def _panorama_script(path: str, key: str, data: bytes) -> bytes:
    """The panorama as a ``data:`` URL script, cached per file (``files/`` beside the packs)."""
    folder = pack_dir() / "files"
    folder.mkdir(exist_ok=True)
    name = hashlib.sha256(f"{path}\0{key}\0{len(data)}".encode()).hexdigest()[:32] + ".js"
    cached = folder / name
    if cached.is_file():
        return cached.read_bytes()
    script = pack_files.data_url_script(path, data)
    temporary = cached.with_name(f"{name}.{os.getpid()}.part")
    temporary.write_bytes(script)
    os.replace(temporary, cached)
    return script


def _prune(keep: int) -> None:
    """Keep the ``keep`` packs used last (and the panorama scripts of the last day)."""
    folder = pack_dir()
    packs = sorted(folder.glob("*.zip"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in packs[keep:]:
        old.unlink(missing_ok=True)
    day_ago = time.time() - 24 * 3600
    for script in (folder / "files").glob("*.js"):
        if script.stat().st_mtime < day_ago:
            script.unlink(missing_ok=True)


def _check_page(plan: PackPlan) -> str:
    lang = plan.manifest["interface_lang"]
    with force_locale(lang):
        patterns = {  # filled in by static/js/pack-check.js
            "ready": gettext(
                "Ready offline: %(stops)s stops, %(media)s media files, %(tiles)s map tiles"
            ),
            "missing": gettext(
                "Not ready: %(num)s files did not load (listed below). Build and download "
                "the pack again."
            ),
        }
        return render_template(
            "pack/check.html",
            lang=lang,
            title=plan.tour.text("title", plan.lang),
            patterns=patterns,
        )


def _readme(plan: PackPlan) -> str:
    with force_locale(plan.manifest["interface_lang"]):
        return render_template(
            "pack/README.txt",
            title=plan.tour.text("title", plan.lang),
            filename=plan.filename,
            stops=plan.manifest["stops"],
            media=len(plan.manifest["media"]),
            tiles=len(plan.manifest["tiles"]),
        )
