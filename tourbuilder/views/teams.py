"""The signed-in side: a person's dashboard and each team's page (members, invitations)."""

from __future__ import annotations

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

from ..extensions import db
from ..forms import InvitationForm
from ..forms import MemberForm
from ..forms import RevokeForm
from ..forms import TeamForm
from ..models import Team
from ..models.teams import can_edit_team_content
from ..services import commit
from ..services import sites
from ..services import teams
from ..services import tours
from ..services.errors import Conflict

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
    return render_template("teams/dashboard.html", teams=teams.teams_of(current_user))


@bp.route("/teams/<int:team_id>")
@login_required
def team(team_id: int):
    team = get_team(team_id)
    can_manage = team.can_manage(current_user)
    return render_template(
        "teams/team.html",
        team=team,
        tours=tours.team_tours(team),
        sites=sites.team_sites(team),
        invitations=teams.usable_invitations(team) if can_manage else [],
        form=InvitationForm(),
        revoke_form=RevokeForm(),
        member_form=MemberForm(),
        can_manage=can_manage,
        can_edit=can_edit_team_content(current_user, team.id),
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
    inv, token = teams.invite(team, form.role.data, current_user, days, form.email.data or "")
    commit()
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
    membership = teams.membership(team, user_id)
    form = MemberForm()
    if not form.validate_on_submit():
        abort(400)
    name = membership.user.display_name
    try:
        if form.remove.data:
            teams.remove_member(membership)
            message = _("%(name)s left the team.", name=name)
        else:
            teams.change_role(membership, form.role.data)
            message = _("Saved.")
    except Conflict:
        db.session.rollback()
        flash(_("A team needs at least one admin: make someone else admin first."), "error")
    else:
        commit()
        flash(message, "info")
    return redirect(url_for(".team", team_id=team.id)), 303


@bp.route("/teams/new", methods=["GET", "POST"])
@login_required
def new_team():
    """Site administrators create teams; the creator becomes the team's admin."""
    if not current_user.is_site_admin:
        abort(403)
    form = TeamForm()
    if form.validate_on_submit():
        try:
            team = teams.create_team(
                form.name.data, form.country.data, form.language_list(), creator=current_user
            )
        except Conflict:
            db.session.rollback()
            form.name.errors.append(_("A team with this name exists."))
        else:
            commit()
            return redirect(url_for(".team", team_id=team.id)), 303
    return render_template("teams/new.html", form=form)


@bp.route("/teams/<int:team_id>/invitations/<int:invitation_id>/revoke", methods=["POST"])
@login_required
def revoke_invitation(team_id: int, invitation_id: int):
    team = get_team(team_id, manage=True)
    if RevokeForm().validate_on_submit():
        teams.revoke_invitation(team, invitation_id)
        commit()
        flash(_("The invitation link no longer works."), "info")
    return redirect(url_for(".team", team_id=team.id)), 303
