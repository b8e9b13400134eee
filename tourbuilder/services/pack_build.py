"""Writing an offline tour pack's zip from its plan (:mod:`.tour_pack`): pages, the check
page and README, assets, media (panoramas also as ``data:`` scripts), tiles through the tile
cache (eight at a time), into ``PACK_CACHE_DIR/<key>.zip``; the packs used last are kept."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import time
import uuid
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext

from .. import tiles as tile_cache
from ..storage import get_storage
from . import pack_area
from . import pack_files
from .tour_pack import cached_pack
from .tour_pack import pack_dir
from .tour_pack import PackPlan

#: Types worth compressing; pictures, videos and sound already are.
DEFLATE = (".html", ".js", ".css", ".txt", ".json", ".vtt", ".svg")

Progress = Callable[[str, int, int], None]


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
    partial = target.with_name(f"{target.name}.{uuid.uuid4().hex}.part")
    total = len(plan.statics) + len(plan.media) + counts["tiles"] + 1
    try:
        missing_tiles = _write_zip(plan, partial, progress, total)
    except BaseException:
        partial.unlink(missing_ok=True)  # nothing half-written is left behind
        raise
    os.replace(partial, target)
    _prune(keep=int(current_app.config["PACK_CACHE_KEEP"]))
    progress("done", total, total)
    counts["tiles_missing"] = missing_tiles
    return PackResult(target, target.stat().st_size, False, time.monotonic() - started, counts)


def _write_zip(plan: PackPlan, partial: Path, progress: Progress, total: int) -> int:
    """Write the pack to ``partial``; the number of tiles the server did not give."""
    done = 0
    missing_tiles = 0
    with zipfile.ZipFile(partial, "w", allowZip64=True) as archive:
        for name, html in plan.pages.items():
            _write(archive, name, html.encode("utf-8"))
        _write(archive, "check.html", _check_page(plan).encode("utf-8"))
        _write(archive, "README.txt", _readme(plan).encode("utf-8"))
        manifest = json.dumps(plan.manifest, separators=(",", ":"))
        script = f"window.tourbuilderPack = {manifest};\n"
        _write(archive, "assets/pack-manifest.js", script.encode())
        atlas = pack_files.atlas_script(Path(current_app.static_folder))
        _write(archive, "assets/" + pack_files.ATLAS_SCRIPT, atlas)
        done += 1
        progress("assets", done, total)
        for relative, path in sorted(plan.statics.items()):
            _write(archive, "assets/" + relative, path.read_bytes())
            done += 1
        progress("media", done, total)
        storage = get_storage()
        for path, (key, _size) in plan.media.items():
            if "-panorama-" in path:  # read whole: it also goes in as a data: URL script
                with storage.open(key) as source:
                    data = source.read()
                _write(archive, path, data)
                script = _panorama_script(path, f"{key}:{storage.modified(key)}", data)
                _write(archive, pack_files.panorama_script(path), script)
            else:  # videos can be large: streamed
                entry = archive.open(_info(path), "w", force_zip64=True)
                with storage.open(key) as source, entry as out:
                    shutil.copyfileobj(source, out, 1024 * 1024)
            done += 1
            progress("media", done, total)
        if plan.area is not None:
            for n, (tile, data) in enumerate(_fetch_tiles(plan.area), start=1):
                if data is None:
                    missing_tiles += 1
                    data = blank_tile()
                z, x, y = tile
                _write(archive, f"tiles/{z}/{x}/{y}.png", data)
                if n % 25 == 0 or n == plan.area.count:
                    progress("tiles", done + n, total)
    return missing_tiles


def _info(name: str) -> zipfile.ZipInfo:
    """A fixed date and mode (the same files make the same zip); text compressed."""
    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED if name.endswith(DEFLATE) else zipfile.ZIP_STORED
    return info


def _write(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = _info(name)
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
    temporary = cached.with_name(f"{name}.{uuid.uuid4().hex}.part")
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
