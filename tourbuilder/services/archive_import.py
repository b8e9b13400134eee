"""Importing a portable tour archive (format: :mod:`.archive_schema`, docs/tour-archive.md).

The whole archive is checked before anything is created (names, sizes, JSON, schema,
references, every media file's presence and SHA-256); then, in the caller's one
transaction, the sites, the media (through :func:`.library.store_upload`, so processing
rebuilds the derivatives; a file the team already has is reused as it is) and the tour as
a draft. Services flush; the adapter commits.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from dataclasses import field
from typing import BinaryIO

import jsonschema
from flask import current_app

from ..models import MediaKind
from ..models import Team
from ..models import Tour
from ..text import clean_data
from . import library
from . import sites as site_service
from . import tours as tour_service
from .archive_schema import DESCRIPTION
from .archive_schema import FORMAT
from .archive_schema import SCHEMA
from .archive_schema import VERSION
from .errors import DomainError
from .errors import InvalidValue
from .errors import translate as _
from .team_settings import add_theme
from .zips import CHUNK
from .zips import read_member
from .zips import safe_members

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
        for captions in entry.get("captions_files", {}).values():
            if captions not in names:
                raise ArchiveError(
                    _("The media file %(name)s described in tour.json is missing from the archive.")
                    % {"name": captions}
                )
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


def _attach_captions(archive: zipfile.ZipFile, item, entry: dict) -> None:
    """The entry's WebVTT captions on the new item, cleaned as an upload's are.

    :raise ArchiveError: a captions file is not WebVTT (the file is named).
    """
    if entry.get("captions_files") and entry.get("kind") in ("video", "audio"):
        item.kind = MediaKind(entry["kind"])  # processing confirms it from the bytes
    for lang, name in entry.get("captions_files", {}).items():
        try:
            with archive.open(name) as member:
                library.attach_captions(item, lang, member)
        except DomainError as exc:
            raise ArchiveError(f"{name}: {exc.message}") from None


def theme_for(team: Team, key: str, labels: dict | None) -> str:
    """The key of ``team``'s theme for an archive's theme: the same key, else one with the
    same label in some language, else a new theme with the archive's labels."""
    if key in team.theme_keys():
        return key
    labels = {lang: text for lang, text in (labels or {}).items() if text} or {
        team.default_language: key
    }
    for theme in team.themes:
        mine = theme.get("labels") or {}
        if any(mine.get(lang, "").casefold() == text.casefold() for lang, text in labels.items()):
            return theme["key"]
    return add_theme(team, labels)


def _create(team: Team, archive: zipfile.ZipFile, document: dict, user) -> ImportResult:
    sites = {}
    for entry in document["sites"]:
        fields = {k: v for k, v in entry.items() if k not in ("ref", "theme_labels")}
        labels = entry.get("theme_labels") or {}
        fields["themes"] = [
            theme_for(team, key, labels.get(key)) for key in fields.get("themes") or []
        ]
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
        _attach_captions(archive, item, entry)
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
