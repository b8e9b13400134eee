"""People's accounts: finding them, the password rule, profiles and personal API tokens.

Services flush; the adapter commits.
"""

from __future__ import annotations

import functools
import secrets

from sqlalchemy import func
from sqlalchemy import select
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from ..extensions import db
from ..models import ApiToken
from ..models import User
from ..models import utcnow
from ..models.teams import hash_token
from ..models.teams import password_hash_method
from .errors import Conflict
from .errors import InvalidValue
from .errors import NotFound

PASSWORD_MIN = 10
PASSWORD_MAX = 200


def check_new_password(password: str, field: str = "password") -> str:
    """The one password rule, for the forms, the CLI and the API alike.

    :raise InvalidValue: shorter than :data:`PASSWORD_MIN` or longer than
        :data:`PASSWORD_MAX` characters.
    """
    if len(password) < PASSWORD_MIN:
        raise InvalidValue(field, f"The password needs at least {PASSWORD_MIN} characters.")
    if len(password) > PASSWORD_MAX:
        raise InvalidValue(field, f"The password may have at most {PASSWORD_MAX} characters.")
    return password


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    """The account with this email, whatever its case and surrounding spaces."""
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active account with this email and password, else None.

    Every answer costs one password check: with no account (or no password) to check, a
    dummy hash of the configured method is checked instead, so the time an answer takes
    does not tell whether an email has an account. An inactive account's password is
    checked too, then refused.
    """
    user = find_user(email)
    if user is None or not user.password_hash:
        check_password_hash(dummy_hash(password_hash_method()), password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    return user


@functools.cache
def dummy_hash(method: str) -> str:
    """A hash of a random password, made once per process and method."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def create_account(email: str, name: str, password: str) -> User:
    """A new account.

    :raise Conflict: an account with this email exists.
    :raise InvalidValue: the password breaks the rule.
    """
    if find_user(email) is not None:
        raise Conflict("email", "An account with this email exists.")
    user = User(email=normalise_email(email), name=name.strip())
    user.set_password(check_new_password(password))
    db.session.add(user)
    db.session.flush()
    return user


def make_site_admin(email: str, password: str, name: str = "") -> tuple[User, bool]:
    """Create a site administrator, or make an existing account one (its password set,
    its sessions ended); returns ``(user, created)``.

    :raise InvalidValue: the password breaks the rule.
    """
    check_new_password(password)
    user = find_user(email)
    created = user is None
    if created:
        user = User(email=normalise_email(email), name=name)
        db.session.add(user)
    user.is_site_admin = True
    user.set_password(password)
    end_sessions(user)
    return user, created


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password and end every session signed in with the old one (the adapter
    signs its own caller in again).

    :raise InvalidValue: ``current`` is wrong, or ``new`` breaks the rule.
    """
    if not user.check_password(current):
        raise InvalidValue("current", "This is not your current password.")
    user.set_password(check_new_password(new, "new"))
    end_sessions(user)


def end_sessions(user: User) -> None:
    """Sign the person out on every device: each session signed in before stops working
    (``User.session_version``). Personal API tokens are not sessions and go on working."""
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()


def update_profile(user: User, name: str, language: str | None) -> None:
    """A person's display name and interface language (None: as the browser says)."""
    user.name = name.strip()
    user.language = language or None
    db.session.flush()


def create_token(user: User, name: str) -> str:
    """A new personal API token; returns it (only its hash is stored: show it now)."""
    row, token = ApiToken.create(user, name.strip())
    db.session.add(row)
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    """The active owner of a live personal API token, its use recorded; else None."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None or not row.user.is_active:
        return None
    row.last_used_at = utcnow()
    db.session.flush()
    return row.user


def live_tokens(user: User) -> list[ApiToken]:
    """The user's tokens that still work, newest first."""
    return db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc())
    ).all()


def revoke_token(user: User, token_id: int) -> None:
    """:raise NotFound: not one of the user's tokens."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound(None, "No such token.")
    row.revoked_at = utcnow()
    db.session.flush()
