"""What a service says when it refuses: one base class with the field at fault and a message.

Adapters never translate these one by one: :mod:`tourbuilder.errors` turns any
:class:`DomainError` into the API's JSON error shape or an HTML error page, after rolling
back what the refused operation had flushed.
"""

from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses.

    ``field`` names the value at fault (``None``: the request as a whole); ``location``
    says where that value came from (``json``, ``query``, ``path``, ``files``,
    ``headers``, ``form``); ``status`` is the HTTP status an adapter answers with.
    """

    status = 422

    def __init__(self, field: str | None, message: str, *, location: str = "json"):
        super().__init__(message)
        self.field = field
        self.message = message
        self.location = location

    def errors(self) -> dict | None:
        """Field messages in the shape webargs gives validation errors, or None."""
        if self.field is None:
            return None
        return {self.location: {self.field: [self.message]}}

    def details(self) -> dict:
        """More members of the JSON error body (a publish refusal lists its problems)."""
        return {}


class InvalidValue(DomainError):
    """A value the domain cannot take (422)."""


class BadRequest(DomainError):
    """A malformed request, such as an unreadable protocol header (400)."""

    status = 400


class Forbidden(DomainError):
    """The caller sees the object but may not do this to it (403)."""

    status = 403


class NotFound(DomainError):
    """No such object, or one the caller may not see (404)."""

    status = 404


class Conflict(DomainError):
    """The request clashes with the current state: a taken name, a needed site (409)."""

    status = 409


class Gone(DomainError):
    """The thing acted on is finished and takes no more changes (410)."""

    status = 410


class TooLarge(DomainError):
    """More bytes than a limit allows (413)."""

    status = 413


class Throttled(DomainError):
    """Too many requests from one client in a while: try again in ``retry_after`` seconds
    (429, with ``Retry-After``)."""

    status = 429

    def __init__(self, field: str | None, message: str, retry_after: int):
        super().__init__(field, message)
        self.retry_after = retry_after

    def headers(self) -> dict:
        return {"Retry-After": str(self.retry_after)}


class PublishError(Conflict):
    """The tour cannot be published yet; ``problems`` says why (the publish check's
    :class:`~tourbuilder.services.publish_check.Problem` list)."""

    def __init__(self, problems: list):
        messages = [problem.message for problem in problems]
        super().__init__("visibility", "The tour cannot be published yet: " + " ".join(messages))
        self.problems = problems

    def errors(self) -> dict:
        return {"visibility": [problem.message for problem in self.problems]}

    def details(self) -> dict:
        return {"problems": [problem.as_dict() for problem in self.problems]}


def translate(message: str) -> str:
    """``message`` in the interface language of the request, if any (a command, a job:
    as written). Import it as ``_`` so that ``make messages`` finds the strings."""
    from flask import has_request_context
    from flask_babel import gettext

    return gettext(message) if has_request_context() else message


class StaleVersion(Conflict):
    """The client's ``version`` of ``obj`` is not the current one: someone changed it since
    (409). The API answers with the current representation beside the error."""

    def __init__(self, obj):
        super().__init__(
            "version",
            "Someone else changed this since you loaded it. Look at the current version, "
            "then make your change again.",
        )
        self.obj = obj
