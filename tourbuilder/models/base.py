"""Column types and mixins shared by the models."""

from __future__ import annotations

from datetime import datetime
from datetime import UTC
from enum import StrEnum  # noqa: F401  (re-exported for the models)

from sqlalchemy import DateTime
from sqlalchemy import Enum
from sqlalchemy import Integer
from sqlalchemy import JSON
from sqlalchemy import TypeDecorator
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.ext.mutable import MutableList
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC and always returned timezone-aware (UTC).

    SQLite keeps no time zone, PostgreSQL does: this makes both behave alike.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def translated_column(**kwargs) -> Mapped[dict]:
    """Text people write, one version per language: ``{"en": "...", "ar": "..."}``."""
    return mapped_column(MutableDict.as_mutable(JSON), default=dict, nullable=False, **kwargs)


def json_list_column(**kwargs) -> Mapped[list]:
    return mapped_column(MutableList.as_mutable(JSON), default=list, nullable=False, **kwargs)


def enum_column_type(enum_class):
    """Store an enum as its value in a VARCHAR (portable, no native enum to migrate)."""
    return Enum(
        enum_class,
        native_enum=False,
        length=20,
        values_callable=lambda cls: [member.value for member in cls],
    )


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


class Versioned:
    """An edit counter for optimistic concurrency: 1 when made, +1 with every change people
    make through the services (:func:`tourbuilder.services.versions.bump`). A client sends
    the version it saw; a stale one is refused (409) and nothing changes."""

    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1", nullable=False)


class Translatable:
    """Mixin for models with translated fields.

    ``obj.text("title", "ar")`` returns the Arabic title, else the version in the object's
    fallback language, else any version, else an empty string.
    """

    def fallback_language(self) -> str:
        return "en"

    def text(self, field: str, lang: str | None = None) -> str:
        versions = getattr(self, field) or {}
        for candidate in (lang, self.fallback_language()):
            if candidate and versions.get(candidate):
                return versions[candidate]
        return next((v for v in versions.values() if v), "")

    def text_language(self, field: str, lang: str | None = None) -> str | None:
        """The language :meth:`text` would answer in (for ``lang`` attributes)."""
        versions = getattr(self, field) or {}
        for candidate in (lang, self.fallback_language()):
            if candidate and versions.get(candidate):
                return candidate
        return next((k for k, v in versions.items() if v), None)
