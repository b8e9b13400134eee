"""Teams, their members and invitations.

Services flush; the adapter commits. Who may call what is checked on the models
(``Team.can_manage``...) by the adapter before it calls.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Invitation
from ..models import Membership
from ..models import Role
from ..models import Team
from ..models import User
from ..models import utcnow
from ..models.teams import hash_token
from ..models.teams import is_site_admin
from .errors import Conflict
from .errors import Gone
from .errors import NotFound

LAST_ADMIN = "A team needs at least one admin: make someone else admin first."


def _check_name_free(name: str, team: Team | None = None) -> None:
    """:raise Conflict: another team has this name."""
    other = db.session.scalar(select(Team).where(Team.name == name))
    if other is not None and other is not team:
        raise Conflict("name", f"A team named {name!r} already exists.")


def create_team(name: str, country: str = "", languages=(), creator: User | None = None) -> Team:
    """A new team; its creator (a site admin) becomes its first admin.

    :raise Conflict: a team with this name exists.
    """
    name = name.strip()
    _check_name_free(name)
    team = Team(name=name, country=(country or "").strip().upper(), languages=list(languages))
    db.session.add(team)
    if creator is not None:
        team.memberships.append(Membership(user=creator, role=Role.ADMIN))
    db.session.flush()
    return team


def update_team(team: Team, **fields) -> Team:
    """Change a team's ``name``, ``country`` or ``languages``.

    :raise Conflict: another team has the new name.
    """
    if fields.get("name"):
        fields["name"] = fields["name"].strip()
        _check_name_free(fields["name"], team)
    for name, value in fields.items():
        setattr(team, name, value)
    db.session.flush()
    return team


def all_teams() -> list[Team]:
    return db.session.scalars(select(Team).order_by(Team.name)).all()


def teams_of(user) -> list[Team]:
    """The teams ``user`` works in, by name (every team for a site admin)."""
    if is_site_admin(user):
        return all_teams()
    return sorted((m.team for m in user.memberships), key=lambda t: t.name)


def members(team: Team) -> list[Membership]:
    """The team's memberships, admins first."""
    return sorted(team.memberships, key=lambda m: (m.role != Role.ADMIN, m.user_id))


def membership(team: Team, user_id: int) -> Membership:
    """:raise NotFound: the person is not a member of the team."""
    found = db.session.scalar(
        select(Membership).where(Membership.team_id == team.id, Membership.user_id == user_id)
    )
    if found is None:
        raise NotFound(None, "This person is not a member of the team.")
    return found


def _is_last_admin(member: Membership) -> bool:
    admins = [m for m in member.team.memberships if m.role is Role.ADMIN]
    return member.role is Role.ADMIN and len(admins) == 1


def change_role(member: Membership, role: Role) -> None:
    """:raise Conflict: the team would be left without an admin."""
    role = Role(role)
    if role is not Role.ADMIN and _is_last_admin(member):
        raise Conflict("role", LAST_ADMIN)
    member.role = role
    db.session.flush()


def remove_member(member: Membership) -> None:
    """:raise Conflict: the team would be left without an admin."""
    if _is_last_admin(member):
        raise Conflict(None, LAST_ADMIN)
    db.session.delete(member)
    db.session.flush()


def invite(team: Team, role: Role, created_by: User, days: int, email: str = ""):
    """A new invitation link to ``team`` valid for ``days``; returns ``(invitation,
    token)``. Only a hash of the token is stored: show it now or never."""
    invitation, token = Invitation.create(
        team, Role(role), created_by, utcnow() + timedelta(days=days), email=email.strip().lower()
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def usable_invitations(team: Team) -> list[Invitation]:
    """Invitations of ``team`` that still work, newest first."""
    found = db.session.scalars(
        select(Invitation)
        .where(Invitation.team_id == team.id)
        .order_by(Invitation.created_at.desc())
    )
    return [inv for inv in found if inv.is_usable]


def revoke_invitation(team: Team, invitation_id: int, now: datetime | None = None) -> None:
    """:raise NotFound: no such invitation of ``team``."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.team_id != team.id:
        raise NotFound(None, "No such invitation.")
    invitation.revoked_at = now or utcnow()
    db.session.flush()


def invitation_by_token(token: str) -> Invitation:
    """:raise NotFound: unknown token. :raise Gone: used, revoked or expired."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    )
    if invitation is None:
        raise NotFound(None, "No such invitation.")
    if not invitation.is_usable:
        raise Gone(None, "This invitation link has expired or was already used.")
    return invitation


def accept_invitation(invitation: Invitation, user: User) -> None:
    """``user`` joins the invitation's team with its role (keeping a role they already
    have there); the link stops working."""
    if user.role_in(invitation.team_id) is None:
        db.session.add(Membership(user=user, team=invitation.team, role=invitation.role))
    invitation.accepted_at = utcnow()
    db.session.flush()  # a new user gets an id
    invitation.accepted_by_id = user.id
    db.session.flush()
