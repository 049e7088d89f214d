"""Management of articles: drafts and their children, publishing, history, preview.

Every change needs the ETag of the caller's last read in If-Match (428 without it, 412 when
stale); the check is atomic with the write (see content.editing.claim)."""

import re
from typing import Any

from flask import Response, request, url_for
from flask.views import MethodView
from flask_smorest import abort

from service.api.articles_schemas import (
    CHILD_KINDS,
    DIFF_EXAMPLE,
    DRAFT_CARD_EXAMPLE,
    DRAFT_EXAMPLE,
    REVISION_EXAMPLE,
    SCHEDULE_EXAMPLE,
    ChildPositionSchema,
    DiffQuerySchema,
    DiffSchema,
    DraftCardSchema,
    DraftListQuerySchema,
    DraftSchema,
    JsonObjectSchema,
    NewScheduleSchema,
    PublishSchema,
    ReorderSchema,
    RestoreSchema,
    RevisionDocumentSchema,
    RevisionSchema,
    ScheduleSchema,
)
from service.api.auth import ManagementBlueprint, actor
from service.api.delivery import ARTICLE_EXAMPLE
from service.api.delivery_schemas import SEED_DOCUMENT, DeliveredArticleSchema
from service.api.lookup import article_or_404, found_or_404
from service.api.pagination import page_of
from service.config import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from service.content import editing, scheduling
from service.content.diff import diff_documents
from service.content.document import ArticleDocumentSchema
from service.content.editing import live_number
from service.content.mapping import document_from_article, draft_document
from service.content.publishing import (
    find_revision,
    list_revisions,
    preview_body,
    publish_article,
    restore_revision,
    unpublish_article,
)
from service.extensions import db
from service.models import Article, Revision

blp = ManagementBlueprint(
    "Articles",
    __name__,
    url_prefix="/v1/manage/articles",
    description="Drafts, children, publishing and history, for marketers. Needs an API key.",
)


def draft_etag(article: Article) -> str:
    return f"{article.id}-{article.version}"


def draft_metadata(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "version": article.version,
        "status": article.status,
        "published_revision": live_number(article),
        "created_at": article.created_at,
        "updated_at": article.updated_at,
        "etag": draft_etag(article),
    }


def draft_reply(article: Article, status: int = 200) -> tuple[dict[str, Any], int, dict[str, str]]:
    body = draft_metadata(article) | document_from_article(article)
    return body, status, {"ETag": f'"{draft_etag(article)}"'}


# RFC 9110 entity tags (a list of them, or *): what If-Match may hold.
ENTITY_TAGS = re.compile(r'^\s*(\*|(W/)?"[^"]*"(\s*,\s*(W/)?"[^"]*")*)\s*$')
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "schema": {"type": "string", "pattern": ENTITY_TAGS.pattern},
    "description": "The ETag of your last read of the article (or *): 428 without it, 412 if stale.",
}
RESPONSE_NAMES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    409: "CONFLICT",
    412: "PRECONDITION_FAILED",
    428: "PRECONDITION_REQUIRED",
}


def article_for_write(article_id: int) -> tuple[Article, int | None]:
    """The article, and the version If-Match names (None for *) for the use case to claim."""
    sent = request.headers.get("If-Match", "")
    if not sent.strip():
        abort(428, message="Send If-Match with the ETag of your last read of the article.")
    if not ENTITY_TAGS.fullmatch(sent):
        abort(400, message='If-Match holds ETags as the API sent them, quotes included ("3-2"), or *.')
    article = article_or_404(article_id)
    if request.if_match.star_tag:
        return article, None
    if not request.if_match.contains(draft_etag(article)):
        abort(
            412,
            message=f"The article has changed since your read (it is now {draft_etag(article)!r}): "
            "read it again and reapply your change.",
        )
    return article, article.version


