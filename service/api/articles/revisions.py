"""An article's history: its revisions, one of them as a document, a diff of any two (or of
one and the draft), and restoring one."""

from typing import Any

from flask.views import MethodView

from service.api.articles.preconditions import article_for_write, change_docs
from service.api.articles.resource import blp, draft_reply
from service.api.articles_schemas import (
    DIFF_EXAMPLE,
    REVISION_EXAMPLE,
    DiffQuerySchema,
    DiffSchema,
    RestoreSchema,
    RevisionDocumentSchema,
    RevisionSchema,
)
from service.api.auth import actor
from service.api.examples import DOCUMENT_EXAMPLE
from service.api.lookup import article_or_404, found_or_404
from service.content.diff import diff_documents
from service.content.document import load_document
from service.content.mapping import draft_document
from service.content.publishing import find_revision, list_revisions, restore_revision
from service.extensions import db
from service.models import Article, Revision, Role


def revision_summary(article: Article, revision: Revision) -> dict[str, Any]:
    return {
        "number": revision.number,
        "title": revision.title,
        "published_at": revision.published_at,
        "published_by": revision.published_by,
        "note": revision.note,
        "etag": revision.etag,
        "live": revision.id == article.published_revision_id,
        "rules_version": revision.rules_version,
        "override": revision.override,
    }


def revision_or_404(article: Article, number: int) -> Revision:
    return found_or_404(
        find_revision(db.session, article, number), f"Article {article.id} has no revision {number}."
    )


@blp.route("/<id:article_id>/revisions")
class Revisions(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.response(200, RevisionSchema(many=True), example=[REVISION_EXAMPLE])
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="listRevisions")
    def get(self, article_id):
        """List an article's revisions

        Every published state, newest first: who published it, when, and why.
        """
        article = article_or_404(article_id)
        return [revision_summary(article, revision) for revision in list_revisions(db.session, article)]


@blp.route("/<id:article_id>/revisions/<id:number>")
class RevisionView(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.response(200, RevisionDocumentSchema, example=REVISION_EXAMPLE | {"document": DOCUMENT_EXAMPLE})
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="getRevision")
    def get(self, article_id, number):
        """Get a revision

        The article as it was published then, as a document.
        """
        article = article_or_404(article_id)
        revision = revision_or_404(article, number)
        # Loaded, so that it dumps as the draft does (its reviewed_at is stored as text).
        return revision_summary(article, revision) | {"document": load_document(revision.document)}


@blp.route("/<id:article_id>/revisions/<id:number>/restore")
class Restore(MethodView):
    @blp.requires(Role.PUBLISHER)
    @blp.arguments(RestoreSchema)
    @change_docs("restoreRevision", errors=(404, 409, 412, 428))
    def post(self, options, article_id, number):
        """Restore a revision

        Makes that revision's document the draft, and publishes it if asked.
        """
        article, version = article_for_write(article_id)
        revision = revision_or_404(article, number)
        restore_revision(
            db.session,
            article,
            revision,
            by=actor(),
            expected_version=version,
            publish=options["publish"],
            note=options.get("note"),
        )
        db.session.commit()
        return draft_reply(article)


def document_at(article: Article, which: str) -> dict[str, Any]:
    """A revision's document, or the draft's, to compare."""
    if which == "draft":
        return draft_document(article)
    return revision_or_404(article, int(which)).document


@blp.route("/<id:article_id>/diff")
class Diff(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.arguments(DiffQuerySchema, location="query")
    @blp.response(200, DiffSchema, example=DIFF_EXAMPLE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="diffRevisions")
    def get(self, query, article_id):
        """Compare two revisions

        Field by field, and child by child: added, removed, changed and moved keys.
        `from` and `to` are revision numbers or `draft`.
        """
        article = article_or_404(article_id)
        before = document_at(article, query["from_revision"])
        after = document_at(article, query["to_revision"])
        return {
            "from_revision": query["from_revision"],
            "to_revision": query["to_revision"],
            **diff_documents(before, after),
        }
