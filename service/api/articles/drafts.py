"""Drafts: list, create, read, replace, patch and delete an article's working copy."""

from flask import url_for
from flask.views import MethodView

from service.api.articles.preconditions import article_for_write, change_docs, edited_draft
from service.api.articles.resource import blp, draft_metadata, draft_reply
from service.api.articles_schemas import (
    DRAFT_CARD_EXAMPLE,
    DRAFT_EXAMPLE,
    DraftCardSchema,
    DraftListQuerySchema,
    DraftSchema,
    JsonObjectSchema,
)
from service.api.auth import actor
from service.api.examples import DOCUMENT_EXAMPLE
from service.api.lookup import article_or_404
from service.api.pagination import page_of
from service.config import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from service.content import editing
from service.content.document import ArticleDocumentSchema
from service.extensions import db
from service.models import Role


@blp.route("")
class Drafts(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.arguments(DraftListQuerySchema, location="query")
    @blp.response(200, DraftCardSchema(many=True), example=[DRAFT_CARD_EXAMPLE])
    @blp.paginate(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    @blp.doc(operationId="listDrafts")
    def get(self, filters, pagination_parameters):
        """List articles

        Every article, published or not, most recently changed first.
        """
        articles = page_of(editing.drafts_query(**filters), pagination_parameters)
        return [
            draft_metadata(article) | {"slug": article.slug, "locale": article.locale, "title": article.title}
            for article in articles
        ]

    @blp.requires(Role.EDITOR)
    @blp.arguments(ArticleDocumentSchema, example=DOCUMENT_EXAMPLE)
    @blp.response(201, DraftSchema, example=DRAFT_EXAMPLE)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="createArticle")
    def post(self, document):
        """Create an article

        From a whole article document (the seed shape). Not published until you publish it.
        """
        article = editing.create_article(db.session, document, by=actor())
        db.session.commit()
        body, status, headers = draft_reply(article, 201)
        headers["Location"] = url_for("Articles.Draft", article_id=article.id)
        return body, status, headers


@blp.route("/<id:article_id>")
class Draft(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.response(200, DraftSchema, example=DRAFT_EXAMPLE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="getDraft")
    def get(self, article_id):
        """Get an article's draft

        The working copy, with the ETag to send back in If-Match when changing it.
        """
        return draft_reply(article_or_404(article_id))

    @blp.requires(Role.EDITOR)
    @blp.arguments(ArticleDocumentSchema, example=DOCUMENT_EXAMPLE)
    @change_docs("replaceDraft")
    def put(self, document, article_id):
        """Replace an article's draft

        With a whole document. Children are matched by key, so they keep their identity.
        """
        return edited_draft(article_id, editing.replacement(document))

    @blp.requires(Role.EDITOR)
    @blp.arguments(JsonObjectSchema, content_type="application/merge-patch+json")
    @change_docs("patchDraft")
    def patch(self, patch, article_id):
        """Change part of an article's draft

        A JSON Merge Patch (RFC 7386) of the document: given fields replace, objects merge,
        null resets a field. The result is validated as a whole document.
        """
        return edited_draft(article_id, editing.merge(patch))

    @blp.requires(Role.EDITOR)
    @change_docs("deleteArticle", status=204)
    def delete(self, article_id):
        """Delete an article

        With its history. A published article must be unpublished first (409).
        """
        article, version = article_for_write(article_id)
        editing.delete_article(db.session, article, by=actor(), expected_version=version)
        db.session.commit()
