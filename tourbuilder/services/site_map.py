"""The public map of every project: one compact layer, its search, and a popup's card.

The home map draws up to tens of thousands of public sites, clustered in the browser. What
it needs is built here once per state of the data and kept until a public site or team
changes (:func:`data_version`), so a page view costs a dictionary lookup:

- :func:`layer` is the GeoJSON FeatureCollection of ``/api/v1/sites.geojson``, with the
  teams that own the sites as a foreign member (``"teams": {id: {name, country}}``), so a
  feature carries the team's id, not its name and country again;
- :func:`search` matches words against every language of the sites' names and
  descriptions, ignoring case and accents ("espana" finds "España");
- :func:`card` is what a popup shows of one site, built when the popup opens;
- the layer's ``overview`` is the map's first view, which the home page carries so the
  projects show before the layer has downloaded (:mod:`.map_overview`).

Approximate sites are rounded here as everywhere the public sees them.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import select

from ..extensions import db
from ..labels import country_name
from ..models import Site
from ..models import SiteVisibility
from ..models import Team
from ..models.sites import APPROXIMATE_DECIMALS
from . import map_overview

# Exact public positions are sent to about a metre: more digits cost bytes, not precision.
EXACT_DECIMALS = 5
_CACHE_SIZE = 16


@dataclass(frozen=True)
class Layer:
    """The GeoJSON of the public sites in one language, as bytes ready to send."""

    body: bytes
    gzipped: bytes
    etag: str
    count: int
    facets: dict  # countries, teams (id -> name), themes, languages: the filters' choices
    overview: dict  # the map's first view, drawn before the layer arrives (map_overview)


@dataclass(frozen=True)
class _Index:
    ids: list[int]
    texts: list[str]


_lock = threading.Lock()
_layers: dict[tuple, Layer] = {}
_indexes: dict[tuple, _Index] = {}


def data_version() -> tuple:
    """A cheap fingerprint of everything the public map shows: it changes when a public
    site is added, changed, hidden or deleted, or a team is renamed."""
    public = Site.visibility == SiteVisibility.PUBLIC
    sites = db.session.execute(
        select(
            func.count(Site.id), func.coalesce(func.sum(Site.id), 0), func.max(Site.updated_at)
        ).where(public)
    ).one()
    teams = db.session.execute(select(func.count(Team.id), func.max(Team.updated_at))).one()
    return (db.engine.url.render_as_string(), *map(str, sites), *map(str, teams))


def _remember(cache: dict, key: tuple, value):
    with _lock:
        if len(cache) >= _CACHE_SIZE:
            cache.pop(next(iter(cache)))
        cache[key] = value
    return value


def _rows():
    return db.session.execute(
        select(
            Site.id,
            Site.team_id,
            Site.name,
            Site.description,
            Site.lat,
            Site.lon,
            Site.approximate_location,
            Site.themes,
        )
        .where(Site.visibility == SiteVisibility.PUBLIC)
        .order_by(Site.id)
    ).all()


def _text(versions: dict, lang: str | None, fallback: str) -> str:
    for candidate in (lang, fallback):
        if candidate and versions.get(candidate):
            return versions[candidate]
    return next((v for v in versions.values() if v), "")


def layer(lang: str | None) -> Layer:
    """The public sites as a GeoJSON FeatureCollection, names in ``lang`` where written.

    Each feature: ``id``, a Point, and properties ``name``, ``team`` (an id of the
    collection's ``teams``), ``themes`` (their labels in ``lang``), ``languages`` (those its
    name or description is written in) and ``approximate`` (only when true: the position is
    rounded to ~1 km).
    """
    key = (lang, data_version())
    cached = _layers.get(key)
    if cached is not None:
        return cached
    teams = {
        team.id: team
        for team in db.session.scalars(select(Team).where(Team.id.in_(select(Site.team_id))))
    }
    features = []
    for row in _rows():
        team = teams[row.team_id]
        fallback = team.languages[0] if team.languages else "en"
        digits = APPROXIMATE_DECIMALS if row.approximate_location else EXACT_DECIMALS
        properties = {
            "name": _text(row.name or {}, lang, fallback),
            "team": row.team_id,
            "themes": [team.theme_label(key, lang) for key in row.themes or []],
            "languages": sorted({k for k, v in {**row.description, **row.name}.items() if v}),
        }
        if row.approximate_location:
            properties["approximate"] = True
        features.append(
            {
                "type": "Feature",
                "id": row.id,
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(row.lon, digits), round(row.lat, digits)],
                },
                "properties": properties,
            }
        )
    collection = {
        "type": "FeatureCollection",
        "teams": {
            str(team.id): {
                "name": team.name,
                "country": team.country,
                "country_name": country_name(team.country, lang or "en") if team.country else "",
            }
            for team in teams.values()
        },
        "features": features,
    }
    facets = {
        "countries": sorted({team.country for team in teams.values() if team.country}),
        "teams": {team.id: team.name for team in sorted(teams.values(), key=lambda t: t.name)},
        "themes": sorted({theme for f in features for theme in f["properties"]["themes"]}),
        "languages": sorted({code for f in features for code in f["properties"]["languages"]}),
    }
    body = json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()
    etag = hashlib.sha256(body).hexdigest()[:32]
    packed = gzip.compress(body, compresslevel=6, mtime=0)
    first_view = map_overview.overview(
        [
            (*reversed(f["geometry"]["coordinates"]), f["id"], f["properties"]["name"])
            for f in features
        ]
    )
    built = Layer(body, packed, etag, len(features), facets, first_view)
    return _remember(_layers, key, built)


def fold(text: str) -> str:
    """Text for matching: lower case, no accents or Arabic vowel marks, spaces squeezed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(kept.split())


def search(words: str, limit: int = 5000) -> list[int]:
    """Ids of the public sites whose name or description, in any language, contains every
    word of ``words`` (case and accents ignored), in id order."""
    terms = fold(words).split()
    if not terms:
        return []
    key = ("search", data_version())
    index = _indexes.get(key)
    if index is None:
        ids, texts = [], []
        for row in _rows():
            ids.append(row.id)
            texts.append(fold(" ".join([*row.name.values(), *row.description.values()])))
        index = _remember(_indexes, key, _Index(ids, texts))
    found = [
        i for i, text in zip(index.ids, index.texts, strict=True) if all(t in text for t in terms)
    ]
    return found[:limit]
