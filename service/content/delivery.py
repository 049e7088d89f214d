"""What the public delivery API reads: published revisions only, never drafts."""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from service.content import purging
from service.content.compression import encodings
from service.models import Article, Revision, RevisionTag


@dataclass(frozen=True)
class Answer:
    """A delivered article (or list), serialised once: the bytes sent, their ETag, the locale,
    and the same bytes compressed (`encoded`, by coding), made with it."""

    body: bytes
    etag: str
    locale: str | None
    per_site: bool = False  # its text has {{site.*}} placeholders: served only per site
    # Its surrogate keys (content.purging): what a CDN files it under, to purge it by.
    tags: tuple[str, ...] = ()
    encoded: dict[str, bytes] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "encoded", encodings(self.body))  # (frozen: set once, here)


@dataclass(frozen=True)
class CardPage:
    """One page of article cards and how many there are in all."""

    cards: list[dict[str, Any]]
    total: int


@dataclass(frozen=True)
class PageAnswer:
    """A page of a list, serialised once, and how many items the whole list has."""

    answer: Answer
    total: int


def published_at_slug(query: Select[Any], slug: str, locale: str | None, default_locale: str) -> Select[Any]:
    """Narrow a select over revisions to the one published at this slug: in the locale asked for,
    else the default locale's, else the first published locale in alphabetical order, so the
    answer never depends on luck."""
    query = query.join(Article, Article.published_revision_id == Revision.id).where(Revision.slug == slug)
    if locale is not None:
        return query.where(Revision.locale == locale).limit(1)
    return query.order_by(Revision.locale != default_locale, Revision.locale).limit(1)


def find_published(session: Session, slug: str, locale: str | None, default_locale: str) -> Answer | None:
    """What delivery sends for a slug: the published revision's body, stored when it was published."""
    columns = select(Revision.body, Revision.etag, Revision.locale, Revision.per_site, Revision.article_id)
    row = session.execute(published_at_slug(columns, slug, locale, default_locale)).first()
    if row is None:
        return None
    return Answer(
        row.body.encode(), row.etag, row.locale, row.per_site, (purging.article_key(row.article_id),)
    )


def list_published(
    session: Session,
    *,
    offset: int,
    limit: int,
    locale: str | None = None,
    tag: str | None = None,
    per_site: bool = False,
) -> CardPage:
    """One page of published articles as cards, newest first, and the total count; those
    served only per site (placeholders) are left out unless `per_site`."""
    query = select(
        Article.id,
        Revision.slug,
        Revision.locale,
        Revision.id.label("revision_id"),
        Revision.number.label("revision"),
        Revision.title,
        Revision.summary,
        Revision.published_at,
        Revision.etag,
    ).join(Revision, Article.published_revision_id == Revision.id)
    conditions = []  # on the published revision
    if not per_site:
        conditions.append(Revision.per_site.is_(False))
    if locale is not None:
        conditions.append(Revision.locale == locale)
    if tag is not None:
        conditions.append(Revision.id.in_(select(RevisionTag.revision_id).where(RevisionTag.tag == tag)))
    query = query.where(*conditions)
    # Counted from the articles' index alone unless a condition needs the revisions: joining
    # each of 10,000 revisions made the uncached list page 4.5x slower than at 100 articles.
    counted = select(func.count()).select_from(Article).where(Article.published_revision_id.is_not(None))
    if conditions:
        counted = counted.join(Revision, Article.published_revision_id == Revision.id).where(*conditions)
    total = session.scalar(counted) or 0
    if offset >= total:  # past the end (an offset may exceed what the database can hold)
        return CardPage([], total)
    rows = session.execute(
        query.order_by(Revision.published_at.desc(), Revision.article_id.desc()).offset(offset).limit(limit)
    ).all()
    tags: dict[int, list[str]] = {row.revision_id: [] for row in rows}
    if rows:
        tag_rows = session.execute(
            select(RevisionTag.revision_id, RevisionTag.tag)
            .where(RevisionTag.revision_id.in_(tags))
            .order_by(RevisionTag.tag)
        )
        for revision_id, name in tag_rows:
            tags[revision_id].append(name)
    return CardPage([{**row._asdict(), "tags": tags[row.revision_id]} for row in rows], total)


def find_published_revision(
    session: Session, slug: str, locale: str | None, default_locale: str
) -> Revision | None:
    """The published revision itself (with its document), for serving it per site."""
    return session.scalar(published_at_slug(select(Revision), slug, locale, default_locale))
