"""Who is asking: session log-in (Flask-Login), personal API tokens, CSRF for the API."""

from __future__ import annotations

from flask import current_app
from flask import g
from flask import request
from flask_babel import lazy_gettext as _l

from .extensions import csrf
from .extensions import db
from .extensions import login_manager
from .models import User
from .services import accounts
from .services import commit

# Methods that change nothing: no CSRF token, and anonymous callers may use them.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@login_manager.user_loader
def load_user(session_id: str):
    """The person a session belongs to, if it was signed in after their last sign-out or
    password change: the session holds ``"<id>:<session_version>"`` (``User.get_id``).
    Anything else (an older version, the bare id of sessions from before versions) is
    nobody."""
    user_id, _, version = session_id.partition(":")
    try:
        user = db.session.get(User, int(user_id))
        version = int(version)
    except ValueError:
        return None
    if user is None or user.session_version != version:
        return None
    return user


@login_manager.request_loader
def load_user_from_token(req):
    """``Authorization: Bearer <token>`` signs a request in as the token's owner."""
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    user = accounts.user_for_token(token.strip())
    if user is None:
        return None
    commit()  # its own small unit of work: the token's last use, before the request's
    g.authenticated_by_token = True
    return user


def protect_api_request() -> None:
    """CSRF check for API writes made with the session cookie (a browser).

    Requests signed with a bearer token carry no ambient credentials and skip it.
    """
    if request.method in SAFE_METHODS or not current_app.config["WTF_CSRF_ENABLED"]:
        return
    if g.get("authenticated_by_token") or request.headers.get("Authorization"):
        return
    csrf.protect()


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.session_protection = "strong"
    csrf.init_app(app)
