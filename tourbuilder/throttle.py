"""Throttling of sign-in and of the other forms that take a password (Flask-Limiter).

===================  =================  ====================  ===============================
form                 counted per        what counts           setting
===================  =================  ====================  ===============================
sign-in              the email typed    wrong passwords       ``LOGIN_RATE_LIMIT_PER_ACCOUNT``
sign-in, invitation  client address     every attempt         ``LOGIN_RATE_LIMIT_PER_ADDRESS``
invitation           invitation link    every attempt         ``INVITATION_RATE_LIMIT``
password change      account            every attempt         ``PASSWORD_CHANGE_RATE_LIMIT``
follow-along code    client address     codes that find none  ``LIVE_CODE_RATE_LIMIT``
===================  =================  ====================  ===============================

Only wrong passwords count per account, so a person who signs in often is never held back,
and unknown emails count like known ones, so a refusal tells nothing about who has an
account. A failure is only known once answered, so parallel guesses at one account can
pass that limit by their number; the per-address limit counts every attempt as it arrives
and bounds them. A follow-along code (views/live.py) opens a tour, workshop-only ones too,
to whoever holds it: codes that find no session count per address, in one count for the
join form, the phone page, its stream, its QR code and reflections, so codes cannot be
guessed; a right code never counts, and the limit is generous because a workshop room
often reaches the app from one address. Limits are read from the settings on each
request (``"10 per 15 minutes"``, several joined by ``;``). Counts live in Redis when
``REDIS_URL`` is set (every process shares them), else in each process's memory; each app
gets fresh counts.

A refused request answers 429 with ``Retry-After`` (:func:`refusal`, used by errors.py
and by the sign-in page).
"""

from __future__ import annotations

import math
import time
from datetime import timedelta

from flask import current_app
from flask import request
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from .extensions import limiter
from .models.teams import hash_token
from .services.accounts import normalise_email


def setting(name: str):
    """A limit read from the settings when a request comes (tests and admins change it)."""
    return lambda: current_app.config[name]


def email_typed() -> str:
    return "email:" + (normalise_email(request.form.get("email", "")) or "-")


def signed_in_account() -> str:
    return f"user:{current_user.id}"


def invitation_link() -> str:
    """The link's hash, not the link: counts must not store secrets."""
    return "invitation:" + hash_token((request.view_args or {}).get("token", ""))


def wrong_password(response) -> bool:
    return response.status_code == 401


def no_such_code(response) -> bool:
    return response.status_code == 404


sign_in_per_account = limiter.limit(
    setting("LOGIN_RATE_LIMIT_PER_ACCOUNT"),
    key_func=email_typed,
    methods=["POST"],
    deduct_when=wrong_password,
)
# One count per address for every form that signs someone in or creates an account.
per_address = limiter.shared_limit(
    setting("LOGIN_RATE_LIMIT_PER_ADDRESS"),
    scope="sign-in-per-address",
    key_func=get_remote_address,
    methods=["POST"],
)
invitation = limiter.limit(
    setting("INVITATION_RATE_LIMIT"), key_func=invitation_link, methods=["POST"]
)
password_change = limiter.limit(
    setting("PASSWORD_CHANGE_RATE_LIMIT"), key_func=signed_in_account, methods=["POST"]
)
live_code = limiter.shared_limit(
    setting("LIVE_CODE_RATE_LIMIT"),
    scope="live-code",
    key_func=get_remote_address,
    deduct_when=no_such_code,
)


def retry_after() -> int:
    """Seconds until the limit this request broke lets one more attempt through."""
    breached = limiter.current_limit
    if breached is None:
        return 60
    reset_time, _remaining = breached.window
    return max(1, math.ceil(reset_time - time.time()))


def refusal() -> tuple[str, dict]:
    """The words for a throttled request, in the interface language, and its headers."""
    seconds = retry_after()
    wait = format_timedelta(timedelta(seconds=seconds), add_direction=False)
    message = _("Too many attempts. Please try again in %(wait)s.", wait=wait)
    return message, {"Retry-After": str(seconds)}


def init_app(app) -> None:
    """Counts in Redis when ``REDIS_URL`` is set (unless ``RATELIMIT_STORAGE_URI`` says
    otherwise), else in memory; client addresses from ``X-Forwarded-For`` when
    ``PROXY_COUNT`` proxies that set it stand in front."""
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = app.config.get("REDIS_URL") or "memory://"
    app.config.setdefault("RATELIMIT_KEY_PREFIX", app.config["JOB_QUEUE_NAME"])
    # Said here, or the shared limiter would keep what an earlier app in this process said.
    app.config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)
    proxies = int(app.config["PROXY_COUNT"])
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)
