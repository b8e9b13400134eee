"""Signing in and out, and joining a team through an invitation link."""

from __future__ import annotations

from urllib.parse import unquote
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
from werkzeug.exceptions import TooManyRequests

from .. import throttle
from ..errors import handle_too_many_requests
from ..errors import wants_json
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


def is_same_site_path(target: str) -> bool:
    """True for a path on this site (``/account``, ``/teams/1?lang=es``), and nothing a
    browser could take for another host: no scheme or host (``https:``, ``//host``,
    ``javascript:``), no backslash (browsers read ``/\\host`` as ``//host``), no control
    character (browsers drop tabs and newlines inside URLs, so ``/<tab>/host`` is
    ``//host``), and the same once percent-decoded (``/%2F%2Fhost``).
    """
    for candidate in (target, unquote(target)):
        if not candidate.startswith("/") or candidate.startswith("//"):
            return False
        if "\\" in candidate or any(ord(c) < 0x20 or ord(c) == 0x7F for c in candidate):
            return False
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc:
            return False
    return True


def safe_next(target: str | None) -> str:
    """Where to go after signing in: ``target`` when it is a same-site path (its query
    string kept), else the dashboard."""
    if target and is_same_site_path(target):
        return target
    return url_for("teams.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@throttle.per_address
@throttle.sign_in_per_account
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(safe_next(request.args.get("next")))
        flash(_("Wrong email or password."), "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.errorhandler(TooManyRequests)
def too_many_attempts(error: TooManyRequests):
    """Throttled (throttle.py): the sign-in page again, saying when to try again; JSON
    callers and the other forms get the central answer (errors.py)."""
    if request.endpoint != "auth.login" or wants_json():
        return handle_too_many_requests(error)
    message, headers = throttle.refusal()
    flash(message, "error")
    return render_template("auth/login.html", form=LoginForm()), 429, headers


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out here and on every other device (a copy of the session cookie dies too)."""
    if current_user.is_authenticated:
        accounts.end_sessions(current_user)
        commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("public.home"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
@throttle.per_address
@throttle.invitation
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