def edited_draft(article_id: int, edit: editing.Edit) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Make one edit of the draft read at If-Match, and answer with the draft it makes."""
    article, version = article_for_write(article_id)
    editing.change_draft(db.session, article, edit, by=actor(), expected_version=version)
    db.session.commit()
    return draft_reply(article)


def change_docs(operation_id: str, errors: tuple[int, ...] = (400, 404, 409, 412, 428), status: int = 200):
    """What every change of an article documents: If-Match, its answers, and the new draft."""

    def decorate(view):
        if status == 204:
            view = blp.response(204)(view)
        else:
            view = blp.response(status, DraftSchema, example=DRAFT_EXAMPLE)(view)
        view = blp.doc(operationId=operation_id, parameters=[IF_MATCH])(view)
        for error in errors:
            view = blp.alt_response(error, response=RESPONSE_NAMES[error])(view)
        return view

    return decorate


@blp.route("")
class Drafts(MethodView):
    @blp.requires("viewer")
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

    @blp.requires("editor")
    @blp.arguments(ArticleDocumentSchema, example=SEED_DOCUMENT)
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
    @blp.requires("viewer")
    @blp.response(200, DraftSchema, example=DRAFT_EXAMPLE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="getDraft")
    def get(self, article_id):
        """Get an article's draft

        The working copy, with the ETag to send back in If-Match when changing it.
        """
        return draft_reply(article_or_404(article_id))

    @blp.requires("editor")
    @blp.arguments(ArticleDocumentSchema, example=SEED_DOCUMENT)
    @change_docs("replaceDraft")
    def put(self, document, article_id):
        """Replace an article's draft

        With a whole document. Children are matched by key, so they keep their identity.
        """
        return edited_draft(article_id, editing.replacement(document))

    @blp.requires("editor")
    @blp.arguments(JsonObjectSchema, content_type="application/merge-patch+json")
    @change_docs("patchDraft")
    def patch(self, patch, article_id):
        """Change part of an article's draft

        A JSON Merge Patch (RFC 7386) of the document: given fields replace, objects merge,
        null resets a field. The result is validated as a whole document.
        """
        return edited_draft(article_id, editing.merge(patch))

    @blp.requires("editor")
    @change_docs("deleteArticle", status=204)
    def delete(self, article_id):
        """Delete an article

        With its history. A published article must be unpublished first (409).
        """
        article, version = article_for_write(article_id)
        editing.delete_article(db.session, article, by=actor(), expected_version=version)
        db.session.commit()


KIND = "<any(" + ", ".join(CHILD_KINDS) + "):kind>"
CHILD_BODY = "A Section, Condition, Benefit or Faq object, as in ArticleDocument, by kind."


@blp.route(f"/<id:article_id>/{KIND}")
class Children(MethodView):
    @blp.requires("editor")
    @blp.arguments(JsonObjectSchema, description=CHILD_BODY)
    @blp.arguments(ChildPositionSchema, location="query")
    @change_docs("addChild")
    def post(self, child, where, article_id, kind):
        """Add a child

        A section, condition, benefit or FAQ, at the end or at `position`. Its key must be
        new in this article and kind (409 otherwise).
        """
        return edited_draft(article_id, editing.child_added(kind, child, where.get("position")))


@blp.route(f"/<id:article_id>/order/{KIND}")
class ChildOrder(MethodView):
    @blp.requires("editor")
    @blp.arguments(ReorderSchema)
    @change_docs("reorderChildren", errors=(404, 412, 428))
    def put(self, order, article_id, kind):
        """Reorder children

        Give every key of this kind once, in the new order.
        """
        return edited_draft(article_id, editing.children_reordered(kind, order["keys"]))


@blp.route(f"/<id:article_id>/{KIND}/<slug:key>")
class Child(MethodView):
    @blp.requires("editor")
    @blp.arguments(JsonObjectSchema, description=CHILD_BODY)
    @change_docs("replaceChild")
    def put(self, child, article_id, kind, key):
        """Replace a child

        Its key stays the one in the path.
        """
        return edited_draft(article_id, editing.child_replaced(kind, key, child))

    @blp.requires("editor")
    @blp.arguments(JsonObjectSchema, content_type="application/merge-patch+json", description=CHILD_BODY)
    @change_docs("patchChild")
    def patch(self, patch, article_id, kind, key):
        """Change part of a child

        A JSON Merge Patch of the child; its key stays the one in the path.
        """
        return edited_draft(article_id, editing.child_patched(kind, key, patch))

    @blp.requires("editor")
    @change_docs("deleteChild")
    def delete(self, article_id, kind, key):
        """Delete a child"""
        return edited_draft(article_id, editing.child_deleted(kind, key))


@blp.route("/<id:article_id>/publish")
class Publish(MethodView):
    @blp.requires("publisher")
    @blp.arguments(PublishSchema)
    @change_docs("publishArticle", errors=(404, 409, 412, 428))
    def post(self, options, article_id):
        """Publish the draft

        Freezes it as the next numbered revision, which delivery serves from now on. The
        draft can then change freely without touching what visitors see.
        """
        article, version = article_for_write(article_id)
        publish_article(db.session, article, by=actor(), expected_version=version, note=options.get("note"))
        db.session.commit()
        return draft_reply(article)


@blp.route("/<id:article_id>/unpublish")
class Unpublish(MethodView):
    @blp.requires("publisher")
    @change_docs("unpublishArticle", errors=(404, 412, 428))
    def post(self, article_id):
        """Unpublish

        Delivery stops serving the article (404); its history stays.
        """
        article, version = article_for_write(article_id)
        unpublish_article(db.session, article, by=actor(), expected_version=version)
        db.session.commit()
        return draft_reply(article)


def revision_summary(article: Article, revision: Revision) -> dict[str, Any]:
    return {
        "number": revision.number,
        "title": revision.title,
        "published_at": revision.published_at,
        "published_by": revision.published_by,
        "note": revision.note,
        "etag": revision.etag,
        "live": revision.id == article.published_revision_id,
    }


def revision_or_404(article: Article, number: int) -> Revision:
    return found_or_404(
        find_revision(db.session, article, number), f"Article {article.id} has no revision {number}."
    )


@blp.route("/<id:article_id>/revisions")
class Revisions(MethodView):
    @blp.requires("viewer")
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
    @blp.requires("viewer")
    @blp.response(200, RevisionDocumentSchema, example=REVISION_EXAMPLE | {"document": SEED_DOCUMENT})
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="getRevision")
    def get(self, article_id, number):
        """Get a revision

        The article as it was published then, as a document.
        """
        article = article_or_404(article_id)
        revision = revision_or_404(article, number)
        return revision_summary(article, revision) | {"document": revision.document}


@blp.route("/<id:article_id>/revisions/<id:number>/restore")
class Restore(MethodView):
    @blp.requires("publisher")
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
    @blp.requires("viewer")
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


@blp.route("/<id:article_id>/preview")
class Preview(MethodView):
    @blp.requires("viewer")
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
        body, etag = preview_body(article)
        headers = {
            "ETag": f'"{etag}"',
            "Cache-Control": "private, no-store",
            "Content-Language": article.locale,
        }
        return Response(body, mimetype="application/json", headers=headers)


@blp.route("/<id:article_id>/export")
class Export(MethodView):
    @blp.requires("viewer")
    @blp.response(200, ArticleDocumentSchema, example=SEED_DOCUMENT)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="exportArticle")
    def get(self, article_id):
        """Export an article

        Its draft as a document in the seed shape, ready to import or seed elsewhere.
        """
        return document_from_article(article_or_404(article_id))


@blp.route("/<id:article_id>/schedules")
class Schedules(MethodView):
    @blp.requires("viewer")
    @blp.response(200, ScheduleSchema(many=True), example=[SCHEDULE_EXAMPLE])
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="listSchedules")
    def get(self, article_id):
        """List an article's schedules

        Pending and applied, soonest first.
        """
        return scheduling.schedules_of(db.session, article_or_404(article_id).id)

    @blp.requires("publisher")
    @blp.arguments(NewScheduleSchema, example={"action": "publish", "at": "2026-12-01T08:00:00+00:00"})
    @blp.response(201, ScheduleSchema, example=SCHEDULE_EXAMPLE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="scheduleAction")
    def post(self, new, article_id):
        """Schedule a publish or unpublish

        Applied by `flask apply-schedules` once due (run it from cron). A scheduled publish
        publishes the draft as it is then.
        """
        article = article_or_404(article_id)
        entry = scheduling.schedule(db.session, article, new["action"], new["at"], by=actor())
        db.session.commit()
        return entry


@blp.route("/<id:article_id>/schedules/<id:schedule_id>")
class ScheduleView(MethodView):
    @blp.requires("publisher")
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="cancelSchedule")
    def delete(self, article_id, schedule_id):
        """Cancel a schedule

        Only while it is pending (409 once applied).
        """
        entry = found_or_404(
            scheduling.find_schedule(db.session, article_id, schedule_id),
            f"Article {article_id} has no schedule {schedule_id}.",
        )
        scheduling.cancel_schedule(db.session, entry, by=actor())
        db.session.commit()
