"""Loading article documents (seed files, imports): validate everything, then write."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from service.content.document import dump_document, load_document, replace_draft
from service.content.errors import InvalidDocument
from service.content.publishing import publish_article
from service.models import Article


@dataclass(frozen=True)
class LoadResult:
    slug: str
    locale: str
    created: bool
    draft_changed: bool
    published_revision: int | None  # the number of the revision this load published, if any


def article_query(slug: str, locale: str) -> Any:
    """The select for one article with all its children loaded."""
    return (
        select(Article)
        .where(Article.slug == slug, Article.locale == locale)
        .options(
            selectinload(Article.sections),
            selectinload(Article.conditions),
            selectinload(Article.benefits),
            selectinload(Article.faqs),
        )
    )


def load_article(session: Session, document: dict[str, Any], publish: bool = True) -> LoadResult:
    """Create or update the article with the document's slug and locale; publish it if asked
    and what is live differs. Loading the same document twice changes nothing."""
    article = session.scalar(article_query(document["slug"], document["locale"]))
    created = article is None
    if article is None:
        article = Article()
        session.add(article)
    draft_changed = replace_draft(article, document)
    session.flush()
    published = None
    live = article.published_revision
    if publish and (live is None or live.document != dump_document(document)):
        published = publish_article(session, article).number
    return LoadResult(document["slug"], document["locale"], created, draft_changed, published)


def load_documents(session: Session, raw: Any, publish: bool = True) -> list[LoadResult]:
    """Load one document or a list of them, all or nothing: every document is validated
    before the first is written, and the caller commits once."""
    raws = raw if isinstance(raw, list) else [raw]
    documents = []
    problems: dict[int, Any] = {}
    for index, item in enumerate(raws):
        try:
            documents.append(load_document(item))
        except InvalidDocument as error:
            problems[index] = error.messages
    if problems:
        raise InvalidDocument(problems if isinstance(raw, list) else problems[0])
    identities = [(d["slug"], d["locale"]) for d in documents]
    if len(set(identities)) != len(identities):
        raise InvalidDocument({"_schema": ["Two documents have the same slug and locale."]})
    return [load_article(session, document, publish) for document in documents]
