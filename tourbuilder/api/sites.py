"""Sites: ``/api/v1/sites`` and the public map layer ``/api/v1/sites.geojson``."""

from __future__ import annotations

from flask import request
from flask import Response
from flask import url_for
from flask.views import MethodView
from flask_login import current_user
from marshmallow import fields
from marshmallow import Schema
from marshmallow import validate

from .. import derivatives
from ..labels import country_name
from ..models import Site
from ..models import SiteVisibility
from ..services import commit
from ..services import library
from ..services import publishing
from ..services import site_map
from ..services import sites as domain
from . import schemas
from .common import body_version
from .common import CURRENT_SCHEMAS
from .common import load_or_404
from .common import make_blueprint
from .common import paginate
from .common import team_for_new_content
from .common import VERSION_BODY
from .common import VersionConflict

blp = make_blueprint("sites", "Sites: transformative projects on the map. Anyone sees public ones.")


class SiteFields(Schema):
    """What a client may set on a site."""

    name = schemas.Translated(max_length=200, required_text=True)
    description = schemas.Translated(max_length=20_000)
    lat = schemas.Latitude()
    lon = schemas.Longitude()
    address = schemas.Text(validate=validate.Length(max=500))
    themes = fields.List(
        schemas.Text(validate=validate.Length(min=1, max=60)),
        validate=validate.Length(max=20),
        metadata={"description": "Keys of the team's theme list (its settings); others are 422"},
    )
    website = schemas.web_address()
    contact = schemas.Text(validate=validate.Length(max=500))
    approximate_location = schemas.Flag()
    visibility = fields.Enum(SiteVisibility, by_value=True)
    version = schemas.Version()


class SiteCreate(SiteFields):
    class Meta:
        exclude = ("version",)

    team_id = schemas.Id(required=True)

    name = schemas.Translated(max_length=200, required_text=True, removable=False, required=True)
    lat = schemas.Latitude(required=True)
    lon = schemas.Longitude(required=True)


class SiteSchema(Schema):
    id = fields.Integer()
    version = fields.Integer()
    team_id = fields.Integer()
    name = fields.Dict()
    name_text = schemas.ResolvedText("name")
    description = fields.Dict()
    description_text = schemas.ResolvedText("description")
    lat = fields.Function(lambda site: site.position_for(current_user)[0])
    lon = fields.Function(lambda site: site.position_for(current_user)[1])
    approximate_location = fields.Boolean()
    address = fields.Function(
        lambda site: site.address_for(current_user),
        metadata={"description": "Empty for approximate sites, except to their team"},
    )
    themes = fields.List(fields.String(), metadata={"description": "Theme keys of the team's list"})
    theme_labels = fields.Function(
        lambda site: site.theme_labels(request.args.get("lang")),
        metadata={"description": "The themes' labels in ?lang= (else the team's language)"},
    )
    website = fields.String()
    contact = fields.String()
    visibility = fields.Enum(SiteVisibility, by_value=True)
    url = fields.Function(lambda site: f"/sites/{site.id}")
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


