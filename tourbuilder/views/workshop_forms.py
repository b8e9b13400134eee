"""The workshop pages' forms (Flask-WTF, each with its CSRF token)."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms import EmailField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Email
from wtforms.validators import Length
from wtforms.validators import Optional

from ..forms import Form


def language_choices() -> list[tuple[str, str]]:
    return list(current_app.config["LANGUAGES"].items())


class WorkshopForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on (optional)"), validators=[Optional()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    language = SelectField(_l("Language the tours are shown in"), choices=language_choices)
    notes = TextAreaField(_l("Notes for the facilitators"), validators=[Length(max=5000)])
    save = SubmitField(_l("Save the workshop"))


class FacilitatorForm(Form):
    email = EmailField(_l("Email of their account"), validators=[DataRequired(), Email()])
    add = SubmitField(_l("Add a facilitator"))


class ShareForm(Form):
    workshop = SelectField(_l("Workshop"), choices=[], coerce=int, validate_choice=False)
    share = SubmitField(_l("Share with this workshop"))
