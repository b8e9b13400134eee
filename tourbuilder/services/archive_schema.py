"""The JSON Schema of ``tour.json``, the description inside a portable tour archive.

Documented in docs/tour-archive.md; docs/tour-archive.schema.json is this schema written
out (tests/test_tour_archive.py checks they agree). A new version of the format gets a
new ``version`` number; readers refuse versions they do not know.
"""

from __future__ import annotations

from ..text import TEXT_PATTERN

DESCRIPTION = "tour.json"  # the member of the zip that describes the tour
FORMAT = "tourbuilder-tour"
VERSION = 1
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
REF_PATTERN = r"^[a-z]+-[0-9]{1,9}$"
FILE_PATTERN = r"^media/[0-9a-f]{64}(\.[a-z0-9]{1,10})?$"
CAPTIONS_PATTERN = r"^media/[0-9a-f]{64}\.[a-z]{2,3}(-[A-Za-z0-9]{2,8})*\.vtt$"


def _text(max_length: int) -> dict:
    return {"type": "string", "maxLength": max_length, "pattern": TEXT_PATTERN}


def _translated(max_length: int) -> dict:
    return {
        "type": "object",
        "description": "Text by language code",
        "propertyNames": {"pattern": LANGUAGE_PATTERN, "maxLength": 35},
        "additionalProperties": _text(max_length),
    }


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


LAT = {"type": "number", "minimum": -90, "maximum": 90}
LON = {"type": "number", "minimum": -180, "maximum": 180}
REF = {"type": "string", "pattern": REF_PATTERN}

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://tourbuilder.example/schemas/tour-archive-1.json",
    "title": "tourbuilder portable tour archive (tour.json)",
    "type": "object",
    "required": ["format", "version", "tour", "sites", "stops", "media"],
    "properties": {
        "format": {"const": FORMAT},
        "version": {"type": "integer", "minimum": 1},
        "generator": _text(200),
        "exported_at": _text(64),
        "tour": {
            "type": "object",
            "required": ["title"],
            "properties": {
                "slug": {"type": "string", "pattern": r"^[a-z0-9]+(?:-[a-z0-9]+)*$"},
                "title": _translated(200),
                "summary": _translated(5_000),
                "languages": {
                    "type": "array",
                    "maxItems": 20,
                    "items": {"type": "string", "pattern": LANGUAGE_PATTERN},
                },
                "theme": _text(40),
                "cover": _nullable(REF),
            },
        },
        "sites": {
            "type": "array",
            "maxItems": 1000,
            "items": {
                "type": "object",
                "required": ["ref", "name", "lat", "lon"],
                "properties": {
                    "ref": REF,
                    "name": _translated(200),
                    "description": _translated(20_000),
                    "lat": LAT,
                    "lon": LON,
                    "address": _text(500),
                    "themes": {"type": "array", "maxItems": 50, "items": _text(100)},
                    "theme_labels": {
                        "type": "object",
                        "maxProperties": 50,
                        "additionalProperties": _translated(100),
                    },
                    "website": _text(500),
                    "contact": _text(500),
                    "approximate_location": {"type": "boolean"},
                },
            },
        },
        "stops": {
            "type": "array",
            "maxItems": 1000,
            "items": {
                "type": "object",
                "properties": {
                    "title": _translated(200),
                    "narrative": _translated(50_000),
                    "presenter_notes": _translated(20_000),
                    "lat": _nullable(LAT),
                    "lon": _nullable(LON),
                    "zoom": _nullable({"type": "integer", "minimum": 0, "maximum": 22}),
                    "layout": _text(40),
                    "site": _nullable(REF),
                    "media": {"type": "array", "maxItems": 100, "items": REF},
                },
            },
        },
        "media": {
            "type": "array",
            "maxItems": 5000,
            "items": {
                "type": "object",
                "required": ["ref", "file", "sha256"],
                "properties": {
                    "ref": REF,
                    "file": {"type": "string", "pattern": FILE_PATTERN},
                    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "size": {"type": "integer", "minimum": 1},
                    "kind": {"enum": ["photo", "video", "panorama", "audio"]},
                    "mime": _text(100),
                    "original_name": _text(255),
                    "caption": _translated(2_000),
                    "alt_text": _translated(1_000),
                    "credit": _text(300),
                    "licence": _text(100),
                    "consent": {"enum": ["not_yet", "no_people", "consent_recorded"]},
                    "captured_at": _nullable(_text(64)),
                    "lat": _nullable(LAT),
                    "lon": _nullable(LON),
                    "as_panorama": {"type": "boolean"},
                    "site": _nullable(REF),
                    "captions_files": {
                        "type": "object",
                        "description": "WebVTT captions of a video or recording, by language",
                        "propertyNames": {"pattern": LANGUAGE_PATTERN, "maxLength": 35},
                        "additionalProperties": {"type": "string", "pattern": CAPTIONS_PATTERN},
                    },
                },
            },
        },
    },
}
