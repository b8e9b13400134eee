"""The portable tour archive: a zip with ``tour.json`` (described by
:mod:`.archive_schema` and docs/tour-archive.md) and the original media files, which
another tourbuilder imports to the same tour.

Export writes everything of the tour (its editors' view): exact positions, presenter
notes, every media item with its captions, alt text, credit, licence and consent.
Import checks the whole archive before creating anything (names, sizes, JSON, schema,
references, every media file's presence and SHA-256), then creates, in the caller's one
transaction, the sites, the media (through :func:`.library.store_upload`, so processing
rebuilds the derivatives; a file the team already has is reused as it is) and the tour
as a draft. Services flush; the adapter commits.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import UTC
from typing import BinaryIO

import jsonschema
from flask import current_app

from ..models import MediaKind
from ..models import Team
from ..models import Tour
from ..storage import get_storage
from ..text import clean_data
from . import library
from . import sites as site_service
from . import tours as tour_service
from .archive_schema import FORMAT
from .archive_schema import SCHEMA
from .archive_schema import VERSION
from .errors import Conflict
from .errors import InvalidValue
from .errors import translate as _
from .zips import CHUNK
from .zips import read_member
from .zips import safe_members

DESCRIPTION = "tour.json"
DESCRIPTION_MAX_BYTES = 20 * 1024 * 1024
_validator = jsonschema.Draft202012Validator(SCHEMA)


class ArchiveError(InvalidValue):
    """An archive that cannot be imported: damaged, malformed, of an unknown version."""

    def __init__(self, message: str):
        super().__init__("file", message, location="files")


@dataclass
class ImportResult:
    tour: Tour
    media_created: int = 0
    media_reused: list[str] = field(default_factory=list)


# -- export ----------------------------------------------------------------------------


def _extension(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return "." + ext if ext.isascii() and ext.isalnum() and len(ext) <= 10 else ""


def _media_of(tour: Tour) -> list:
    items = [link.media for stop in tour.stops for link in stop.media_links]
    if tour.cover is not None:
        items.append(tour.cover)
    unique = {item.id: item for item in items if item.kind is not MediaKind.TRACK}
    return list(unique.values())


def describe(tour: Tour) -> tuple[dict, dict]:
    """``tour.json`` as a dict, and the archive file name of each media item's original."""
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
            }
            for item in items
        ],
    }
    originals = {files[item.id]: item.original_key for item in items}
    return document, originals


def export_archive(tour: Tour, out: BinaryIO) -> None:
    """Write ``tour`` as a portable archive to ``out`` (a file open for writing).

    :raise Conflict: a media item's original is missing from storage.
    """
    document, originals = describe(tour)
    storage = get_storage()
    for entry in document["media"]:
        if not storage.exists(originals[entry["file"]]):
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


# -- import ----------------------------------------------------------------------------


def import_archive(team: Team, stream: BinaryIO, user) -> ImportResult:
    """Create the archive's tour as a draft of ``team``, with its sites and media.

    :raise ArchiveError: not a zip or damaged, an unsafe member, no or bad ``tour.json``
        (the message names the element), an unknown format version, a missing or altered
        media file. Nothing is created then.
    :raise TooLarge: the archive unpacks to more than ``TOUR_ARCHIVE_MAX_BYTES``.
    """
    config = current_app.config
    max_bytes, max_files = config["TOUR_ARCHIVE_MAX_BYTES"], config["TOUR_ARCHIVE_MAX_FILES"]
    with safe_members(stream, max_bytes, max_files) as (archive, members):
        names = {info.filename for info in members}
        if DESCRIPTION not in names:
            raise ArchiveError(_("The archive has no tour.json: it is not a tour archive."))
        document = read_description(read_member(archive, DESCRIPTION, DESCRIPTION_MAX_BYTES))
        _check_files(archive, names, document)
        return _create(team, archive, document, user)


def read_description(data: bytes) -> dict:
    """``tour.json`` parsed and checked: format, version, schema, references.

    :raise ArchiveError: naming the line or element at fault.
    """
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ArchiveError(_("tour.json is not UTF-8 text.")) from None
    except json.JSONDecodeError as exc:
        raise ArchiveError(
            _("tour.json, line %(line)d, column %(column)d: %(reason)s.")
            % {"line": exc.lineno, "column": exc.colno, "reason": exc.msg}
        ) from None
    except RecursionError:
        raise ArchiveError(_("tour.json is nested too deeply.")) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ArchiveError(_("tour.json does not describe a tourbuilder tour."))
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version > VERSION:
        raise ArchiveError(
            _(
                "tour.json is in format version %(version)s; "
                "this tourbuilder reads version %(known)d."
            )
            % {"version": str(version)[:20], "known": VERSION}
        )
    try:
        document = clean_data(document)
    except InvalidValue as exc:
        raise ArchiveError(f"tour.json, {exc.field}: {exc.message}") from None
    error = jsonschema.exceptions.best_match(_validator.iter_errors(document))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "(root)"
        message = error.message if len(error.message) <= 200 else error.message[:199] + "…"
        raise ArchiveError(f"tour.json, {where}: {message}")
    _check_references(document)
    return document


