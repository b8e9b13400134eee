"""Fields shared by the API schemas, each documenting in OpenAPI the rule it enforces."""

from __future__ import annotations

import re

from flask import request
from marshmallow import fields
from marshmallow import Schema
from marshmallow import validate
from marshmallow import ValidationError
from werkzeug.routing import BaseConverter

from ..text import NONBLANK_PATTERN
from ..text import TEXT_PATTERN

LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
LANGUAGE_RE = re.compile(LANGUAGE_PATTERN)
LANGUAGE_MAX = 35
MAX_LANGUAGES = 20
# An http(s) address, or nothing; the same expression checks and documents it.
_NOT_IN_ADDRESS = r"\s\u0000-\u001f\u007f-\u009f"
WEB_ADDRESS_PATTERN = (
    rf"^(https?://[^{_NOT_IN_ADDRESS}/?#@]+\.[^{_NOT_IN_ADDRESS}/?#@]+(/[^{_NOT_IN_ADDRESS}]*)?)?$"
)


class LanguageConverter(BaseConverter):
    """``<language:lang>`` in URLs: only a language code matches (else 404)."""

    regex = r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*"
    openapi = {"type": "string", "pattern": LANGUAGE_PATTERN, "maxLength": LANGUAGE_MAX}


class Text(fields.String):
    """Text people write: checked by the one normaliser (:func:`tourbuilder.text.clean_text`,
    applied to every request body before the schema) and documented with its pattern."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {})["pattern"] = TEXT_PATTERN
        super().__init__(**kwargs)


class LanguageCode(fields.String):
    """A BCP 47 language tag such as ``en``, ``ar`` or ``pt-BR``."""

    def __init__(self, **kwargs):
        super().__init__(
            validate=[
                validate.Length(max=LANGUAGE_MAX),
                validate.Regexp(
                    LANGUAGE_RE, error="Not a language code such as 'en', 'ar' or 'pt-BR'."
                ),
            ],
            **kwargs,
        )


def web_address(**kwargs) -> fields.String:
    """An http(s) address, or an empty string."""
    return fields.String(
        validate=[
            validate.Length(max=500),
            validate.Regexp(WEB_ADDRESS_PATTERN, error="Not a web address."),
        ],
        **kwargs,
    )


class Translated(fields.Dict):
    """Text in several languages: ``{"en": "Market", "es": "Mercado"}``.

    A plain string is accepted too and taken as the text in the fallback language
    (the team's or the tour's first language); see
    :func:`tourbuilder.text.resolve_plain_text`. An empty text removes that language
    (``removable``). A ``required_text`` field (a name, a title) must say something: a
    plain string that is not blank, an object with at least one language.
    """

    def __init__(
        self,
        max_length: int = 100_000,
        *,
        required_text: bool = False,
        removable: bool = True,
        **kwargs,
    ):
        self.max_length = max_length
        self.required_text = required_text
        self.removable = removable
        super().__init__(keys=LanguageCode(), values=Text(), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            if self.required_text and not value.strip():
                raise ValidationError("Give a text that is not blank.")
            return {"": self._check_length(value)}
        if isinstance(value, dict) and len(value) > MAX_LANGUAGES:
            raise ValidationError(f"At most {MAX_LANGUAGES} languages.")
        result = super()._deserialize(value, attr, data, **kwargs)
        if self.required_text and not result:
            raise ValidationError("Give a text in at least one language.")
        for text in result.values():
            self._check_length(text)
            if not self.removable and not text.strip():
                raise ValidationError("Give a text that is not blank in every language.")
        return result

    def _check_length(self, text: str) -> str:
        if len(text) > self.max_length:
            raise ValidationError(f"Longer than {self.max_length} characters.")
        return text

    def openapi(self) -> dict:
        """Its JSON Schema: a plain string, or an object of language codes to strings."""
        text = {"type": "string", "maxLength": self.max_length, "pattern": TEXT_PATTERN}
        said = {**text, "pattern": NONBLANK_PATTERN}
        by_language = {
            "type": "object",
            "propertyNames": {"pattern": LANGUAGE_PATTERN, "maxLength": LANGUAGE_MAX},
            "additionalProperties": text if self.removable else said,
            "maxProperties": MAX_LANGUAGES,
        }
        if self.required_text:
            by_language["minProperties"] = 1
        return {"oneOf": [said if self.required_text else text, by_language]}


def requested_language() -> str | None:
    """The ``?lang=`` of the request (validated by the API's ``before_request``)."""
    lang = request.args.get("lang")
    return lang if lang and LANGUAGE_RE.match(lang) else None


class ResolvedText(fields.Function):
    """Output only: the text of a translated field in ``?lang=``, else the fallback."""

    def __init__(self, field: str, **kwargs):
        super().__init__(lambda obj: obj.text(field, requested_language()), **kwargs)


def _one_without_the_other(number: str, null: str) -> dict:
    return {
        "not": {
            "required": [number, null],
            "properties": {number: {"type": "number"}, null: {"type": "null"}},
        }
    }


#: Bodies with an optional position of their own (``lat``, ``lon``): both or neither, which
#: the document says with these clauses (the server refuses half a pair with 422).
COORDINATE_PAIR = {
    "allOf": [_one_without_the_other("lat", "lon"), _one_without_the_other("lon", "lat")]
}
COORDINATE_PAIR_SCHEMAS = ("StopFields", "StopCreate", "StopRestore", "MediaFields")
#: A new object has nothing to pair a single coordinate with.
NEW_COORDINATE_PAIR = {"dependentRequired": {"lat": ["lon"], "lon": ["lat"]}}
NEW_COORDINATE_PAIR_SCHEMAS = ("StopCreate", "StopRestore")


def document_field(converter, field, ret=None, **kwargs) -> dict:
    """apispec attribute function: fields that describe themselves (``openapi()``) replace
    what apispec inferred."""
    if hasattr(field, "openapi") and ret is not None:
        for key in ("type", "additionalProperties", "propertyNames"):
            ret.pop(key, None)
        return field.openapi()
    return {}


class StrictNumberMixin:
    """Coordinates are JSON numbers: ``"45.1"``, ``true`` or ``NaN`` are refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ValidationError("Send a number.")
        return super()._deserialize(value, attr, data, **kwargs)


class Latitude(StrictNumberMixin, fields.Float):
    def __init__(self, **kwargs):
        error = "Latitude must be between -90 and 90."
        super().__init__(allow_nan=False, validate=validate.Range(-90, 90, error=error), **kwargs)


class Longitude(StrictNumberMixin, fields.Float):
    def __init__(self, **kwargs):
        error = "Longitude must be between -180 and 180."
        super().__init__(allow_nan=False, validate=validate.Range(-180, 180, error=error), **kwargs)


class Whole(fields.Integer):
    """A whole JSON number: ``"3"`` and ``3.5`` are refused; ``3.0`` is the integer 3, as
    JSON Schema has it."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super()._validated(value)


class Id(Whole):
    """A database id: a positive whole number that fits the id columns."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", validate.Range(min=1, max=2**31 - 1))
        super().__init__(**kwargs)


class Version(Whole):
    """The version of an object the client saw (optimistic concurrency): when it is no
    longer the current one the change is refused with 409."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", validate.Range(min=1, max=2**31 - 1))
        kwargs.setdefault(
            "metadata",
            {"description": "The version you saw; a stale one is refused (409)"},
        )
        super().__init__(**kwargs)


class Flag(fields.Boolean):
    """A JSON ``true`` or ``false``; ``0``, ``1``, ``"yes"`` are refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("Send true or false.")
        return value


class QueryFlag(fields.Boolean):
    """A flag in a query string: ``true`` or ``false`` (also ``1``/``0``)."""

    truthy = {"true", "1"}
    falsy = {"false", "0"}


class LangArgs(Schema):
    lang = LanguageCode(metadata={"description": "Language of the resolved ``*_text`` fields"})


class QueryId(fields.Integer):
    """An id in a query string: ``3``, or ``3.0`` as JSON Schema allows for an integer."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and re.fullmatch(r"\d+\.0*", value):
            value = value.split(".", 1)[0]
        return super()._deserialize(value, attr, data, **kwargs)


class TeamFilterArgs(LangArgs):
    team_id = QueryId(
        validate=validate.Range(min=1, max=2**31 - 1), metadata={"description": "Only this team's"}
    )
