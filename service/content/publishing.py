"""Publishing: freezing an article into an immutable revision that delivery serves as is.

The acts, one function each: publish_article, unpublish_article, restore_revision. Each claims
the article at the version its caller read (None: whatever is current), checks, writes, queues
the webhooks and logs the change, for the HTTP view and the schedule runner alike. Under
REVIEW_REQUIRED what is published is an approved version (content.reviews), word for word."""

import hashlib
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.content.audit import Actor
from service.content.document import dump_document, load_document
from service.content.editing import (
    ArticleConflict,
    claim,
    draft_matches_published,
    ensure_identity_free,
    published_number,
    save_draft,
)
from service.content.guardrails.gate import Gate, gate_for
from service.content.image_references import with_image_sources
from service.content.mapping import draft_document
from service.content.markdown import with_html
from service.content.people import with_people
from service.content.placeholders import placeholders_in
from service.content.procedure_children import with_disclosures
from service.content.reviews import STRICT, ReviewPolicy, approval_for
from service.content.sites import check_sites_cover
from service.content.webhooks import announce
from service.models import Article, ReviewStatus, Revision, RevisionTag, WebhookEvent
from service.models.base import utcnow


def delivery_etag(data: bytes) -> str:
    """A strong ETag for what delivery sends: 128 bits of BLAKE2b, as 32 hex digits. A
    collision is out of reach at that size, and every answer carries its ETag twice (header
    and body), where SHA-256's 64 digits cost 50 bytes of the seed article's 4,500 on the wire."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


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
    content = delivered_content(document)
    etag = delivery_etag(orjson.dumps([metadata, content], option=orjson.OPT_SORT_KEYS))
    return html_safe_json({**metadata, "etag": etag, **content}), etag


def delivered_content(document: dict[str, Any]) -> dict[str, Any]:
    """A document's content as delivery sends it: each testimonial's disclosure filled in, and
    the HTML of every Markdown field (and of each comparison's table) beside it."""
    return with_html(with_disclosures(document))


# JSON escapes that keep a JSON text inert inside HTML, as Go's encoding/json writes them.
_HTML_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def in_key_order(value: Any) -> Any:
    """`value` with every object's members sorted by name: the same bytes whichever database
    held it (PostgreSQL's jsonb keeps no member order, SQLite's JSON keeps the writer's)."""
    if isinstance(value, dict):
        return {name: in_key_order(value[name]) for name in sorted(value)}
    if isinstance(value, list):
        return [in_key_order(item) for item in value]
    return value


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
    session: Session,
    article: Article,
    *,
    by: str | None,
    note: str | None,
    document: dict[str, Any] | None = None,
    gate: Gate | None = None,
) -> Revision:
    """Freeze the claimed draft (or `document`, a version of it pinned earlier) as the
    article's next numbered revision, make that the one visitors see, and queue its webhooks.
    The step every publishing act takes (loading a document included); `by` is how the
    history names who published it. What every site would show is checked first, then the
    guardrails' `gate` (the acts pass theirs; a test's loader may pass none)."""
    published_at = utcnow()
    document = draft_document(article) if document is None else document
    check_sites_cover(session, article.id, document)
    passage = gate(article, document) if gate is not None else None
    last = session.scalar(select(func.max(Revision.number)).where(Revision.article_id == article.id))
    number = (last or 0) + 1
    body, etag = delivery_body(article.id, number, published_at, expanded(session, document))
    revision = Revision(
        article_id=article.id,
        number=number,
        slug=document["slug"],
        locale=document["locale"],
        per_site=bool(placeholders_in(document)),
        document=document,
        body=body,
        etag=etag,
        title=document["title"],
        summary=document["summary"],
        published_at=published_at,
        published_by=by,
        note=note,
        rules_version=passage.rules_version if passage else None,
        override_id=passage.override_id if passage else None,
        tags=[RevisionTag(tag=tag) for tag in document["tags"]],
    )
    session.add(revision)
    article.published_revision = revision
    if draft_matches_published(article):
        article.draft_authors = []  # a new draft starts with no authors
    session.flush()
    announce(session, WebhookEvent.ARTICLE_PUBLISHED, article=article, revision=revision.number)
    return revision


def preview_body(session: Session, article: Article) -> tuple[str, str]:
    """The draft exactly as delivery would send it once published."""
    return delivery_body(article.id, None, None, expanded(session, draft_document(article)))


def expanded(session: Session, document: dict[str, Any]) -> dict[str, Any]:
    """What delivery adds to a document from other records: the people it names, and where
    to load its images from."""
    return with_image_sources(session, with_people(session, document))


def revision_body(session: Session, revision: Revision) -> tuple[str, str]:
    """A stored revision's body and ETag as delivery would send them now: its frozen document
    read by today's schema (child kinds added since as empty lists; JSONB's key order not
    counting), then expanded (a person it names may have changed)."""
    document = dump_document(load_document(revision.document))
    return delivery_body(
        revision.article_id, revision.number, revision.published_at, expanded(session, document)
    )


def publish_article(
    session: Session,
    article: Article,
    *,
    by: Actor,
    expected_version: int | None = None,
    note: str | None = None,
    policy: ReviewPolicy = STRICT,
    version: dict[str, Any] | None = None,
) -> Revision:
    """Publish the draft (or `version`, a document of it a schedule pinned) as the next
    revision, unless it is what delivery serves already; under the policy, only if a
    reviewer approved exactly that document, whose review is then published."""
    claim(session, article, expected_version)
    document = draft_document(article) if version is None else version
    published = article.published_revision
    if published is not None and published.document == document:
        raise NothingToPublish("nothing to publish: this version is what delivery serves now")
    ensure_identity_free(session, document, article.id)  # (a pinned version's slug may be taken since)
    review = approval_for(session, article, document, policy)
    before = published_number(article)
    revision = freeze_revision(
        session, article, by=by.name, note=note, document=document, gate=gate_for(session, "publish")
    )
    if review is not None:
        review.status, review.published_revision = ReviewStatus.PUBLISHED, revision.number
    by.record(
        session,
        "article.published",
        article,
        revision_before=before,
        revision_after=revision.number,
        note=note,
        review=review.id if review else None,
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
    announce(session, WebhookEvent.ARTICLE_UNPUBLISHED, article=article)
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
    what delivery serves already). A revision went live once, reviewed then: publishing it
    again needs no new review."""
    claim(session, article, expected_version)
    before = published_number(article)
    save_draft(session, article, load_document(revision.document), by=by)
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
