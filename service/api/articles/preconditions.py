"""If-Match, which every change of an article needs: 428 without it, 400 when it holds no
entity tags, 412 when stale. The version it names goes to the use case, whose claim checks it
again atomically with the write (content.editing.claim). Not flask-smorest's check_etag: it
compares a hash of data read before the write, where this claim is one atomic UPDATE ... WHERE
version = expected, so no concurrent writer can slip in between."""

import re
from typing import Any

from flask import request
from flask_smorest import abort

from service.api.articles.resource import blp, draft_etag, draft_reply
from service.api.articles_schemas import DRAFT_EXAMPLE, DraftSchema
from service.api.auth import actor
from service.api.lookup import article_or_404
from service.content import editing
from service.extensions import db
from service.models import Article
from service.openapi import EXTRA_PARAMETERS

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


def change_docs(
    operation_id: str,
    errors: tuple[int, ...] = (400, 404, 409, 412, 428),
    status: int = 200,
    schema: Any = DraftSchema,
    example: Any = DRAFT_EXAMPLE,
):
    """What every change of an article documents: If-Match, its answers, and the new draft
    (or what else the change answers with: `schema`, `example`)."""

    def decorate(view):
        if status == 204:
            view = blp.response(204)(view)
        else:
            view = blp.response(status, schema, example=example)(view)
        view = blp.doc(operationId=operation_id, **{EXTRA_PARAMETERS: [IF_MATCH]})(view)
        for error in errors:
            view = blp.alt_response(error, response=RESPONSE_NAMES[error])(view)
        return view

    return decorate