def _check_references(document: dict) -> None:
    sites = {site["ref"] for site in document["sites"]}
    media = {entry["ref"] for entry in document["media"]}
    if len(sites) != len(document["sites"]) or len(media) != len(document["media"]):
        raise ArchiveError(_("tour.json names a site or media entry twice."))
    wanted = [("tour/cover", document["tour"].get("cover"), media)]
    for n, stop in enumerate(document["stops"]):
        wanted.append((f"stops/{n}/site", stop.get("site"), sites))
        wanted += [(f"stops/{n}/media", ref, media) for ref in stop.get("media", [])]
    for n, entry in enumerate(document["media"]):
        wanted.append((f"media/{n}/site", entry.get("site"), sites))
    for where, ref, known in wanted:
        if ref is not None and ref not in known:
            raise ArchiveError(
                _("tour.json, %(where)s: %(ref)s is not described in the archive.")
                % {"where": where, "ref": ref}
            )
    for n, stop in enumerate(document["stops"]):
        if (stop.get("lat") is None) != (stop.get("lon") is None):
            raise ArchiveError(
                _("tour.json, stops/%(n)d: give both lat and lon, or neither.") % {"n": n}
            )


def _check_files(archive: zipfile.ZipFile, names: set, document: dict) -> None:
    """:raise ArchiveError: a media file is missing, damaged, or not the bytes described."""
    for entry in document["media"]:
        name = entry["file"]
        if name not in names:
            raise ArchiveError(
                _("The media file %(name)s described in tour.json is missing from the archive.")
                % {"name": name}
            )
        digest = hashlib.sha256()
        try:
            with archive.open(name) as member:
                while chunk := member.read(CHUNK):
                    digest.update(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
            raise ArchiveError(_("%(name)s in the zip file is damaged.") % {"name": name}) from None
        if digest.hexdigest() != entry["sha256"]:
            raise ArchiveError(
                _("The media file %(name)s does not match its SHA-256 in tour.json.")
                % {"name": name}
            )


def _create(team: Team, archive: zipfile.ZipFile, document: dict, user) -> ImportResult:
    sites = {}
    for entry in document["sites"]:
        fields = {k: v for k, v in entry.items() if k != "ref"}
        sites[entry["ref"]] = site_service.create_site(team, **fields)
    media, created, reused = {}, 0, []
    for entry in document["media"]:
        name = entry.get("original_name") or entry["file"].rsplit("/", 1)[-1]
        with archive.open(entry["file"]) as member:
            item, new = library.store_upload(team, member, name, user, entry.get("mime", ""))
        media[entry["ref"]] = item
        if not new:
            reused.append(item.original_name)
            continue
        created += 1
        site = sites.get(entry.get("site"))
        fields = {
            "caption": entry.get("caption", {}),
            "alt_text": entry.get("alt_text", {}),
            "credit": entry.get("credit", ""),
            "licence": entry.get("licence", ""),
            "consent": entry.get("consent", "not_yet"),
            "site_id": site.id if site else None,
            "lat": entry.get("lat"),
            "lon": entry.get("lon"),
        }
        library.update_item(item, **fields)
        if entry.get("as_panorama"):
            item.details["as_panorama"] = True  # processing, queued on commit, reads it
    tour_fields = document["tour"]
    cover = media.get(tour_fields.get("cover"))
    tour = tour_service.create_tour(
        team,
        tour_fields["title"],
        slug=tour_service.unique_slug(tour_fields.get("slug") or ""),
        summary=tour_fields.get("summary", {}),
        languages=tour_fields.get("languages") or [team.default_language],
        theme=tour_fields.get("theme") or "default",
        cover_id=cover.id if cover else None,
    )
    for stop in document["stops"]:
        site = sites.get(stop.get("site"))
        media_ids = list(dict.fromkeys(media[ref].id for ref in stop.get("media", [])))
        tour_service.add_stop(
            tour,
            title=stop.get("title", {}),
            narrative=stop.get("narrative", {}),
            presenter_notes=stop.get("presenter_notes", {}),
            lat=stop.get("lat"),
            lon=stop.get("lon"),
            zoom=stop.get("zoom"),
            layout=stop.get("layout", ""),
            site_id=site.id if site else None,
            media_ids=media_ids,
        )
    return ImportResult(tour, created, reused)
