"""``tourbuilder demo --sites N``: synthetic public sites for trying the map at scale."""

from __future__ import annotations

from sqlalchemy import select

from tourbuilder.extensions import db
from tourbuilder.models import Site
from tourbuilder.services import publishing
from tourbuilder.services.demo_sites import add_synthetic_sites


def test_sites_spread_over_six_countries_with_public_tours(app):
    with app.app_context():
        made = add_synthetic_sites(60)
        db.session.flush()
        assert len(made) == 60
        assert {site.team.country for site in made} == {"ES", "PT", "GR", "TN", "JO", "PS"}
        assert all(site.visibility == "public" for site in made)
        # around the Mediterranean, from Lisbon to Amman
        assert all(30 < s.lat < 43 and -11 < s.lon < 37 for s in made)
        # names in each team's languages, e.g. Arabic and French in Tunisia
        tunisian = next(s for s in made if s.team.country == "TN")
        assert set(tunisian.name) == {"ar", "fr"}
        public = publishing.public_tours()
        assert len(public) == 3
        assert all(len(tour.stops) == 8 for tour in public)
        # a second run adds more, numbered after the first
        more = add_synthetic_sites(6, seed=2)
        assert db.session.scalar(select(db.func.count(Site.id))) == 66
        assert more[0].name[more[0].team.languages[0]].endswith(" 61")
