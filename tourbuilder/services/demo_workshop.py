"""The demo's workshop: a second team (Tunis) with a small public tour, and a workshop
whose programme holds both teams' tours, so a fresh ``make run`` shows how workshops bring
teams together. The demo has no accounts: site admins see every workshop and may add
themselves (or anyone) as its facilitators."""

from __future__ import annotations

from datetime import date
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import SiteVisibility
from ..models import Team
from ..models import Tour
from ..models import TourVisibility
from ..models import Workshop
from ..models import WorkshopTour
from .demo import draw_photo
from .demo import store_demo_file
from .library import update_item
from .publishing import publish
from .sites import create_site
from .team_settings import set_map_view
from .teams import create_team
from .tours import add_stop
from .tours import create_tour

DEMO_TEAM = "Demo · Tunis"
DEMO_SLUG = "tunis-medina-solidaire"
DEMO_WORKSHOP = "Demo workshop · Mediterranean exchange"

STOPS = [
    {
        "name": {"fr": "Souk des chéchias", "en": "Chechia market", "ar": "سوق الشواشية"},
        "lat": 36.79905,
        "lon": 10.16995,
        "colour": (170, 40, 50),
        "narrative": {
            "fr": "Des artisans de la chéchia se sont regroupés en **coopérative** pour "
            "acheter la laine ensemble et vendre sans intermédiaires.",
            "en": "Chechia makers formed a **cooperative** to buy wool together and sell "
            "without middlemen.",
        },
    },
    {
        "name": {"fr": "Dar Lasram", "en": "Dar Lasram", "ar": "دار الأصرم"},
        "lat": 36.80072,
        "lon": 10.16613,
        "colour": (70, 110, 160),
        "narrative": {
            "fr": "Une association de quartier y fait visiter la médina et forme des "
            "jeunes guides.",
            "en": "A neighbourhood association runs visits of the medina here and trains "
            "young guides.",
        },
    },
]


def create_tunis_tour() -> Tour:
    """The second demo team and its public two-stop tour (made once)."""
    existing = db.session.scalar(select(Tour).where(Tour.slug == DEMO_SLUG))
    if existing is not None:
        return existing
    team = db.session.scalar(select(Team).where(Team.name == DEMO_TEAM))
    if team is None:
        team = create_team(DEMO_TEAM, "TN", ["fr", "ar", "en"])
        set_map_view(team, 36.7995, 10.168, 15)
    tour = create_tour(
        team,
        {"fr": "Médina solidaire", "en": "Solidarity medina", "ar": "المدينة التضامنية"},
        slug=DEMO_SLUG,
        summary={"fr": "Deux initiatives de la médina de Tunis.", "en": "Two initiatives in "
                 "the medina of Tunis."},
        languages=["fr", "ar", "en"],
    )  # fmt: skip
    for index, spec in enumerate(STOPS):
        photo = store_demo_file(
            team,
            draw_photo(spec["name"]["fr"], spec["colour"], 60 + index, size=(1200, 800)),
            f"demo-tunis-{index + 1}.jpg",
        )
        site = create_site(
            team,
            name=spec["name"],
            lat=spec["lat"],
            lon=spec["lon"],
            visibility=SiteVisibility.PUBLIC,
        )
        update_item(
            photo,
            caption={"fr": spec["name"]["fr"], "en": spec["name"]["en"]},
            alt_text={
                "fr": f"Illustration : {spec['name']['fr']}",
                "en": f"Illustration of {spec['name']['en']}",
            },
            site_id=site.id,
            lat=spec["lat"],
            lon=spec["lon"],
            location_confirmed=True,
        )
        add_stop(
            tour,
            site_id=site.id,
            title=spec["name"],
            narrative=spec["narrative"],
            zoom=17,
            media_ids=[photo.id],
        )
    tour.cover_id = tour.stops[0].media_links[0].media_id
    publish(tour, TourVisibility.PUBLIC)
    return tour


def create_demo_workshop(*tours: Tour) -> Workshop:
    """The demo workshop (made once), a week from today, with ``tours`` as its programme.
    Shared as the teams' admins would (there are no demo accounts to act as them)."""
    existing = db.session.scalar(select(Workshop).where(Workshop.title == DEMO_WORKSHOP))
    if existing is not None:
        return existing
    workshop = Workshop(
        title=DEMO_WORKSHOP,
        starts_on=date.today() + timedelta(days=7),
        ends_on=date.today() + timedelta(days=8),
        place="Seville",
        language="en",
        notes="Each team presents its own tour, then the room reflects on it.",
    )
    for position, tour in enumerate(tours):
        workshop.programme_entries.append(WorkshopTour(tour=tour, position=position))
    db.session.add(workshop)
    db.session.flush()
    return workshop
