"""From a set of media to a draft tour: stops placed from the media's GPS positions.

Used by ``tourbuilder import FOLDER`` and by the media page's "draft tour from these".
Making a tour from the media is the author's explicit choice, so the positions the camera
recorded count as confirmed for the items placed this way. Items without a position stay
in the library, flagged "needs a location".
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from flask import current_app

from .extensions import db
from .grouping import group_by_place
from .grouping import Located
from .library import delete_media
from .library import store_upload
from .library import UploadError
from .media import MediaError
from .models import MediaItem
from .models import MediaStatus
from .models import Site
from .models import SiteVisibility
from .models import Stop
from .models import StopMedia
from .models import Team
from .models import Tour
from .processing import process_media_item
from .tours import create_tour


@dataclass
class ImportReport:
    tour: Tour | None = None
    imported: list[MediaItem] = field(default_factory=list)
    duplicates: list[MediaItem] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)
    unplaced: list[MediaItem] = field(default_factory=list)


def import_folder(team: Team, folder: Path, title: str | None = None, user=None) -> ImportReport:
    """Ingest every file of ``folder`` (not recursive, hidden files skipped) into ``team``'s
    library, processing each now, then build a draft tour from those with GPS."""
    report = ImportReport()
    items = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        try:
            with open(path, "rb") as stream:
                item, created = store_upload(team, stream, path.name, user)
        except (UploadError, OSError) as exc:
            report.failed.append((path.name, str(exc)))
            continue
        try:
            process_media_item(item.id)
        except MediaError as exc:  # transient failure: the queue will try again later
            report.failed.append((path.name, exc.message))
            continue
        db.session.refresh(item)
        if item.status is MediaStatus.FAILED:
            report.failed.append((path.name, item.error))
            if created:  # the report says it; keep the library free of refused files
                delete_media(item)
            continue
        (report.imported if created else report.duplicates).append(item)
        items.append(item)
    report.tour, report.unplaced = tour_from_media(team, items, title or folder.name)
    db.session.commit()
    return report


def tour_from_media(team: Team, items: list[MediaItem], title: str):
    """A draft tour with one stop (and one draft site) per place; returns (tour, unplaced).

    The tour is None when no item has a position.
    """
    located, unplaced = [], []
    for item in items:
        if item.lat is None or item.lon is None:
            unplaced.append(item)
        else:
            located.append(Located(item, item.lat, item.lon, item.captured_at))
    if not located:
        return None, unplaced
    radius = float(current_app.config["IMPORT_GROUP_RADIUS_M"])
    lang = team.default_language
    tour = create_tour(team, {lang: title}, languages=list(team.languages or [lang]))
    for number, place in enumerate(group_by_place(located, radius), start=1):
        site = Site(
            team=team,
            name={lang: f"{title} · {number}"},
            lat=round(place.lat, 7),
            lon=round(place.lon, 7),
            visibility=SiteVisibility.DRAFT,
        )
        stop = Stop(site=site, zoom=17)
        for member in place.members:
            item = member.ref
            item.location_confirmed = True
            item.site = site
            stop.media_links.append(StopMedia(media=item))
        tour.stops.append(stop)
    tour.cover = tour.stops[0].media_links[0].media
    return tour, unplaced
