"""Resumable uploads in progress (the tus protocol)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from ..extensions import db
from ..storage import upload_key
from .base import Timestamps
from .base import UTCDateTime
from .media import MediaItem
from .teams import Team
from .teams import User


class UploadSession(Timestamps, db.Model):
    """A file being received in pieces. It becomes a media item only once complete, so an
    interrupted upload never shows up half-made in the library.

    Only its creator may continue, inspect or cancel it.
    """

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    length: Mapped[int] = mapped_column(BigInteger)
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    filename: Mapped[str] = mapped_column(String(255), default="")
    mime: Mapped[str] = mapped_column(String(100), default="")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    media_id: Mapped[int | None] = mapped_column(
        ForeignKey("media_item.id", ondelete="SET NULL"), default=None
    )

    team: Mapped[Team] = relationship()
    user: Mapped[User] = relationship()
    media: Mapped[MediaItem | None] = relationship()

    @property
    def partial_key(self) -> str:
        return upload_key(self.id)

    def belongs_to(self, user) -> bool:
        return bool(getattr(user, "is_authenticated", False) and user.id == self.user_id)
