"""Sites, managed by admins: each clinic frontend's key, name, origins, variables and overlays."""

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import fields, validate

from service.api.auth import ManagementBlueprint, actor
from service.api.lookup import found_or_404
from service.config import MAX_LIST_ITEMS
from service.content import sites
from service.content.document import SLUG_PATTERN, URL_LENGTH
from service.content.patterns import SERVICE_URL, Pattern, url_pattern
from service.content.placeholders import VARIABLE_NAME
from service.content.text_fields import text_field
from service.extensions import db
from service.models import Role, Site
from service.models.lengths import KEY_LENGTH, NAME_LENGTH

# What browsers send in Origin: a scheme, a host, maybe a port; no path.
ORIGIN = r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$"

blp = ManagementBlueprint(
    "Sites",
    __name__,
    url_prefix="/v1/manage/sites",
    description="Clinic frontends: their {{site.*}} variables, allowed origins and overlays.",
)


def holds_the_slug_once(value: str) -> None:
    """(Not in the spec's pattern: schemathesis cannot generate from a pattern with a brace
    after a repetition, so the spec says it in words.)"""
    if value.count("{slug}") != 1 or value.count("{") != 1:
        raise ma.ValidationError("Put {slug} once where the article's slug goes.")


class SiteInputSchema(ma.Schema):
    key = fields.String(
        required=True,
        validate=[validate.Length(max=KEY_LENGTH), SLUG_PATTERN],
        metadata={"example": "clinic-austin"},
    )
    name = text_field(max_length=NAME_LENGTH, example="Renova Clinic Austin")
    origins = fields.List(
        fields.String(validate=Pattern(ORIGIN, error="An origin: scheme://host[:port], nothing after.")),
        load_default=list,
        validate=validate.Length(max=MAX_LIST_ITEMS),
        metadata={
            "description": "Browser origins allowed to call this site's delivery.",
            "example": ["https://austin.example"],
        },
    )
    page_url = fields.String(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(max=URL_LENGTH), url_pattern(SERVICE_URL), holds_the_slug_once],
        metadata={
            "description": "The address of an article's page on this site, {slug} standing for its slug: "
            "the canonical URL in the article's structured data.",
            "example": "https://austin.example/articles/{slug}",
        },
    )
    variables = fields.Dict(
        keys=fields.String(validate=Pattern(VARIABLE_NAME, error="Use lowercase letters, digits and _.")),
        values=text_field(),
        load_default=dict,
        metadata={
            "example": {
                "phone": "512-555-0100",
                "booking_url": "https://austin.example/book",
                "city": "Austin",
            }
        },
    )


class SiteSchema(SiteInputSchema):
    id = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


SITE_EXAMPLE = {
    "id": 1,
    "key": "clinic-austin",
    "name": "Renova Clinic Austin",
    "origins": ["https://austin.example"],
    "page_url": "https://austin.example/articles/{slug}",
    "variables": {"phone": "512-555-0100", "booking_url": "https://austin.example/book", "city": "Austin"},
    "created_at": "2026-11-26T09:00:00+00:00",
    "updated_at": "2026-11-26T09:00:00+00:00",
}


def site_or_404(key: str) -> Site:
    return found_or_404(sites.find_site(db.session, key), f"There is no site {key!r}.")


@blp.route("")
class Sites(MethodView):
    @blp.requires(Role.ADMIN)
    @blp.response(200, SiteSchema(many=True), example=[SITE_EXAMPLE])
    @blp.doc(operationId="listSites")
    def get(self):
        """List sites"""
        return sites.list_sites(db.session)

    @blp.requires(Role.ADMIN)
    @blp.arguments(
        SiteInputSchema, example={k: v for k, v in SITE_EXAMPLE.items() if k in SiteInputSchema().fields}
    )
    @blp.response(201, SiteSchema, example=SITE_EXAMPLE)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="createSite")
    def post(self, data):
        """Create a site"""
        site = sites.create_site(db.session, data, by=actor())
        db.session.commit()
        return site


@blp.route("/<slug:key>")
class SiteView(MethodView):
    @blp.requires(Role.ADMIN)
    @blp.response(200, SiteSchema, example=SITE_EXAMPLE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="getSite")
    def get(self, key):
        """Get a site"""
        return site_or_404(key)

    @blp.requires(Role.ADMIN)
    @blp.arguments(
        SiteInputSchema, example={k: v for k, v in SITE_EXAMPLE.items() if k in SiteInputSchema().fields}
    )
    @blp.response(200, SiteSchema, example=SITE_EXAMPLE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="replaceSite")
    def put(self, data, key):
        """Replace a site

        Refused (409) if a published article would then show a placeholder with no value.
        """
        if data["key"] != key:
            abort(422, errors={"json": {"key": ["A site keeps its key: experiments and URLs name it."]}})
        site = site_or_404(key)
        sites.replace_site(db.session, site, data, by=actor())
        db.session.commit()
        return site

    @blp.requires(Role.ADMIN)
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="deleteSite")
    def delete(self, key):
        """Delete a site"""
        sites.delete_site(db.session, site_or_404(key), by=actor())
        db.session.commit()
