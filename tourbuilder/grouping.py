"""Grouping geotagged media into places: pure functions, no database."""

from __future__ import annotations

import math
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime

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
