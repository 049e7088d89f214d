"""Re-rendering: stored revisions brought up to date with the Markdown renderer as it is now.

A revision keeps the body delivery sends and its ETag, rendered when it was published; when the
rules of content.markdown change (issue 16: tables, citations, nested headings), the stored
bodies still hold the old HTML. `rerender_revisions` renders each revision's frozen document
again as publishing does (the people it names and its images' sources added), loaded and
dumped by today's document schema first (so child kinds added since come as empty lists, and
PostgreSQL's JSONB key order does not count), and stores the body and ETag where they differ:
the document, number and date stay. Delivery's caches follow (a Revision change moves the
delivery generation, content.freshness), and each published article whose body changed is
announced to webhooks as `article.rerendered`, naming what a CDN must purge. Run it again and
it changes nothing.
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.content.audit import Actor
from service.content.errors import InvalidDocument
from service.content.publishing import revision_body
from service.content.webhooks import announce
from service.models import Article, Revision, WebhookEvent

BATCH = 100  # revisions read at once: each holds its document and its body


@dataclass
class Rerendered:
    """What a re-render did: how many revisions it read, and which it changed."""

    checked: int = 0
    changed: list[tuple[str, str, int]] = field(default_factory=list)  # slug, locale, number
    published: int = 0  # of those changed, the revisions delivery serves
    # slug, locale, number and why: a document today's schema refuses keeps its body
    unreadable: list[tuple[str, str, int, str]] = field(default_factory=list)


def rerender_revisions(session: Session, *, by: Actor) -> Rerendered:
    """Render every stored revision again and store what changed (see the module's docstring);
    each change is audited as `revision.rerendered` for `by`. The caller commits."""
    result = Rerendered()
    ids = list(session.scalars(select(Revision.id).order_by(Revision.id)))
    for start in range(0, len(ids), BATCH):
        batch = session.scalars(select(Revision).where(Revision.id.in_(ids[start : start + BATCH])))
        for revision in batch:
            result.checked += 1
            try:
                body, etag = revision_body(session, revision)
            except InvalidDocument as error:
                reason = "; ".join(f"{e['field']}: {e['message']}" for e in error.errors)
                result.unreadable.append((revision.slug, revision.locale, revision.number, reason))
                continue
            if body == revision.body and etag == revision.etag:
                continue
            before = revision.etag
            revision.body, revision.etag = body, etag
            result.changed.append((revision.slug, revision.locale, revision.number))
            article = session.get_one(Article, revision.article_id)
            by.record(
                session, "revision.rerendered", article, revision_after=revision.number, etag_before=before
            )
            if article.published_revision_id == revision.id:
                result.published += 1
                announce(session, WebhookEvent.ARTICLE_RERENDERED, article=article, revision=revision.number)
        session.flush()
    return result
