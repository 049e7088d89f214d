"""Publishing: freezing an article into an immutable revision that delivery serves as is.

The acts, one function each: publish_article, unpublish_article, restore_revision. Each claims
the article at the version its caller read (None: whatever is current), checks, writes, queues
the webhooks and logs the change, for the HTTP view and the schedule runner alike."""

import hashlib
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.content.audit import Actor
from service.content.document import load_document
from service.content.editing import (
    ArticleConflict,
    claim,
    draft_matches_published,
    published_number,
    save_draft,
)
from service.content.guardrails.gate import Gate, gate_for
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


class NothingToPublish(ArticleConflict):
    """The draft is what delivery serves already."""


class NotPublished(ArticleConflict):
    """The article has no revision served."""


def freeze_revision(
    session: Session, article: Article, *, by: str | None, note: str | None, gate: Gate | None = None
) -> Revision:
    """Freeze the claimed draft as the article's next numbered revision, make that the one
    visitors see, and queue its webhooks. The step every publishing act takes (loading a
    document included); `by` is how the history names who published it. What every site would
    show is checked first, then the guardrails' `gate` (the acts pass theirs; a test's loader
    may pass none)."""
    published_at = utcnow()
    document = draft_document(article)
    check_sites_cover(session, article.id, document)
    passage = gate(article) if gate is not None else None
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
        rules_version=passage.rules_version if passage else None,
        override_id=passage.override_id if passage else None,
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


def publish_article(
    session: Session,
    article: Article,
    *,
    by: Actor,
    expected_version: int | None = None,
    note: str | None = None,
) -> Revision:
    """Publish the draft as the next revision, unless it is what delivery serves already."""
    claim(session, article, expected_version)
    if draft_matches_published(article):
        raise NothingToPublish("nothing to publish: the draft is what delivery serves now")
    before = published_number(article)
    revision = freeze_revision(session, article, by=by.name, note=note, gate=gate_for(session, "publish"))
    by.record(
        session,
        "article.published",
        article,
        revision_before=before,
        revision_after=revision.number,
        note=note,
    )
    return revision


def unpublish_article(
    session: Session, article: Article, *, by: Actor, expected_version: int | None = None
) -> None:
    """Hide the article from delivery; its revisions stay, to be restored or published again."""
    claim(session, article, expected_version)
    before = published_number(article)
    if before is None:
        raise NotPublished("the article is not published")
    article.published_revision = None
    session.flush()
    enqueue(session, "article.unpublished", article)
    by.record(session, "article.unpublished", article, revision_before=before)


def restore_revision(
    session: Session,
    article: Article,
    revision: Revision,
    *,
    by: Actor,
    expected_version: int | None = None,
    publish: bool = False,
    note: str | None = None,
) -> None:
    """Make a revision's document the draft again; publish it too if asked (and if it is not
    what delivery serves already)."""
    claim(session, article, expected_version)
    before = published_number(article)
    save_draft(session, article, load_document(revision.document))
    if publish and not draft_matches_published(article):
        freeze_revision(session, article, by=by.name, note=note, gate=gate_for(session, "publish"))
    by.record(
        session,
        "revision.restored",
        article,
        revision_before=before,
        revision_after=published_number(article),
        restored=revision.number,
        published=publish,
    )


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
