"""The draft as it will leave the service: as delivery would send it once published (preview),
and as a document in the seed shape, to import elsewhere (export)."""

from flask import Response
from flask.views import MethodView

from service.api.articles.resource import blp
from service.api.delivery import ARTICLE_EXAMPLE
from service.api.delivery_schemas import DeliveredArticleSchema
from service.api.examples import DOCUMENT_EXAMPLE
from service.api.lookup import article_or_404
from service.content.document import ArticleDocumentSchema
from service.content.image_references import with_asset_digests
from service.content.mapping import document_from_article
from service.content.publishing import preview_body
from service.extensions import db
from service.models import Role


@blp.route("/<id:article_id>/preview")
class Preview(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.response(
        200, DeliveredArticleSchema, example=ARTICLE_EXAMPLE | {"revision": None, "published_at": None}
    )
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="previewDraft")
    def get(self, article_id):
        """Preview the draft

        Exactly as delivery would send it once published (with no revision number or date
        yet), so a frontend can show unpublished changes. Never cached.
        """
        article = article_or_404(article_id)
        body, etag = preview_body(db.session, article)
        headers = {
            "ETag": f'"{etag}"',
            "Cache-Control": "private, no-store",
            "Content-Language": article.locale,
        }
        return Response(body, mimetype="application/json", headers=headers)


@blp.route("/<id:article_id>/export")
class Export(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.response(200, ArticleDocumentSchema, example=DOCUMENT_EXAMPLE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="exportArticle")
    def get(self, article_id):
        """Export an article

        Its draft as a document in the seed shape, ready to import or seed elsewhere: its
        images name their assets by digest (`asset_digest`), not by this database's ids.
        """
        return with_asset_digests(db.session, document_from_article(article_or_404(article_id)))
