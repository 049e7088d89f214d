"""Publishing: freezing an article into an immutable revision that delivery serves as is."""

import hashlib
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.content.mapping import draft_document
from service.content.markdown import with_html
from service.content.placeholders import placeholders_in
from service.content.sites import check_sites_cover
from service.content.webhooks import enqueue
from service.models import Article, Revision, RevisionTag
from service.models.base import utcnow


def delivery_body(
    article_id: int,
    number: int | None,
    published_at: datetime | None,
    document: dict[str, Any],
    **extra: Any,
) -> tuple[str, str]:
    """The JSON delivery sends for a revision (or, in preview, for the unpublished draft:
    no number, no date), and its strong ETag (a hash of that content). `extra` metadata
    (an experiment assignment, say) goes with the rest."""
    metadata = {
        "id": article_id,
        "revision": number,
        "published_at": published_at.isoformat() if published_at else None,
        **extra,
    }
    content = with_html(document)
    etag = hashlib.sha256(orjson.dumps([metadata, content], option=orjson.OPT_SORT_KEYS)).hexdigest()
    return html_safe_json({**metadata, "etag": etag, **content}), etag


# JSON escapes that keep a JSON text inert inside HTML, as Go's encoding/json writes them.
_HTML_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def html_safe_json(value: Any) -> str:
    """JSON whose text has no `<`, `>` or `&` (inside strings they are \\u escapes, read back
    as the same characters): a page may write any part of it, the JSON-LD in
    `structured_data` say, into a <script> element as it is, and no "</script>" ends it."""
    return orjson.dumps(value).decode().translate(_HTML_SAFE)


def publish_article(
    session: Session,
    article: Article,
    *,
    by: str | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> Revision:
    """Freeze the article as its next numbered revision and make that the one visitors see."""
    published_at = now or utcnow()
    document = draft_document(article)
    check_sites_cover(session, article.id, document)
    last = session.scalar(select(func.max(Revision.number)).where(Revision.article_id == article.id))
    number = (last or 0) + 1
    body, etag = delivery_body(article.id, number, published_at, document)
    revision = Revision(
        article_id=article.id,
        number=number,
        slug=article.slug,
        locale=article.locale,
        per_site=bool(placeholders_in(document)),
        document=document,
        body=body,
        etag=etag,
        title=article.title,
        summary=article.summary,
        published_at=published_at,
        published_by=by,
        note=note,
        tags=[RevisionTag(tag=tag) for tag in article.tags],
    )
    session.add(revision)
    article.published_revision = revision
    session.flush()
    enqueue(session, "article.published", article, revision.number)
    return revision


def preview_body(article: Article) -> tuple[str, str]:
    """The draft exactly as delivery would send it once published."""
    return delivery_body(article.id, None, None, draft_document(article))


def unpublish_article(session: Session, article: Article) -> None:
    """Hide the article from delivery; its revisions stay, to be restored or published again."""
    article.published_revision = None
    session.flush()
    enqueue(session, "article.unpublished", article)


def find_revision(session: Session, article: Article, number: int) -> Revision | None:
    return session.scalar(
        select(Revision).where(Revision.article_id == article.id, Revision.number == number)
    )


def list_revisions(session: Session, article: Article) -> list[Revision]:
    """The article's history, newest first."""
    return list(
        session.scalars(
            select(Revision).where(Revision.article_id == article.id).order_by(Revision.number.desc())
        )
    )