@blp.route("/sites")
class Sites(MethodView):
    @blp.arguments(schemas.TeamFilterArgs, location="query")
    @blp.response(200, SiteSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List public sites and the drafts of your teams."""
        query = domain.visible_sites(current_user)
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
        site = domain.create_site(team_for_new_content(data.pop("team_id")), **data)
        commit()
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
    @blp.alt_response(409, schema=VersionConflict, description="Stale version")
    def patch(self, data, site_id):
        """Change a site. A translated field sets the languages given ("" removes one)."""
        site = domain.update_site(load_or_404(Site, site_id, "edit"), **data)
        commit()
        return site

    @blp.doc(requestBody=VERSION_BODY)
    @blp.response(204)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Not an editor of the team")
    @blp.alt_response(404, description="No such site, or a draft of another team")
    @blp.alt_response(
        409, schema=VersionConflict, description="Stale version, or a published tour needs it"
    )
    @blp.alt_response(422, description="Not a version")
    def delete(self, site_id):
        """Delete a site, unless a published tour needs it for a stop's position."""
        site = load_or_404(Site, site_id, "edit")
        domain.delete_site(site, body_version())
        commit()


CURRENT_SCHEMAS[Site] = SiteSchema


class FeatureCollection(Schema):
    """A GeoJSON FeatureCollection of points (documentation of the response)."""

    type = fields.Constant("FeatureCollection")
    teams = fields.Dict(
        metadata={"description": "Team id -> name, country (ISO 3166 code), country_name"}
    )
    features = fields.List(
        fields.Dict(),
        metadata={
            "description": "Point features with an id; properties: name, team (a key of teams), "
            "themes, languages, approximate (only when true)"
        },
    )


@blp.route("/sites.geojson")
class SitesGeoJSON(MethodView):
    @blp.arguments(schemas.LangArgs, location="query")
    @blp.response(200, FeatureCollection, content_type="application/geo+json")
    def get(self, args):
        """Public sites as GeoJSON for maps; approximate positions are rounded.

        Built once per state of the data and sent gzipped to clients that accept it, with a
        weak ETag (``If-None-Match`` answers 304) and five minutes of caching.
        """
        built = site_map.layer(args.get("lang"))
        gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
        response = Response(built.gzipped if gzipped else built.body)
        response.mimetype = "application/geo+json"
        if gzipped:
            response.headers["Content-Encoding"] = "gzip"
        response.headers["Cache-Control"] = "public, max-age=300"
        response.headers["Vary"] = "Accept-Encoding"
        response.set_etag(built.etag, weak=True)
        return response.make_conditional(request)


class SearchArgs(Schema):
    q = schemas.Text(required=True, validate=validate.Length(min=1, max=200))


class SearchResult(Schema):
    ids = fields.List(fields.Integer(), metadata={"description": "Matching public sites"})


@blp.route("/sites/search")
class SiteSearch(MethodView):
    @blp.arguments(SearchArgs, location="query")
    @blp.response(200, SearchResult)
    def get(self, args):
        """Ids of the public sites whose name or description, in any language, holds every
        word of ``q`` (case and accents ignored): the home map's search box."""
        return {"ids": site_map.search(args["q"])}


class CardTour(Schema):
    title = fields.String()
    lang = fields.String()
    url = fields.String()


class Card(Schema):
    id = fields.Integer()
    name = fields.String()
    lang = fields.String()
    url = fields.String()
    team = fields.Dict(metadata={"description": "name, country, country_name"})
    thumbnail = fields.Dict(allow_none=True, metadata={"description": "src, alt"})
    tours = fields.List(fields.Nested(CardTour))
    approximate = fields.Boolean()


@blp.route("/sites/<int:site_id>/card")
class SiteCard(MethodView):
    @blp.arguments(schemas.LangArgs, location="query")
    @blp.response(200, Card)
    @blp.alt_response(404, description="No such site, or a draft of another team")
    def get(self, args, site_id):
        """What the map's popup shows of a site: its name, team and country, a thumbnail and
        the public tours that stop there, in ``lang`` where written."""
        site = load_or_404(Site, site_id)
        lang = args.get("lang") or "en"
        photo = next(
            (
                item
                for item in library.shown_to(library.site_media(site), current_user)
                if derivatives.of_role(item.derivatives, "photo", "jpg")
            ),
            None,
        )
        thumbnail = None
        if photo is not None:
            name, _entry = derivatives.of_role(photo.derivatives, "photo", "jpg")[0]
            thumbnail = {
                "src": url_for("media.derivative", item_id=photo.id, variant=name),
                "alt": photo.text("alt_text", lang),
            }
        return {
            "id": site.id,
            "name": site.text("name", lang),
            "lang": site.text_language("name", lang) or "",
            "url": f"/sites/{site.id}",
            "team": {
                "name": site.team.name,
                "country": site.team.country,
                "country_name": country_name(site.team.country, lang) if site.team.country else "",
            },
            "thumbnail": thumbnail,
            "tours": [
                {
                    "title": tour.text("title", lang),
                    "lang": tour.text_language("title", lang) or "",
                    "url": f"/tours/{tour.slug}",
                }
                for tour in publishing.public_tours(at_site=site)
            ],
            "approximate": site.approximate_location,
        }
