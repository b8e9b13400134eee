"""Media items: photos, videos, 360° panoramas and audio owned by a team."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy import Boolean
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import JSON
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from ..extensions import db
from .base import enum_column_type
from .base import StrEnum
from .base import Timestamps
from .base import Translatable
from .base import translated_column
from .base import UTCDateTime
from .base import Versioned
from .sites import Site
from .teams import can_edit_team_content
from .teams import is_team_member
from .teams import Team


class MediaKind(StrEnum):
    """What an item's bytes are. Until they are read, a first guess from the declared type.

    ``track`` is a GPS track or map file (GPX, KML): recognised, so the library can say what
    it is, but refused by the media pipeline. Stored as text without a CHECK constraint
    (see ``enum_column_type``), so a new value needs no migration.
    """

    PHOTO = "photo"
    VIDEO = "video"
    PANORAMA = "panorama"
    AUDIO = "audio"
    TRACK = "track"


class MediaStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


class Consent(StrEnum):
    """Whether people shown in the item agreed to publication."""

    NOT_YET = "not_yet"
    NO_PEOPLE = "no_people"
    CONSENT_RECORDED = "consent_recorded"


class MediaItem(Timestamps, Translatable, Versioned, db.Model):
    """A photo, video, panorama or audio recording of a team.

    ================  =========  ==========  ===========  ======  ==========  ==========
    action            anonymous  other team  facilitator  editor  team admin  site admin
    ================  =========  ==========  ===========  ======  ==========  ==========
    view in library   no         no          yes          yes     yes         yes
    edit / delete     no         no          no           yes     yes         yes
    ================  =========  ==========  ===========  ======  ==========  ==========

    The public sees an item's web derivatives (never its original) only through a tour or
    site it may view, and only once the item is publishable (:attr:`is_publishable`).
    """

    __table_args__ = (UniqueConstraint("team_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int | None] = mapped_column(
        ForeignKey("site.id", ondelete="SET NULL"), index=True, default=None
    )
    kind: Mapped[MediaKind] = mapped_column(enum_column_type(MediaKind))
    status: Mapped[MediaStatus] = mapped_column(
        enum_column_type(MediaStatus), default=MediaStatus.PENDING
    )
    error: Mapped[str] = mapped_column(Text, default="")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    caption: Mapped[dict] = translated_column()
    alt_text: Mapped[dict] = translated_column()
    credit: Mapped[str] = mapped_column(String(300), default="")
    licence: Mapped[str] = mapped_column(String(100), default="")
    captured_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    consent: Mapped[Consent] = mapped_column(enum_column_type(Consent), default=Consent.NOT_YET)
    original_name: Mapped[str] = mapped_column(String(255), default="")
    original_key: Mapped[str] = mapped_column(String(255), default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    mime: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    width: Mapped[int | None] = mapped_column(Integer, default=None)
    height: Mapped[int | None] = mapped_column(Integer, default=None)
    duration: Mapped[float | None] = mapped_column(Float, default=None)
    lat: Mapped[float | None] = mapped_column(Float, default=None)
    lon: Mapped[float | None] = mapped_column(Float, default=None)
    location_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    derivatives: Mapped[dict] = mapped_column(MutableDict.as_mutable(JSON), default=dict)
    details: Mapped[dict] = mapped_column(MutableDict.as_mutable(JSON), default=dict)

    team: Mapped[Team] = relationship()
    site: Mapped[Site | None] = relationship()

    def fallback_language(self) -> str:
        return self.team.default_language if self.team else "en"

    def can_view(self, user) -> bool:
        return is_team_member(user, self.team_id)

    def can_edit(self, user) -> bool:
        return can_edit_team_content(user, self.team_id)

    def thumbnail_variant(self) -> str | None:
        """The smallest picture derivative (a photo size or a video poster), WebP first."""
        pictures = [
            (not name.endswith(".webp"), entry.get("width") or 0, name)
            for name, entry in self.derivatives.items()
            if (entry.get("mime") or "").startswith("image/")
        ]
        return min(pictures)[2] if pictures else None

    @property
    def is_publishable(self) -> bool:
        """Ready, and nobody identifiable is shown without recorded consent."""
        return self.status is MediaStatus.READY and self.consent in (
            Consent.NO_PEOPLE,
            Consent.CONSENT_RECORDED,
        )
