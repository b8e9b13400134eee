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

from ..extensions import db
from ..forms import AcceptInvitationForm
from ..forms import JoinForm
from ..forms import LoginForm
from ..services import accounts
from ..services import commit
from ..services import teams
from ..services.errors import Conflict
from ..services.errors import Gone

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after signing in."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target:
            return target
    return url_for("teams.dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.find_user(form.email.data)
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


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    try:
        inv = teams.invitation_by_token(token)
    except Gone:
        abort(410, _("This invitation link has expired or was already used."))
    if current_user.is_authenticated:
        form = JoinForm()
        if form.validate_on_submit():
            teams.accept_invitation(inv, current_user)
            commit()
            flash(_("You joined %(team)s.", team=inv.team.name), "info")
            return redirect(url_for("teams.team", team_id=inv.team_id))
        return render_template("auth/join.html", invitation=inv, form=form)

    form = AcceptInvitationForm(email=inv.email or None)
    if form.validate_on_submit():
        try:
            user = accounts.create_account(form.email.data, form.name.data, form.password.data)
        except Conflict:
            db.session.rollback()
            flash(
                _("An account with this email exists: sign in first, then open the link again."),
                "error",
            )
            return render_template("auth/accept.html", invitation=inv, form=form), 409
        teams.accept_invitation(inv, user)
        commit()
        login_user(user)
        flash(_("Welcome to %(team)s.", team=inv.team.name), "info")
        return redirect(url_for("teams.team", team_id=inv.team_id))
    return render_template("auth/accept.html", invitation=inv, form=form)
