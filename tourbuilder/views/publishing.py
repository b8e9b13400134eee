"""A tour's publishing page: the publish check as a list of links to where each problem is
fixed, and "Publish changes", "Discard changes", "Unpublish" (team editors)."""

from __future__ import annotations

from flask import abort
from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from ..extensions import db
from ..forms import PublishForm
from ..models import Tour
from ..models import TourVisibility
from ..services import commit
from ..services import publishing
from ..services.errors import Conflict
from ..services.errors import PublishError
from ..services.errors import StaleVersion
from ..services.publish_check import publish_problems
from .teams import get_team

bp = Blueprint("publish", __name__)


def get_editable_tour(team_id: int, tour_id: int) -> Tour:
    """:raise 404: not a member of the team, or no such tour in it. :raise 403: not an
    editor of the team."""
    team = get_team(team_id)
    tour = db.session.get(Tour, tour_id)
    if tour is None or tour.team_id != team.id:
        abort(404)
    if not tour.can_edit(current_user):
        abort(403)
    return tour


def fix_url(tour: Tour, problem) -> str:
    """Where a problem is fixed: the stop or the tour's field in the tour editor, or the
    item in the media library."""
    if problem.media_id is not None:
        return url_for("library.media", team_id=tour.team_id, _anchor=f"item-{problem.media_id}")
    editor = f"/tours/{tour.slug}/edit"
    if problem.stop_id is not None:
        return f"{editor}#stop-{problem.stop_id}"
    return f"{editor}#tour-{problem.field or 'title'}"


def render_page(tour: Tour, form: PublishForm | None = None, problems=None, status: int = 200):
    problems = publish_problems(tour) if problems is None else problems
    if form is None:
        form = PublishForm(formdata=None)
        if tour.visibility is not TourVisibility.DRAFT:
            form.visibility.data = str(tour.visibility)
    form.version.data = str(tour.version)
    html = render_template(
        "tours/publish.html",
        tour=tour,
        form=form,
        problems=[(problem, fix_url(tour, problem)) for problem in problems],
        changes=publishing.has_unpublished_changes(tour),
        published=tour.publication,
    )
    return html, status


@bp.route("/teams/<int:team_id>/tours/<int:tour_id>/publish")
@login_required
def page(team_id: int, tour_id: int):
    return render_page(get_editable_tour(team_id, tour_id))


@bp.route("/teams/<int:team_id>/tours/<int:tour_id>/publish", methods=["POST"])
@login_required
def act(team_id: int, tour_id: int):
    """One of the page's three buttons; a stale page (someone changed the tour since it
    was drawn) changes nothing and is drawn again with a notice."""
    tour = get_editable_tour(team_id, tour_id)
    form = PublishForm()
    if not form.validate_on_submit():
        return render_page(tour, form, status=400)
    version = int(form.version.data) if (form.version.data or "").isdigit() else None
    try:
        if form.unpublish.data:
            publishing.unpublish(tour, version)
            message = _("The tour is unpublished: only your team sees it now.")
        elif form.discard.data:
            publishing.discard_changes(tour, version)
            message = _("The draft is back to the published version.")
        else:
            publishing.publish(tour, form.visibility.data, version, by=current_user)
            message = _("Published.")
    except StaleVersion:
        db.session.rollback()
        flash(_("Someone changed the tour while you were looking: check it again."), "error")
    except PublishError as exc:
        db.session.rollback()
        return render_page(db.session.get(Tour, tour_id), form, exc.problems, status=409)
    except Conflict:  # discard with nothing published: the page no longer offers it
        db.session.rollback()
        flash(_("The tour is not published: there is nothing to go back to."), "error")
    else:
        commit()
        flash(message, "info")
    return redirect(url_for(".page", team_id=team_id, tour_id=tour_id)), 303
