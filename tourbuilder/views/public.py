"""Public pages: the map of every published project and tour, a tour, a site; health."""

from __future__ import annotations

from flask import abort
from flask import Blueprint
from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import Site
from ..models import SiteVisibility
from ..models import Tour
from ..models import TourVisibility

bp = Blueprint("public", __name__)


@bp.route("/healthz")
def healthz():
    from ..database import ping

    ping()
    return {"status": "ok"}


@bp.route("/")
def home():
    tours = db.session.scalars(
        select(Tour)
        .where(Tour.visibility == TourVisibility.PUBLIC)
        .order_by(Tour.published_at.desc())
    ).all()
    sites = db.session.scalars(select(Site).where(Site.visibility == SiteVisibility.PUBLIC)).all()
    return render_template("public/home.html", tours=tours, sites=sites)


@bp.route("/tours/<slug>")
def tour(slug: str):
    tour = db.session.scalar(select(Tour).where(Tour.slug == slug))
    if tour is None or not tour.can_view(current_user):
        abort(404)
    return render_template("public/tour.html", tour=tour)
