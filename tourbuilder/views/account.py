"""A person's own account: name, interface language, password, personal API tokens."""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user

from .. import throttle
from ..extensions import db
from ..forms import PasswordForm
from ..forms import ProfileForm
from ..forms import RevokeForm
from ..forms import TokenForm
from ..services import accounts
from ..services import commit
from ..services.errors import InvalidValue

bp = Blueprint("account", __name__, url_prefix="/account")


def render_account(new_token: str | None = None, **forms):
    """The page with its forms; ``forms`` are the ones just submitted (with their errors).

    The others are drawn afresh with ``formdata=None``: Flask-WTF fills a form from the
    request's form data whenever the request is a POST, and the profile and token forms
    both have a ``name`` field, so the token's label would otherwise appear as "Your name"
    (and be saved by the next profile save).
    """
    profile = forms.get("profile") or ProfileForm(formdata=None, obj=current_user)
    profile.language.choices = [("", _("As my browser says"))] + list(
        current_app.config["LANGUAGES"].items()
    )
    return render_template(
        "account/account.html",
        profile=profile,
        password=forms.get("password") or PasswordForm(formdata=None),
        token_form=forms.get("token") or TokenForm(formdata=None),
        revoke_form=RevokeForm(formdata=None),
        tokens=accounts.live_tokens(current_user),
        new_token=new_token,
    )


@bp.route("", methods=["GET"])
@login_required
def account():
    return render_account()


@bp.route("/profile", methods=["POST"])
@login_required
def profile():
    form = ProfileForm()
    form.language.choices = [("", "")] + list(current_app.config["LANGUAGES"].items())
    if not form.validate_on_submit():
        return render_account(profile=form), 400
    accounts.update_profile(current_user, form.name.data, form.language.data)
    commit()
    session.pop("lang", None)  # the saved preference decides from now on
    flash(_("Saved."), "info")
    return redirect(url_for(".account", lang=current_user.language)), 303


@bp.route("/password", methods=["POST"])
@login_required
@throttle.password_change
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data, form.new.data)
        except InvalidValue as exc:
            db.session.rollback()
            if exc.field == "current":
                form.current.errors = [_("This is not your current password.")]
            else:
                form.new.errors = [exc.message]
        else:
            commit()
            login_user(current_user._get_current_object())  # this session, at the new version
            flash(_("Your password is changed."), "info")
            return redirect(url_for(".account")), 303
    return render_account(password=form), 400


@bp.route("/tokens", methods=["POST"])
@login_required
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return render_account(token=form), 400
    token = accounts.create_token(current_user, form.name.data)
    commit()
    return render_account(new_token=token)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    """:raise 404: not one of the current user's tokens."""
    if RevokeForm().validate_on_submit():
        accounts.revoke_token(current_user, token_id)
        commit()
        flash(_("The token no longer works."), "info")
    return redirect(url_for(".account")), 303
