"""Web forms (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import EmailField
from wtforms import HiddenField
from wtforms import PasswordField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import SubmitField
from wtforms.validators import DataRequired
from wtforms.validators import Email
from wtforms.validators import EqualTo
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import Regexp
from wtforms.validators import ValidationError

from .labels import choices
from .labels import describe
from .models import Role
from .models import SiteVisibility
from .models import TourVisibility
from .services.accounts import check_new_password
from .services.errors import InvalidValue
from .text import clean_text


def password_rule(form, field) -> None:
    """The accounts service's password rule, as a form validator."""
    try:
        check_new_password(field.data or "", field.name)
    except InvalidValue as exc:
        raise ValidationError(exc.message) from None


class Form(FlaskForm):
    """A form whose texts pass the one normaliser (:func:`tourbuilder.text.clean_text`):
    NFC, and a field error for broken or control characters, as in the API."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str):
                try:
                    field.data = clean_text(field.data, field.name)
                except InvalidValue as exc:
                    field.errors = [*field.errors, exc.message]
                    valid = False
        return valid


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    submit = SubmitField(_l("Sign in"))


class InvitationForm(Form):
    role = SelectField(
        _l("Role"),
        choices=lambda: choices(Role),
        default=str(Role.EDITOR),
    )
    email = EmailField(_l("Email (optional, for your records)"), validators=[Optional(), Email()])
    submit = SubmitField(_l("Create invitation link"))


class AcceptInvitationForm(Form):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired(), password_rule])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Join the team"))


class JoinForm(Form):
    submit = SubmitField(_l("Join the team"))


class RevokeForm(Form):
    submit = SubmitField(_l("Revoke"))


class MemberForm(Form):
    role = SelectField(
        _l("Role"),
        choices=lambda: choices(Role),
    )
    save = SubmitField(_l("Change role"))
    remove = SubmitField(_l("Remove from the team"))


class TeamForm(Form):
    name = StringField(_l("Team name"), validators=[DataRequired(), Length(max=200)])
    country = StringField(
        _l("Country (two-letter code, e.g. ES, TN, PS)"),
        validators=[Optional(), Regexp(r"^[A-Za-z]{2}$", message=_l("Use a two-letter code."))],
    )
    languages = StringField(
        _l("Languages the team writes in (codes, first is the main one: es, en)"),
        validators=[
            DataRequired(),
            Regexp(
                r"^\s*[a-z]{2,3}(\s*,\s*[a-z]{2,3})*\s*$",
                message=_l("Use language codes separated by commas."),
            ),
        ],
        default="en",
    )
    submit = SubmitField(_l("Create the team"))

    def language_list(self) -> list[str]:
        codes = [code.strip() for code in self.languages.data.split(",")]
        return list(dict.fromkeys(code for code in codes if code))


class ProfileForm(Form):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    language = SelectField(_l("Interface language"), choices=[], validate_choice=True)
    submit = SubmitField(_l("Save"))


class PasswordForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired(), password_rule])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Change the password"))


class TokenForm(Form):
    """Its fields are prefixed (``token-name``): it shares the account page with the profile
    form, whose ``name`` is the person's name."""

    name = StringField(_l("What the token is for"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Create a token"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "token")
        super().__init__(*args, **kwargs)


def web_address(form, field) -> None:
    """An http(s) address with a host name, or nothing."""
    value = (field.data or "").strip()
    parts = urlsplit(value)
    if value and (
        parts.scheme not in ("http", "https")
        or "." not in (parts.hostname or "")
        or any(c.isspace() for c in value)
    ):
        raise ValidationError(_l("Write a web address starting with https:// or http://."))
    field.data = value


class SiteForm(Form):
    """A site's fields but its name and description (one input per language, read by the
    view) and its position (the position picker's text, read by tourbuilder.coordinates)."""

    position = StringField(_l("Position (latitude, longitude)"), validators=[Length(max=100)])
    approximate_location = BooleanField(_l("Approximate location"))
    address = StringField(_l("Address"), validators=[Optional(), Length(max=500)])
    website = StringField(_l("Website"), validators=[Length(max=500), web_address])
    contact = StringField(_l("Contact"), validators=[Optional(), Length(max=500)])
    themes = SelectMultipleField(_l("Themes"), choices=[], validate_choice=False)
    visibility = RadioField(
        _l("Visibility"), choices=lambda: choices(SiteVisibility), default="draft"
    )
    save = SubmitField(_l("Save the site"))


class DeleteForm(Form):
    """A confirmation: the button that deletes."""

    delete = SubmitField(_l("Delete"))


class PublishForm(Form):
    """The tour's publishing page: publish the draft (to an audience), discard its changes,
    or unpublish; ``version`` is the tour's version the page was drawn with."""

    visibility = RadioField(
        _l("Who sees the published tour"),
        choices=lambda: [
            (str(v), describe(v))
            for v in (TourVisibility.PUBLIC, TourVisibility.UNLISTED, TourVisibility.WORKSHOP)
        ],
        default=str(TourVisibility.PUBLIC),
    )
    version = HiddenField()
    publish = SubmitField(_l("Publish changes"))
    discard = SubmitField(_l("Discard changes"))
    unpublish = SubmitField(_l("Unpublish"))
