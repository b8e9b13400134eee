"""Central error handlers: HTML pages for people, JSON for the API; never a stack trace.

A service's refusal (:class:`~tourbuilder.services.errors.DomainError`) is translated here
and only here: :func:`domain_error_body` for JSON, the error page for HTML.
"""

from __future__ import annotations

from flask import jsonify
from flask import render_template
from flask import request
from jinja2 import TemplateNotFound
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError
from werkzeug.exceptions import TooManyRequests
from werkzeug.http import HTTP_STATUS_CODES

from . import throttle
from .extensions import db
from .services.errors import DomainError


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_body(error: HTTPException) -> dict:
    """The stable JSON error shape: ``{"code", "status", "message"[, "errors"]}``."""
    data = getattr(error, "data", None) or {}
    body = {"code": error.code, "status": error.name}
    message = data.get("message") or error.description
    if message:
        body["message"] = message
    if data.get("errors"):
        body["errors"] = data["errors"]
    elif data.get("messages"):  # webargs validation errors
        body["errors"] = data["messages"]
    return body


def handle_http_exception(error: HTTPException):
    if error.code is None or error.code >= 500:
        db.session.rollback()
    body = error_body(error)
    if wants_json():
        response = jsonify(body)
    else:
        try:
            html = render_template(f"errors/{error.code}.html", error=error, body=body)
        except TemplateNotFound:
            html = render_template("errors/generic.html", error=error, body=body)
        response = html
    headers = (getattr(error, "data", None) or {}).get("headers") or {}
    if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        headers = {**headers, "Allow": ", ".join(error.valid_methods)}
    return response, error.code, headers


def domain_error_body(error: DomainError) -> dict:
    """A refusal in the API's error shape, with its field message under ``errors``."""
    body = {"code": error.status, "status": HTTP_STATUS_CODES[error.status]}
    body["message"] = error.message
    if (errors := error.errors()) is not None:
        body["errors"] = errors
    body.update(error.details())
    return body


def handle_domain_error(error: DomainError):
    """Undo what the refused operation had flushed, then answer in JSON or HTML."""
    db.session.rollback()
    body = domain_error_body(error)
    headers = error.headers() if hasattr(error, "headers") else {}
    if wants_json():
        return jsonify(body), error.status, headers
    try:
        html = render_template(f"errors/{error.status}.html", error=error, body=body)
    except TemplateNotFound:
        html = render_template("errors/generic.html", error=error, body=body)
    return html, error.status, headers


def handle_too_many_requests(error: TooManyRequests):
    """429 from throttle.py: when to try again, in words (translated) and in Retry-After."""
    message, headers = throttle.refusal()
    body = {"code": 429, "status": HTTP_STATUS_CODES[429], "message": message}
    if wants_json():
        return jsonify(body), 429, headers
    return render_template("errors/generic.html", error=error, body=body), 429, headers


def handle_unexpected(error: Exception):
    from flask import current_app

    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return handle_http_exception(InternalServerError())


def init_app(app) -> None:
    # Registered last, so these replace the JSON-only handler flask-smorest installs.
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(TooManyRequests, handle_too_many_requests)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
