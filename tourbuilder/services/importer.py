"""From a set of media to a draft tour: stops placed from the media's GPS positions.

Used by ``tourbuilder import FOLDER`` and by the media page's "draft tour from these".
Making a tour from the media is the author's explicit choice, so the positions the camera
recorded count as confirmed for the items placed this way. Items without a position stay
in the library, flagged "needs a location".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from pathlib import Path

from flask import current_app

from ..extensions import db
from ..media import MediaError
from ..models import MediaItem
from ..models import MediaStatus
from ..models import Site
from ..models import SiteVisibility
from ..models import Stop
from ..models import StopMedia
from ..models import Team
from ..models import Tour
from .library import delete_media
from .library import store_upload
from .library import UploadError
from .processing import process_media_item
from .tours import create_tour

EARTH_RADIUS_M = 6_371_008.8


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass
class Located:
    """Anything with a position and perhaps a capture time (``ref`` is the caller's)."""

    ref: object
    lat: float
    lon: float
    taken_at: datetime | None = None


@dataclass
class Place:
    members: list[Located] = field(default_factory=list)

    @property
    def lat(self) -> float:
        return sum(m.lat for m in self.members) / len(self.members)

    @property
    def lon(self) -> float:
        return sum(m.lon for m in self.members) / len(self.members)

    @property
    def first_taken(self) -> datetime | None:
        times = [m.taken_at for m in self.members if m.taken_at is not None]
        return min(times) if times else None


def group_by_place(items: list[Located], radius_m: float = 150.0) -> list[Place]:
    """Group items taken within ``radius_m`` of a place's centre, in capture order.

    Items are visited by capture time (undated ones last, in the order given); each joins
    the nearest place whose centre is within ``radius_m``, else starts a new place. Places
    come back ordered by their first capture time, so a walk's stops follow the walk.
    """
    dated = sorted((i for i in items if i.taken_at is not None), key=lambda i: i.taken_at)
    ordered = dated + [i for i in items if i.taken_at is None]
    places: list[Place] = []
    for item in ordered:
        best, best_distance = None, radius_m
        for place in places:
            d = distance_m(item.lat, item.lon, place.lat, place.lon)
            if d <= best_distance:
                best, best_distance = place, d
        if best is None:
            best = Place()
            places.append(best)
        best.members.append(item)
    for place in places:
        place.members.sort(key=lambda m: (m.taken_at is None, m.taken_at or datetime.min))
    return places


@dataclass
class ImportReport:
    tour: Tour | None = None
    imported: list[MediaItem] = field(default_factory=list)
    duplicates: list[MediaItem] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)
    unplaced: list[MediaItem] = field(default_factory=list)


def import_folder(team: Team, folder: Path, title: str | None = None, user=None) -> ImportReport:
    """Ingest every file of ``folder`` (not recursive, hidden files skipped) into ``team``'s
    library, processing each now, then build a draft tour from those with GPS.

    Processing commits each item as it goes (see :mod:`.processing`); the tour is flushed
    for the caller to commit."""
    report = ImportReport()
    items = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        try:
            with open(path, "rb") as stream:
                item, created = store_upload(team, stream, path.name, user, queue=False)
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
    db.session.flush()
    return report


def tour_from_media(team: Team, items: list[MediaItem], title: str, language: str | None = None):
    """A draft tour with one stop (and one draft site) per place; returns (tour, unplaced).

    ``language`` is the language ``title`` was typed in: the person's interface language,
    which the adapter passes (a page); the team's first language when None (a command).
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
    lang = language or team.default_language
    languages = list(team.languages or [team.default_language])
    tour = create_tour(team, {lang: title}, languages=languages)
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
    db.session.flush()
    return tour, unplaced
