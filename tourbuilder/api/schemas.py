"""Fields shared by the API schemas."""

from __future__ import annotations

import re

from marshmallow import fields
from marshmallow import ValidationError

LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class LanguageCode(fields.String):
    """A BCP 47 language tag such as ``en``, ``ar`` or ``pt-BR``."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if not LANGUAGE_RE.match(value):
            raise ValidationError("Not a language code such as 'en', 'ar' or 'pt-BR'.")
        return value


class Translated(fields.Dict):
    """Text in several languages: ``{"en": "Market", "es": "Mercado"}``.

    A plain string is accepted too and taken as the text in the fallback language
    (``"default_language"`` of the request or the team).
    """

    def __init__(self, max_length: int = 100_000, **kwargs):
        self.max_length = max_length
        super().__init__(keys=LanguageCode(), values=fields.String(), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = {"": value}
            result = {"": self._check_length(value[""])}
            return result
        result = super()._deserialize(value, attr, data, **kwargs)
        for text in result.values():
            self._check_length(text)
        return result

    def _check_length(self, text: str) -> str:
        if len(text) > self.max_length:
            raise ValidationError(f"Longer than {self.max_length} characters.")
        return text


def resolve_plain_text(values: dict, language: str) -> dict:
    """Replace the ``""`` key a plain string produced by the given language."""
    if "" in values:
        values = dict(values)
        values[language] = values.pop("")
    return values


class Latitude(fields.Float):
    def __init__(self, **kwargs):
        super().__init__(allow_nan=False, **kwargs)

    def _validated(self, value):
        value = super()._validated(value)
        if value is not None and not -90 <= value <= 90:
            raise ValidationError("Latitude must be between -90 and 90.")
        return value


class Longitude(fields.Float):
    def __init__(self, **kwargs):
        super().__init__(allow_nan=False, **kwargs)

    def _validated(self, value):
        value = super()._validated(value)
        if value is not None and not -180 <= value <= 180:
            raise ValidationError("Longitude must be between -180 and 180.")
        return value
