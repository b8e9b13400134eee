"""The signed-in side: a person's dashboard and each team's page (members, invitations)."""

from __future__ import annotations

from datetime import timedelta

from flask import abort
from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from sqlalchemy import select

from ..extensions import db
from ..forms import InvitationForm
from ..forms import RevokeForm
from ..models import Invitation
from ..models import Role
from ..models import Site
from ..models import Team
from ..models import Tour
from ..models import utcnow

bp = Blueprint("teams", __name__)


def get_team(team_id: int, manage: bool = False) -> Team:
    """Load a team the current user belongs to.

    :raise 404: no such team, or the user is not a member (nothing leaks by id).
    :raise 403: ``manage`` asked and the user is not a team admin.
    """
    team = db.session.get(Team, team_id)
    if team is None or not team.can_view_members(current_user):
        abort(404)
    if manage and not team.can_manage(current_user):
        abort(403)
    return team


@bp.route("/dashboard")
@login_required
def dashboard():
    if current_user.is_site_admin:
        teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    else:
        teams = sorted((m.team for m in current_user.memberships), key=lambda t: t.name)
    return render_template("teams/dashboard.html", teams=teams)


@bp.route("/teams/<int:team_id>")
@login_required
def team(team_id: int):
    team = get_team(team_id)
    tours = db.session.scalars(
        select(Tour).where(Tour.team_id == team.id).order_by(Tour.updated_at.desc())
    ).all()
    sites = db.session.scalars(select(Site).where(Site.team_id == team.id)).all()
    invitations = []
    if team.can_manage(current_user):
        invitations = [
            inv
            for inv in db.session.scalars(
                select(Invitation)
                .where(Invitation.team_id == team.id)
                .order_by(Invitation.created_at.desc())
            )
            if inv.is_usable
        ]
    return render_template(
        "teams/team.html",
        team=team,
        tours=tours,
        sites=sites,
        invitations=invitations,
        form=InvitationForm(),
        revoke_form=RevokeForm(),
        can_manage=team.can_manage(current_user),
    )


@bp.route("/teams/<int:team_id>/invitations", methods=["POST"])
@login_required
def invite(team_id: int):
    team = get_team(team_id, manage=True)
    form = InvitationForm()
    if not form.validate_on_submit():
        flash(_("The invitation could not be created: check the form."), "error")
        return redirect(url_for(".team", team_id=team.id)), 303
    days = current_app.config["INVITATION_DAYS"]
    inv, token = Invitation.create(
        team,
        Role(form.role.data),
        current_user,
        utcnow() + timedelta(days=days),
        email=(form.email.data or "").strip().lower(),
    )
    db.session.add(inv)
    db.session.commit()
    link = url_for("auth.accept_invitation", token=token, _external=True)
    return render_template(
        "teams/invitation_created.html", team=team, invitation=inv, link=link, days=days
    )


@bp.route("/teams/<int:team_id>/invitations/<int:invitation_id>/revoke", methods=["POST"])
@login_required
def revoke_invitation(team_id: int, invitation_id: int):
    team = get_team(team_id, manage=True)
    inv = db.session.get(Invitation, invitation_id)
    if inv is None or inv.team_id != team.id:
        abort(404)
    if RevokeForm().validate_on_submit():
        inv.revoked_at = utcnow()
        db.session.commit()
        flash(_("The invitation link no longer works."), "info")
    return redirect(url_for(".team", team_id=team.id)), 303
