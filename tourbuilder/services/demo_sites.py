"""Synthetic public sites for trying the app at scale (``tourbuilder demo --sites N``).

The sites are spread around cities of the network's six countries, one team per country
writing in its languages, with themes and a few public tours through them, so anyone can
reproduce the performance figures of docs/performance.md. Positions and names come from a
seeded generator: the same N gives the same sites.
"""

from __future__ import annotations

import random

from sqlalchemy import func
from sqlalchemy import select

from ..extensions import db
from ..models import Site
from ..models import SiteVisibility
from ..models import Team
from ..models import TourVisibility
from .publishing import publish
from .team_settings import add_theme
from .teams import create_team
from .tours import add_stop
from .tours import create_tour

# country, its team's languages, and cities (name, lat, lon)
COUNTRIES = [
    ("ES", ["es", "en"], [("Sevilla", 37.389, -5.984), ("Barcelona", 41.387, 2.170)]),
    ("PT", ["pt", "en"], [("Lisboa", 38.722, -9.139), ("Porto", 41.150, -8.611)]),
    ("GR", ["el", "en"], [("Athína", 37.984, 23.728), ("Thessaloníki", 40.640, 22.944)]),
    ("TN", ["ar", "fr"], [("Tunis", 36.806, 10.181), ("Sfax", 34.740, 10.760)]),
    ("JO", ["ar", "en"], [("Amman", 31.954, 35.910), ("Irbid", 32.556, 35.850)]),
    ("PS", ["ar", "en"], [("Ramallah", 31.903, 35.204), ("Nablus", 32.222, 35.262)]),
]
KINDS = {
    "es": "Cooperativa",
    "en": "Cooperative",
    "pt": "Cooperativa",
    "el": "Συνεταιρισμός",
    "ar": "تعاونية",
    "fr": "Coopérative",
}
THEMES = ["food", "housing", "care", "energy", "culture", "finance", "crafts", "education"]
TEAM_PREFIX = "Synthetic sites"
BATCH = 1000
TOURS = 3
STOPS_PER_TOUR = 8


def _team(country: str, languages: list[str]) -> tuple[Team, dict]:
    """The country's synthetic team, and its theme keys by English label."""
    name = f"{TEAM_PREFIX} {country}"
    team = db.session.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = create_team(name, country, languages)
        for label in THEMES:
            add_theme(team, {"en": label})
    return team, {theme["labels"].get("en"): theme["key"] for theme in team.themes}


def add_synthetic_sites(count: int, seed: int = 1) -> list[Site]:
    """Add ``count`` public sites (and, from 24 sites on, three public tours through some of
    them); returns the sites. Numbers continue after sites made by an earlier run."""
    rng = random.Random(seed)
    teams = [(*_team(code, langs), langs, cities) for code, langs, cities in COUNTRIES]
    start = db.session.scalar(
        select(func.count(Site.id)).where(Site.team_id.in_([t[0].id for t in teams]))
    )
    sites = []
    for n in range(start + 1, start + count + 1):
        team, theme_keys, languages, cities = teams[n % len(teams)]
        _city, lat, lon = rng.choice(cities)
        site = Site(
            team=team,
            name={lang: f"{KINDS[lang]} {n}" for lang in languages},
            description={languages[0]: f"{KINDS[languages[0]]} {n}: {rng.choice(THEMES)}."},
            lat=round(min(max(lat + rng.gauss(0, 0.25), -90), 90), 6),
            lon=round(min(max(lon + rng.gauss(0, 0.25), -180), 180), 6),
            themes=[theme_keys[rng.choice(THEMES)]],
            approximate_location=rng.random() < 0.1,
            visibility=SiteVisibility.PUBLIC,
        )
        db.session.add(site)
        sites.append(site)
        if len(sites) % BATCH == 0:
            db.session.flush()
    db.session.flush()
    if len(sites) >= TOURS * STOPS_PER_TOUR:
        for number in range(TOURS):
            team = teams[number][0]
            chosen = [site for site in sites if site.team_id == team.id][:STOPS_PER_TOUR]
            tour = create_tour(
                team,
                {lang: f"{KINDS[lang]} · {start + number + 1}" for lang in team.languages},
                languages=list(team.languages),
            )
            for site in chosen:
                add_stop(tour, site_id=site.id, title=dict(site.name))
            publish(tour, TourVisibility.PUBLIC)
    return sites
