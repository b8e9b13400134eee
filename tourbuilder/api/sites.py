"""Sites: ``/api/v1/sites`` and the public map layer ``/api/v1/sites.geojson``."""

from __future__ import annotations

import json

from flask import request
from flask import Response
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import abort
from marshmallow import fields
from marshmallow import Schema
from marshmallow import validate
from sqlalchemy import or_
from sqlalchemy import select

from ..extensions import db
from ..models import Site
from ..models import SiteVisibility
from ..models import Stop
from ..models import Tour
from ..models.teams import is_site_admin
from ..services.tours import PUBLISHED
from . import schemas
from .common import load_or_404
from .common import make_blueprint
from .common import paginate
from .common import team_for_new_content

blp = make_blueprint("sites", "Sites: transformative projects on the map. Anyone sees public ones.")


def http_url(value: str) -> None:
    if value and not validate.URL(schemes={"http", "https"})(value):
        raise validate.ValidationError("Not a web address.")


def not_blank(value: dict) -> None:
    if not any(text.strip() for text in value.values()):
        raise validate.ValidationError("Give a text in at least one language.")


class SiteFields(Schema):
    """What a client may set on a site."""

    name = schemas.Translated(max_length=200, validate=not_blank)
    description = schemas.Translated(max_length=20_000)
    lat = schemas.Latitude()
    lon = schemas.Longitude()
    address = fields.String(validate=validate.Length(max=500))
    themes = fields.List(
        fields.String(validate=validate.Length(min=1, max=60)), validate=validate.Length(max=20)
    )
    website = fields.String(validate=[validate.Length(max=500), http_url])
    contact = fields.String(validate=validate.Length(max=500))
    approximate_location = fields.Boolean()
    visibility = fields.Enum(SiteVisibility, by_value=True)


class SiteCreate(SiteFields):
    team_id = schemas.Id(required=True)

    name = schemas.Translated(max_length=200, validate=not_blank, required=True)
    lat = schemas.Latitude(required=True)
    lon = schemas.Longitude(required=True)


class SiteSchema(Schema):
    id = fields.Integer()
    team_id = fields.Integer()
    name = fields.Dict()
    name_text = schemas.ResolvedText("name")
    description = fields.Dict()
    description_text = schemas.ResolvedText("description")
    lat = fields.Function(lambda site: site.position_for(current_user)[0])
    lon = fields.Function(lambda site: site.position_for(current_user)[1])
    approximate_location = fields.Boolean()
    address = fields.String()
    themes = fields.List(fields.String())
    website = fields.String()
    contact = fields.String()
    visibility = fields.Enum(SiteVisibility, by_value=True)
    url = fields.Function(lambda site: f"/sites/{site.id}")
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


def set_site_fields(site: Site, data: dict) -> None:
    language = site.team.default_language
    for name in ("name", "description"):
        if name in data:
            value = schemas.merge_translations(getattr(site, name), data.pop(name), language)
            setattr(site, name, value)
    for name, value in data.items():
        setattr(site, name, value)


def visible_sites(user):
    """Public sites, and every site of the user's teams (all sites for site admins)."""
    query = select(Site)
    if is_site_admin(user):
        return query
    if user.is_authenticated and user.team_ids():
        return query.where(
            or_(Site.visibility == SiteVisibility.PUBLIC, Site.team_id.in_(user.team_ids()))
        )
    return query.where(Site.visibility == SiteVisibility.PUBLIC)


@blp.route("/sites")
class Sites(MethodView):
    @blp.arguments(schemas.TeamFilterArgs, location="query")
    @blp.response(200, SiteSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List public sites and the drafts of your teams."""
        query = visible_sites(current_user)
        if "team_id" in args:
            query = query.where(Site.team_id == args["team_id"])
        return paginate(query.order_by(Site.id), pagination_parameters)

    @blp.arguments(SiteCreate)
    @blp.response(201, SiteSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Not an editor of the team")
    def post(self, data):
        """Add a site to a team (editors and admins of the team).

        ``name`` and ``description`` take ``{"lang": text}`` or a plain string in the
        team's first language.
        """
        team = team_for_new_content(data.pop("team_id"))
        site = Site(team=team, name={}, description={})
        set_site_fields(site, data)
        db.session.add(site)
        db.session.commit()
        return site


@blp.route("/sites/<int:site_id>")
class SiteById(MethodView):
    @blp.arguments(schemas.LangArgs, location="query")
    @blp.response(200, SiteSchema)
    @blp.alt_response(404, description="No such site, or a draft of another team")
    def get(self, args, site_id):
        """Show a site; approximate positions are rounded for those who may not edit it."""
        return load_or_404(Site, site_id)

    @blp.arguments(SiteFields)
    @blp.response(200, SiteSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Not an editor of the team")
    @blp.alt_response(404, description="No such site, or a draft of another team")
    def patch(self, data, site_id):
        """Change a site. A translated field sets the languages given ("" removes one)."""
        site = load_or_404(Site, site_id, "edit")
        set_site_fields(site, data)
        db.session.commit()
        return site

    @blp.response(204)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Not an editor of the team")
    @blp.alt_response(404, description="No such site, or a draft of another team")
    @blp.alt_response(409, description="A published tour stops at the site")
    def delete(self, site_id):
        """Delete a site, unless a published tour needs it for a stop's position."""
        site = load_or_404(Site, site_id, "edit")
        needed = db.session.scalars(
            select(Tour.slug)
            .join(Stop, Stop.tour_id == Tour.id)
            .where(Stop.site_id == site.id, Stop.lat.is_(None), Tour.visibility.in_(PUBLISHED))
            .distinct()
        ).all()
        if needed:
            abort(409, message=f"Published tours stop at this site: {', '.join(sorted(needed))}.")
        db.session.delete(site)
        db.session.commit()


class FeatureCollection(Schema):
    """A GeoJSON FeatureCollection of points (documentation of the response)."""

    type = fields.Constant("FeatureCollection")
    features = fields.List(
        fields.Dict(),
        metadata={
            "description": "Point features; properties: id, name, themes, team, url, approximate"
        },
    )


@blp.route("/sites.geojson")
class SitesGeoJSON(MethodView):
    @blp.arguments(schemas.LangArgs, location="query")
    @blp.response(200, FeatureCollection, content_type="application/geo+json")
    def get(self, args):
        """Public sites as GeoJSON for maps; approximate positions are rounded. Cacheable."""
        sites = db.session.scalars(
            select(Site).where(Site.visibility == SiteVisibility.PUBLIC).order_by(Site.id)
        ).all()
        lang = args.get("lang")
        features = []
        for site in sites:
            lat, lon = site.position_for(None)
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "properties": {
                        "id": site.id,
                        "name": site.text("name", lang),
                        "themes": list(site.themes),
                        "team": site.team.name,
                        "url": f"/sites/{site.id}",
                        "approximate": site.approximate_location,
                    },
                }
            )
        body = json.dumps({"type": "FeatureCollection", "features": features})
        response = Response(body, mimetype="application/geo+json")
        response.headers["Cache-Control"] = "public, max-age=300"
        response.headers["Vary"] = "Accept-Encoding"
        response.add_etag()
        return response.make_conditional(request)
