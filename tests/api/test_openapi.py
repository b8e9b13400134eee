"""The OpenAPI document is valid and describes exactly the routes the app serves."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.sqlite_only  # the document and the routes: no database involved

PREFIX = "/api/v1"
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def document(client) -> dict:
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    return response.json


def served_routes(app) -> dict[str, set[str]]:
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + "/") or rule.rule.endswith("/openapi.json"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        methods = {m.lower() for m in rule.methods} & HTTP_METHODS
        routes.setdefault(path, set()).update(methods)
    return routes


def documented_routes(doc: dict) -> dict[str, set[str]]:
    return {path: set(ops) & HTTP_METHODS for path, ops in doc["paths"].items()}


def test_document_is_valid_openapi(client):
    doc = document(client)
    validate(doc)
    assert doc["openapi"].startswith("3.")


def test_document_matches_the_routes(app, client):
    served = served_routes(app)
    documented = documented_routes(document(client))
    assert len(served) >= 12  # teams, sites, tours, stops, media: not an empty app
    assert served == documented


def test_every_operation_has_a_summary_and_error_responses(client):
    doc = document(client)
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            assert operation.get("summary"), f"{method.upper()} {path} has no summary"
            if method != "get":
                assert {"401", "403"} <= set(operation["responses"]), f"{method} {path}"


def test_document_names_the_authentication_schemes(client):
    schemes = document(client)["components"]["securitySchemes"]
    assert schemes["bearerAuth"]["scheme"] == "bearer"
    assert schemes["cookieAuth"]["in"] == "cookie"


def test_upload_is_documented_as_multipart(client):
    doc = document(client)
    body = doc["paths"][f"{PREFIX}/media"]["post"]["requestBody"]["content"]
    schema = body["multipart/form-data"]["schema"]
    if "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    properties = schema.get("properties") or {}
    assert {"file", "team_id"} <= set(properties), schema
    assert properties["file"]["format"] == "binary"


def test_geojson_is_documented(client):
    operation = document(client)["paths"][f"{PREFIX}/sites.geojson"]["get"]
    assert "application/geo+json" in operation["responses"]["200"]["content"]
