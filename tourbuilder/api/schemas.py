"""Fields shared by the API schemas."""

from __future__ import annotations

import re

from flask import request
from marshmallow import fields
from marshmallow import Schema
from marshmallow import validate
from marshmallow import ValidationError

LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
MAX_LANGUAGES = 20


class LanguageCode(fields.String):
    """A BCP 47 language tag such as ``en``, ``ar`` or ``pt-BR``."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Length(max=35), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if not LANGUAGE_RE.match(value):
            raise ValidationError("Not a language code such as 'en', 'ar' or 'pt-BR'.")
        return value


class Translated(fields.Dict):
    """Text in several languages: ``{"en": "Market", "es": "Mercado"}``.

    A plain string is accepted too and taken as the text in the fallback language
    (the team's or the tour's first language); see
    :func:`tourbuilder.text.resolve_plain_text`.
    """

    def __init__(self, max_length: int = 100_000, **kwargs):
        self.max_length = max_length
        super().__init__(keys=LanguageCode(), values=fields.String(), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            return {"": self._check_length(value)}
        if isinstance(value, dict) and len(value) > MAX_LANGUAGES:
            raise ValidationError(f"At most {MAX_LANGUAGES} languages.")
        result = super()._deserialize(value, attr, data, **kwargs)
        for text in result.values():
            self._check_length(text)
        return result

    def _check_length(self, text: str) -> str:
        if len(text) > self.max_length:
            raise ValidationError(f"Longer than {self.max_length} characters.")
        return text


def requested_language() -> str | None:
    """The ``?lang=`` of the request (validated by the API's ``before_request``)."""
    lang = request.args.get("lang")
    return lang if lang and LANGUAGE_RE.match(lang) else None


class ResolvedText(fields.Function):
    """Output only: the text of a translated field in ``?lang=``, else the fallback."""

    def __init__(self, field: str, **kwargs):
        super().__init__(lambda obj: obj.text(field, requested_language()), **kwargs)


def not_blank(value: dict) -> None:
    """A translated text must say something in at least one language."""
    if not any(text.strip() for text in value.values()):
        raise ValidationError("Give a text in at least one language.")


def http_url(value: str) -> None:
    """Empty, or an http(s) address."""
    if value and not validate.URL(schemes={"http", "https"})(value):
        raise ValidationError("Not a web address.")


class StrictNumberMixin:
    """Coordinates are JSON numbers: ``"45.1"``, ``true`` or ``NaN`` are refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ValidationError("Send a number.")
        return super()._deserialize(value, attr, data, **kwargs)


class Latitude(StrictNumberMixin, fields.Float):
    def __init__(self, **kwargs):
        super().__init__(allow_nan=False, **kwargs)

    def _validated(self, value):
        value = super()._validated(value)
        if value is not None and not -90 <= value <= 90:
            raise ValidationError("Latitude must be between -90 and 90.")
        return value


class Longitude(StrictNumberMixin, fields.Float):
    def __init__(self, **kwargs):
        super().__init__(allow_nan=False, **kwargs)

    def _validated(self, value):
        value = super()._validated(value)
        if value is not None and not -180 <= value <= 180:
            raise ValidationError("Longitude must be between -180 and 180.")
        return value


class Id(fields.Integer):
    """A database id: a positive JSON integer (``"3"`` and ``3.5`` are refused)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", validate.Range(min=1, max=2**31 - 1))
        super().__init__(strict=True, **kwargs)


class LangArgs(Schema):
    lang = LanguageCode(metadata={"description": "Language of the resolved ``*_text`` fields"})


class TeamFilterArgs(LangArgs):
    team_id = fields.Integer(
        validate=validate.Range(min=1, max=2**31 - 1), metadata={"description": "Only this team's"}
    )
