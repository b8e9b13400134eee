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
from ..forms import MemberForm
from ..forms import RevokeForm
from ..forms import TeamForm
from ..models import Invitation
from ..models import Membership
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
        member_form=MemberForm(),
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


@bp.route("/teams/<int:team_id>/members/<int:user_id>", methods=["POST"])
@login_required
def member(team_id: int, user_id: int):
    """Change a member's role (``role``) or remove them (``remove``); team admins only.
    A team always keeps at least one admin."""
    team = get_team(team_id, manage=True)
    membership = db.session.scalar(
        select(Membership).where(Membership.team_id == team.id, Membership.user_id == user_id)
    )
    if membership is None:
        abort(404)
    form = MemberForm()
    if not form.validate_on_submit():
        abort(400)
    admins = [m for m in team.memberships if m.role is Role.ADMIN]
    last_admin = membership.role is Role.ADMIN and len(admins) == 1
    if form.remove.data:
        if last_admin:
            flash(_("A team needs at least one admin: make someone else admin first."), "error")
        else:
            db.session.delete(membership)
            db.session.commit()
            flash(_("%(name)s left the team.", name=membership.user.display_name), "info")
    else:
        new_role = Role(form.role.data)
        if last_admin and new_role is not Role.ADMIN:
            flash(_("A team needs at least one admin: make someone else admin first."), "error")
        else:
            membership.role = new_role
            db.session.commit()
            flash(_("Saved."), "info")
    return redirect(url_for(".team", team_id=team.id)), 303


@bp.route("/teams/new", methods=["GET", "POST"])
@login_required
def new_team():
    """Site administrators create teams; the creator becomes the team's admin."""
    if not current_user.is_site_admin:
        abort(403)
    form = TeamForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        if db.session.scalar(select(Team.id).where(Team.name == name)) is not None:
            form.name.errors.append(_("A team with this name exists."))
        else:
            team = Team(
                name=name,
                country=(form.country.data or "").strip().upper(),
                languages=form.language_list(),
            )
            db.session.add(team)
            db.session.add(Membership(user=current_user, team=team, role=Role.ADMIN))
            db.session.commit()
            return redirect(url_for(".team", team_id=team.id)), 303
    return render_template("teams/new.html", form=form)


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
