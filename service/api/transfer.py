"""Import and export: articles as documents in the seed shape, the same code `flask seed` uses."""

from typing import Any

import marshmallow as ma
from flask import g
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import fields, validate

from service.api.auth import ManagementBlueprint, actor, review_policy
from service.api.examples import DOCUMENT_EXAMPLE
from service.api.fields import StrictBoolean
from service.config import MAX_IMPORT_DOCUMENTS
from service.content.document import ArticleDocumentSchema
from service.content.editing import all_articles
from service.content.errors import InvalidDocument
from service.content.image_references import with_asset_digests
from service.content.keys import has_role
from service.content.loading import import_articles, validate_documents
from service.content.mapping import document_from_article
from service.extensions import db
from service.models import Role

blp = ManagementBlueprint(
    "Import and export",
    __name__,
    url_prefix="/v1/manage",
    description="Articles as documents in the seed shape: export, then import elsewhere, losslessly.",
)


class ImportSchema(ma.Schema):
    documents = fields.List(
        # Raw, so that each document is checked on its own and its errors carry its index.
        fields.Raw(metadata={"allOf": [{"$ref": "#/components/schemas/ArticleDocument"}]}),
        required=True,
        validate=[
            validate.Length(min=1, error="The list holds no documents."),
            validate.Length(max=MAX_IMPORT_DOCUMENTS),
        ],
        metadata={"description": "ArticleDocument objects, as export gives them."},
    )
    publish = StrictBoolean(
        load_default=False,
        metadata={"description": "Publish what changed (needs the publisher role)."},
    )

    @ma.pre_load
    def documents_as_exported(self, data: Any, **_kwargs: Any) -> Any:
        """What export returns, a bare list of documents, imports as drafts."""
        return {"documents": data} if isinstance(data, list) else data


# Either shape, in the spec too: flask-smorest documents the schema alone (components: Import).
IMPORT_BODY = {
    "oneOf": [
        {"$ref": "#/components/schemas/Import"},
        {
            "type": "array",
            "items": {"$ref": "#/components/schemas/ArticleDocument"},
            "minItems": 1,
            "maxItems": MAX_IMPORT_DOCUMENTS,
            "description": "What export returns: imported as drafts.",
        },
    ]
}


class ImportResultSchema(ma.Schema):
    slug = fields.String()
    locale = fields.String()
    created = fields.Boolean()
    draft_changed = fields.Boolean()
    published_revision = fields.Integer(allow_none=True)


@blp.route("/export")
class ExportAll(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.response(200, ArticleDocumentSchema(many=True), example=[DOCUMENT_EXAMPLE])
    @blp.doc(operationId="exportArticles")
    def get(self):
        """Export every article

        Each draft as a document, by slug and locale; images name their assets by digest
        (`asset_digest`), which an import into another database finds by the same bytes.
        """
        return [with_asset_digests(db.session, document_from_article(a)) for a in all_articles(db.session)]


@blp.route("/import")
class Import(MethodView):
    @blp.requires(Role.EDITOR)
    @blp.arguments(ImportSchema, example={"documents": [DOCUMENT_EXAMPLE], "publish": False})
    @blp.response(
        200,
        ImportResultSchema(many=True),
        example=[
            {
                "slug": DOCUMENT_EXAMPLE["slug"],
                "locale": "en",
                "created": False,
                "draft_changed": True,
                "published_revision": None,
            }
        ],
    )
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(
        operationId="importArticles", requestBody={"content": {"application/json": {"schema": IMPORT_BODY}}}
    )
    def post(self, body):
        """Import articles

        Creates or updates each article by slug and locale; unchanged ones stay untouched.
        All or nothing: every document is validated first. A bulk sync, so it takes no
        If-Match: what it imports replaces the drafts (each change is in the audit log, and
        the importing key is an author of each draft it changes, so it cannot approve them).
        `publish: true` publishes each at once, with an approval in the importer's name: it
        needs the admin role while REVIEW_REQUIRED is on (the publisher role otherwise).
        """
        if body["publish"]:
            # What an import publishes is approved in the importer's name, unreviewed: with
            # review required, only an admin (moving an installation, say) may vouch for it.
            needed = Role.ADMIN if review_policy().required else Role.PUBLISHER
            if not has_role(g.api_key, needed):
                abort(403, message=f"Importing with publish needs the {needed} role: it goes out unreviewed.")
        try:
            documents = validate_documents(body["documents"])
            results = import_articles(db.session, documents, by=actor(), publish=body["publish"])
        except InvalidDocument as error:  # (what they name must exist, too: people, images)
            raise InvalidDocument({"documents": error.messages}) from error
        db.session.commit()
        return results
