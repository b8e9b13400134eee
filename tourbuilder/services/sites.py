"""Sites: the transformative projects on the map.

Text fields take ``{"lang": text}``; a ``""`` key (a plain string) is in the team's
first language. Services flush; the adapter commits.
"""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import PUBLISHED
from ..models import Site
from ..models import SiteVisibility
from ..models import Stop
from ..models import Team
from ..models import Tour
from ..models import TourPublication
from ..models.teams import listable
from ..text import set_translated
from .errors import Conflict
from .errors import InvalidValue
from .errors import NotFound
from .versions import bump

TEXTS = ("name", "description")


def visible_sites(user):
    """A query of the sites ``user`` may see: public ones, and every site of the user's
    teams (all sites for site admins)."""
    return listable(select(Site), user, Site.team_id, Site.visibility == SiteVisibility.PUBLIC)


def public_sites() -> list[Site]:
    """Every public site, oldest first: the map of all projects."""
    return db.session.scalars(
        select(Site).where(Site.visibility == SiteVisibility.PUBLIC).order_by(Site.id)
    ).all()


def check_position(obj, given, new: bool = False) -> None:
    """``obj`` (a stop, a media item) has both ``lat`` and ``lon``, or neither.

    :raise InvalidValue: the request itself gave half a pair (or ``obj`` is ``new``).
    :raise Conflict: the change leaves half a pair with what ``obj`` had.
    """
    if (obj.lat is None) != (obj.lon is None):
        message = "Give both lat and lon, or neither."
        if new or {"lat", "lon"} <= set(given):
            raise InvalidValue("lat", message)
        raise Conflict("lat", message + " The other one is already set.")


def team_sites(team: Team) -> list[Site]:
    """Every site of ``team``, oldest first."""
    return db.session.scalars(select(Site).where(Site.team_id == team.id).order_by(Site.id)).all()


def team_site(team_id: int, site_id: int | None) -> Site | None:
    """The site ``site_id`` of the team, or None when no id is given.

    :raise NotFound: ``site_id`` is not a site of the team (a field error on ``site_id``:
        like an id in a path, an id in a body names nothing outside the team).
    """
    if site_id is None:
        return None
    site = db.session.get(Site, site_id)
    if site is None or site.team_id != team_id:
        raise NotFound("site_id", f"No site with id {site_id} in this team.")
    return site


def create_site(team: Team, **fields) -> Site:
    """A new site of ``team``."""
    site = Site(team=team, name={}, description={})
    update_site(site, **fields)
    db.session.add(site)
    db.session.flush()
    return site


def update_site(site: Site, version: int | None = None, **fields) -> Site:
    """Set a site's fields; a translated field sets the languages given ("" removes one).

    :raise StaleVersion: ``version`` is given and not the site's current one.
    :raise InvalidValue: no name left; a theme that is not on the team's list (nor
        already on the site: words from before the list stay until removed).
    """
    bump(site, version)
    set_translated(site, fields, TEXTS, site.team.default_language, required=("name",))
    if "themes" in fields:
        fields["themes"] = check_themes(site, fields["themes"])
    for name, value in fields.items():
        setattr(site, name, value)
    db.session.flush()
    return site


def check_themes(site: Site, themes: list[str]) -> list[str]:
    """``themes`` without repeats, each a key of the team's theme list or one the site has.

    :raise InvalidValue: an unknown theme.
    """
    allowed = set(site.team.theme_keys()) | set(site.themes or [])
    themes = list(dict.fromkeys(themes or []))
    for key in themes:
        if key not in allowed:
            raise InvalidValue(
                "themes", f"Unknown theme: {key}. Choose from the team's themes (its settings)."
            )
    return themes


def tours_at(site: Site) -> list[Tour]:
    """The tours with a stop at ``site``, by id."""
    stops_here = select(Stop.tour_id).where(Stop.site_id == site.id)
    return db.session.scalars(select(Tour).where(Tour.id.in_(stops_here)).order_by(Tour.id)).all()


def delete_site(site: Site, version: int | None = None) -> None:
    """Delete a site.

    :raise StaleVersion: ``version`` is given and not the site's current one.
    :raise Conflict: a published tour has a stop placed only by this site, in its draft or
        in its published version.
    """
    bump(site, version)
    needed = set(
        db.session.scalars(
            select(Tour.slug)
            .join(Stop, Stop.tour_id == Tour.id)
            .where(Stop.site_id == site.id, Stop.lat.is_(None), Tour.visibility.in_(PUBLISHED))
        )
    )
    publications = db.session.execute(
        select(Tour.slug, TourPublication.document)
        .join(TourPublication, TourPublication.tour_id == Tour.id)
        .where(Tour.team_id == site.team_id)
    )
    for slug, document in publications:
        if any(s["site_id"] == site.id and s["lat"] is None for s in document["stops"]):
            needed.add(slug)  # the published version places a stop by it
    if needed:
        raise Conflict(None, f"Published tours stop at this site: {', '.join(sorted(needed))}.")
    db.session.delete(site)
    db.session.flush()
