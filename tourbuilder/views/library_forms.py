"""Reading the media page's forms: its filters (a query string) and an item's detail
panel (captions and alt texts per language, credit, licence, site, position)."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from ..coordinates import CoordinateError
from ..coordinates import parse_position
from ..models import MediaItem
from ..models import MediaKind
from ..services.errors import InvalidValue
from ..services.media_selection import FILTERS
from ..text import clean_text


def filters_from(args) -> dict:
    """The page's filters from a query string or a form's ``filters`` field: a known kind,
    known "show only" facts."""
    kind = args.get("kind") or ""
    kinds = {str(k) for k in MediaKind}
    return {
        "kind": kind if kind in kinds else "",
        "show": [name for name in FILTERS if name in args.getlist("show")],
    }


def panel_fields(item: MediaItem) -> tuple[dict, dict]:
    """What the detail panel sent: captions and alt texts per language, credit, licence,
    site, position. Returns the fields for ``update_item`` and errors by field."""
    fields, errors = {}, {}
    languages = list(dict.fromkeys([*item.team.languages, *item.caption, *item.alt_text]))
    for field, prefix, limit in (("caption", "caption", 2_000), ("alt_text", "alt", 1_000)):
        texts = {}
        for code in languages:
            key = f"{prefix}-{code}"
            if key not in request.form:
                continue
            try:
                texts[code] = clean_text(request.form[key].strip(), field)
            except InvalidValue as exc:
                errors[key] = exc.message
                continue
            if len(texts[code]) > limit:
                errors[key] = _("At most %(num)d characters.", num=limit)
        if texts:
            fields[field] = texts
    for field, limit in (("credit", 300), ("licence", 100)):
        if field in request.form:
            value = request.form[field].strip()
            try:
                value = clean_text(value, field)
            except InvalidValue as exc:
                errors[field] = exc.message
            if len(value) > limit:
                errors[field] = _("At most %(num)d characters.", num=limit)
            fields[field] = value
    if "site_id" in request.form:
        value = request.form["site_id"]
        fields["site_id"] = int(value) if value.isdigit() and len(value) < 10 else None
    if "position" in request.form:
        try:
            position = parse_position(request.form["position"])
        except CoordinateError as exc:
            errors["position"] = str(exc.message)
        else:
            if position is not None:
                fields.update(lat=position[0], lon=position[1], location_confirmed=True)
            elif item.location_confirmed:
                fields.update(lat=None, lon=None)
    return fields, errors


def selected_ids() -> list[int]:
    return [int(v) for v in request.form.getlist("media_ids") if v.isdigit() and len(v) < 10]
