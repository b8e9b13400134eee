"""Helpers for the API tests (imported by their conftest and modules)."""

from __future__ import annotations

import re

PASSWORD = "correct horse battery"  # the factories' password (tests/conftest.py)


def csrf_token_from(html: str) -> str | None:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return found.group(1) if found else None


def login(client, email: str):
    """Sign in through the login form (with its CSRF token when the page carries one)."""
    data = {"email": email, "password": PASSWORD}
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    if token:
        data["csrf_token"] = token
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response
