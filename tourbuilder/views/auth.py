"""Signing in and out, and joining a team through an invitation link."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort
from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_user
from flask_login import logout_user
from sqlalchemy import func
from sqlalchemy import select

from ..extensions import db
from ..forms import AcceptInvitationForm
from ..forms import JoinForm
from ..forms import LoginForm
from ..models import Invitation
from ..models import Membership
from ..models import User
from ..models import utcnow
from ..models.teams import hash_token

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after signing in."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target:
            return target
    return url_for("teams.dashboard")


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user(form.email.data)
        if user is not None and user.is_active and user.check_password(form.password.data):
            login_user(user)
            return redirect(safe_next(request.args.get("next")))
        flash(_("Wrong email or password."), "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("public.home"))


def load_invitation(token: str) -> Invitation:
    """:raise 404: unknown token. :raise 410: used, revoked or expired."""
    inv = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if inv is None:
        abort(404)
    if not inv.is_usable:
        abort(410, _("This invitation link has expired or was already used."))
    return inv


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    inv = load_invitation(token)
    if current_user.is_authenticated:
        form = JoinForm()
        if form.validate_on_submit():
            if current_user.role_in(inv.team_id) is None:
                db.session.add(Membership(user=current_user, team=inv.team, role=inv.role))
            _mark_accepted(inv, current_user)
            flash(_("You joined %(team)s.", team=inv.team.name), "info")
            return redirect(url_for("teams.team", team_id=inv.team_id))
        return render_template("auth/join.html", invitation=inv, form=form)

    form = AcceptInvitationForm(email=inv.email or None)
    if form.validate_on_submit():
        if find_user(form.email.data) is not None:
            flash(
                _("An account with this email exists: sign in first, then open the link again."),
                "error",
            )
            return render_template("auth/accept.html", invitation=inv, form=form), 409
        user = User(email=form.email.data.strip().lower(), name=form.name.data.strip())
        user.set_password(form.password.data)
        db.session.add(user)
        db.session.add(Membership(user=user, team=inv.team, role=inv.role))
        _mark_accepted(inv, user)
        login_user(user)
        flash(_("Welcome to %(team)s.", team=inv.team.name), "info")
        return redirect(url_for("teams.team", team_id=inv.team_id))
    return render_template("auth/accept.html", invitation=inv, form=form)


def _mark_accepted(inv: Invitation, user: User) -> None:
    inv.accepted_at = utcnow()
    inv.accepted_by_id = user.id if user.id else None
    db.session.flush()
    inv.accepted_by_id = user.id
    db.session.commit()
