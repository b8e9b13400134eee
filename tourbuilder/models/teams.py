"""Teams, people, their roles, invitations and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from flask import current_app
from flask import has_app_context
from flask_login import UserMixin
from sqlalchemy import Boolean
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import or_
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from ..extensions import db
from .base import enum_column_type
from .base import json_list_column
from .base import StrEnum
from .base import Timestamps
from .base import UTCDateTime
from .base import utcnow


class Role(StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    FACILITATOR = "facilitator"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Team(Timestamps, db.Model):
    """A local team documenting transformative projects in its territory.

    Permission rules (``user`` may be anonymous):

    ===================  =========  ===========  ===========  ======  ==========  ==========
    action               anonymous  other team   facilitator  editor  team admin  site admin
    ===================  =========  ===========  ===========  ======  ==========  ==========
    view name/country    yes        yes          yes          yes     yes         yes
    view members         no         no           yes          yes     yes         yes
    manage (invite...)   no         no           no           no      yes         yes
    ===================  =========  ===========  ===========  ======  ==========  ==========
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    country: Mapped[str] = mapped_column(String(2), default="")
    languages: Mapped[list] = json_list_column()
    # The theme list sites choose from: [{"key": "local-food", "labels": {"en": "Local
    # food", "ar": ...}}]; sites store the stable key, pages show the label
    # (:meth:`theme_label`). Team admins edit it (services/team_settings.py).
    themes: Mapped[list] = json_list_column(server_default="[]")
    # The view the team's maps open on when nothing is placed yet (the position picker).
    map_lat: Mapped[float | None] = mapped_column(Float, default=None)
    map_lon: Mapped[float | None] = mapped_column(Float, default=None)
    map_zoom: Mapped[int | None] = mapped_column(Integer, default=None)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="team", cascade="all, delete-orphan"
    )

    @property
    def default_language(self) -> str:
        return self.languages[0] if self.languages else "en"

    @property
    def map_view(self) -> tuple[float, float, int] | None:
        """``(lat, lon, zoom)`` of the team's default map view, or None when unset."""
        if self.map_lat is None or self.map_lon is None:
            return None
        return self.map_lat, self.map_lon, self.map_zoom or 12

    def theme_keys(self) -> list[str]:
        return [theme["key"] for theme in self.themes or []]

    def theme_labels_of(self, key: str) -> dict:
        """Every label of the theme ``key`` (``{}`` for a theme no longer on the list)."""
        return next((dict(t.get("labels") or {}) for t in self.themes or [] if t["key"] == key), {})

    def theme_label(self, key: str, lang: str | None = None) -> str:
        """The theme's label in ``lang``, else in the team's first language, else any;
        the key itself for a theme no longer on the list."""
        for theme in self.themes or []:
            if theme["key"] == key:
                labels = theme.get("labels") or {}
                for candidate in (lang, self.default_language):
                    if candidate and labels.get(candidate):
                        return labels[candidate]
                return next((label for label in labels.values() if label), key)
        return key

    def can_view_members(self, user) -> bool:
        return is_site_admin(user) or role_for(user, self.id) is not None

    def can_manage(self, user) -> bool:
        return is_site_admin(user) or role_for(user, self.id) is Role.ADMIN


def is_site_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_site_admin)


def listable(query, user, team_id, public):
    """``query`` narrowed to the rows ``user`` may list: those matching ``public``, and
    every row of the user's teams (``team_id`` is the rows' team column); all rows for a
    site admin."""
    if is_site_admin(user):
        return query
    team_ids = user.team_ids() if getattr(user, "is_authenticated", False) else set()
    if team_ids:
        return query.where(or_(public, team_id.in_(team_ids)))
    return query.where(public)


def role_for(user, team_id: int | None) -> Role | None:
    """The role ``user`` (possibly anonymous) holds in the team, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return user.role_in(team_id)


def can_edit_team_content(user, team_id: int | None) -> bool:
    """Editors and admins of the team, and site admins, change its content."""
    return is_site_admin(user) or role_for(user, team_id) in (Role.ADMIN, Role.EDITOR)


def is_team_member(user, team_id: int | None) -> bool:
    return is_site_admin(user) or role_for(user, team_id) is not None


def password_hash_method() -> str:
    """werkzeug's hashing method for new passwords (``PASSWORD_HASH_METHOD``)."""
    return current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"


class User(UserMixin, Timestamps, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(400), default="")
    is_site_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str | None] = mapped_column(String(12), default=None)
    # Raised when the person signs out or changes the password: a session remembers the
    # number it was signed in with (get_id), and one that no longer matches is refused.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: ``"<id>:<session_version>"``, so that
        raising :attr:`session_version` ends every session signed in before
        (``auth.load_user``)."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=password_hash_method())

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def role_in(self, team_id: int | None) -> Role | None:
        for m in self.memberships:
            if m.team_id == team_id:
                return m.role
        return None

    def team_ids(self, *roles: Role) -> set[int]:
        return {m.team_id for m in self.memberships if not roles or m.role in roles}

    @property
    def display_name(self) -> str:
        return self.name or self.email


class Membership(Timestamps, db.Model):
    __table_args__ = (UniqueConstraint("user_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column_type(Role))

    user: Mapped[User] = relationship(back_populates="memberships")
    team: Mapped[Team] = relationship(back_populates="memberships")


class Invitation(Timestamps, db.Model):
    """A link a team admin shares to let someone join the team with a role.

    Only a hash of the token is stored; the link is shown once, when created.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column_type(Role))
    email: Mapped[str] = mapped_column(String(320), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    team: Mapped[Team] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @classmethod
    def create(cls, team: Team, role: Role, created_by: User, expires_at: datetime, email=""):
        """Return ``(invitation, token)``; the token is not stored."""
        token = secrets.token_urlsafe(32)
        inv = cls(
            team=team,
            role=role,
            email=email,
            token_hash=hash_token(token),
            created_by=created_by,
            expires_at=expires_at,
        )
        return inv, token

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > utcnow()


class ApiToken(Timestamps, db.Model):
    """A personal API token, sent as ``Authorization: Bearer <token>``; only its hash is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    user: Mapped[User] = relationship()

    PREFIX = "tb_"

    @classmethod
    def create(cls, user: User, name: str = ""):
        """Return ``(token_row, token)``; the token is shown once and not stored."""
        token = cls.PREFIX + secrets.token_urlsafe(32)
        return cls(user=user, name=name, token_hash=hash_token(token)), token
