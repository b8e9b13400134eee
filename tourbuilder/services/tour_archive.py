"""The portable tour archive: a zip with ``tour.json`` (described by
:mod:`.archive_schema` and docs/tour-archive.md) and the original media files, which
another tourbuilder imports to the same tour (:mod:`.archive_import`).

Export writes everything of the tour (its editors' view): exact positions, presenter
notes, every media item with its captions, alt text, credit, licence and consent.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import datetime
from datetime import UTC
from typing import BinaryIO

from ..models import MediaKind
from ..models import Tour
from ..storage import get_storage
from .archive_import import ArchiveError  # noqa: F401 (the archive's one module for callers)
from .archive_import import import_archive  # noqa: F401
from .archive_import import ImportResult  # noqa: F401
from .archive_schema import DESCRIPTION
from .archive_schema import FORMAT
from .archive_schema import VERSION
from .errors import Conflict
from .errors import translate as _
from .zips import CHUNK


def _extension(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return "." + ext if ext.isascii() and ext.isalnum() and len(ext) <= 10 else ""


def _media_of(tour: Tour) -> list:
    items = [link.media for stop in tour.stops for link in stop.media_links]
    if tour.cover is not None:
        items.append(tour.cover)
    unique = {item.id: item for item in items if item.kind is not MediaKind.TRACK}
    return list(unique.values())


def _captions(item) -> dict[str, str]:
    """A video's or recording's WebVTT captions: storage key by language."""
    return {
        entry["language"]: entry["key"]
        for entry in (item.derivatives or {}).values()
        if entry.get("role") == "captions" and entry.get("language") and entry.get("key")
    }


def describe(tour: Tour) -> tuple[dict, dict]:
    """``tour.json`` as a dict, and the storage key of each file the archive holds (media
    originals and WebVTT captions) by its name in the archive."""
    items = _media_of(tour)
    media_refs = {item.id: f"media-{n}" for n, item in enumerate(items, start=1)}
    sites = {stop.site.id: stop.site for stop in tour.stops if stop.site is not None}
    sites.update({item.site.id: item.site for item in items if item.site is not None})
    site_refs = {site_id: f"site-{n}" for n, site_id in enumerate(sites, start=1)}
    files = {item.id: f"media/{item.sha256}{_extension(item.original_name)}" for item in items}
    document = {
        "format": FORMAT,
        "version": VERSION,
        "generator": "tourbuilder",
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tour": {
            "slug": tour.slug,
            "title": dict(tour.title),
            "summary": dict(tour.summary),
            "languages": list(tour.languages or []),
            "theme": tour.theme,
            "cover": media_refs.get(tour.cover_id),
        },
        "sites": [
            {
                "ref": site_refs[site.id],
                "name": dict(site.name),
                "description": dict(site.description),
                "lat": site.lat,
                "lon": site.lon,
                "address": site.address,
                "themes": list(site.themes or []),
                "theme_labels": {key: site.team.theme_labels_of(key) for key in site.themes or []},
                "website": site.website,
                "contact": site.contact,
                "approximate_location": site.approximate_location,
            }
            for site in sites.values()
        ],
        "stops": [
            {
                "title": dict(stop.title),
                "narrative": dict(stop.narrative),
                "presenter_notes": dict(stop.presenter_notes),
                "lat": stop.lat,
                "lon": stop.lon,
                "zoom": stop.zoom,
                "layout": stop.layout,
                "site": site_refs.get(stop.site_id),
                "media": [media_refs[link.media_id] for link in stop.media_links],
            }
            for stop in tour.stops
        ],
        "media": [
            {
                "ref": media_refs[item.id],
                "file": files[item.id],
                "sha256": item.sha256,
                "size": item.size,
                "kind": str(item.kind),
                "mime": item.mime,
                "original_name": item.original_name,
                "caption": dict(item.caption),
                "alt_text": dict(item.alt_text),
                "credit": item.credit,
                "licence": item.licence,
                "consent": str(item.consent),
                "captured_at": item.captured_at.isoformat() if item.captured_at else None,
                "lat": item.lat,
                "lon": item.lon,
                "as_panorama": bool(item.details.get("as_panorama")),
                "site": site_refs.get(item.site_id),
                "captions_files": {
                    lang: f"media/{item.sha256}.{lang}.vtt" for lang in sorted(_captions(item))
                },
            }
            for item in items
        ],
    }
    originals = {files[item.id]: item.original_key for item in items}
    for item in items:
        for lang, key in _captions(item).items():
            originals[f"media/{item.sha256}.{lang}.vtt"] = key
    return document, originals


def export_archive(tour: Tour, out: BinaryIO) -> None:
    """Write ``tour`` as a portable archive to ``out`` (a file open for writing).

    :raise Conflict: a media item's original is missing from storage.
    """
    document, originals = describe(tour)
    storage = get_storage()
    for entry in document["media"]:
        needed = [entry["file"], *entry["captions_files"].values()]
        if not all(storage.exists(originals[name]) for name in needed):
            raise Conflict(
                None,
                _(
                    "The original file of %(name)s is missing from storage: the tour cannot be "
                    "exported as an archive."
                )
                % {"name": entry["original_name"] or entry["ref"]},
            )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        text = json.dumps(document, ensure_ascii=False, indent=2)
        archive.writestr(DESCRIPTION, text.encode("utf-8"))
        for name, key in originals.items():
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED  # photos and videos are compressed
            info.external_attr = 0o644 << 16
            with storage.open(key) as source, archive.open(info, "w", force_zip64=True) as dst:
                shutil.copyfileobj(source, dst, CHUNK)


def archive_filename(tour: Tour) -> str:
    from .tour_export import safe_file_stem

    return f"{safe_file_stem(tour.slug)}.zip"
