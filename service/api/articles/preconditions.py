"""If-Match on every change of an article (service.api.preconditions): the version it names
goes to the use case, whose claim checks it again atomically with the write
(content.editing.claim)."""

from typing import Any

from service.api.articles.resource import blp, draft_etag, draft_reply
from service.api.articles_schemas import DRAFT_EXAMPLE, DraftSchema
from service.api.auth import actor
from service.api.lookup import article_or_404
from service.api.preconditions import RESPONSE_NAMES, expected_version, if_match_parameter, sent_if_match
from service.content import editing
from service.extensions import db
from service.models import Article
from service.openapi import EXTRA_PARAMETERS

IF_MATCH = if_match_parameter("the article")


def article_for_write(article_id: int) -> tuple[Article, int | None]:
    """The article, and the version If-Match names (None for *) for the use case to claim."""
    sent_if_match()
    article = article_or_404(article_id)
    return article, expected_version(draft_etag(article), article.version, "The article")


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
