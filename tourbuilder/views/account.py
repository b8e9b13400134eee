"""A person's own account: name, interface language, password, personal API tokens."""

from __future__ import annotations

from flask import abort
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
from sqlalchemy import select

from ..extensions import db
from ..forms import PasswordForm
from ..forms import ProfileForm
from ..forms import RevokeForm
from ..forms import TokenForm
from ..models import ApiToken
from ..models import utcnow

bp = Blueprint("account", __name__, url_prefix="/account")


def live_tokens():
    return db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == current_user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc())
    ).all()


def render_account(new_token: str | None = None, **forms):
    profile = forms.get("profile") or ProfileForm(obj=current_user)
    profile.language.choices = [("", _("As my browser says"))] + list(
        current_app.config["LANGUAGES"].items()
    )
    return render_template(
        "account/account.html",
        profile=profile,
        password=forms.get("password") or PasswordForm(),
        token_form=forms.get("token") or TokenForm(),
        revoke_form=RevokeForm(),
        tokens=live_tokens(),
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
    current_user.name = form.name.data.strip()
    current_user.language = form.language.data or None
    db.session.commit()
    session.pop("lang", None)  # the saved preference decides from now on
    flash(_("Saved."), "info")
    return redirect(url_for(".account", lang=current_user.language)), 303


@bp.route("/password", methods=["POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        if current_user.check_password(form.current.data):
            current_user.set_password(form.new.data)
            db.session.commit()
            flash(_("Your password is changed."), "info")
            return redirect(url_for(".account")), 303
        form.current.errors = [_("This is not your current password.")]
    return render_account(password=form), 400


@bp.route("/tokens", methods=["POST"])
@login_required
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return render_account(token=form), 400
    row, token = ApiToken.create(current_user, form.name.data.strip())
    db.session.add(row)
    db.session.commit()
    return render_account(new_token=token)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    """:raise 404: not one of the current user's tokens."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    if RevokeForm().validate_on_submit():
        row.revoked_at = utcnow()
        db.session.commit()
        flash(_("The token no longer works."), "info")
    return redirect(url_for(".account")), 303
