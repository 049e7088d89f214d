"""Editing drafts: every change goes through the whole-document path, so one validator and
one writer (`replace_draft`) serve the article and each child alike; and every change first
claims the article's version, so no edit is ever lost to a concurrent one."""

from collections import Counter
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session, selectinload

from service.content.document import CHILD_MODELS, load_document, merge_patch
from service.content.errors import InvalidDocument
from service.content.mapping import draft_document, replace_draft
from service.content.webhooks import enqueue
from service.models import Article, Revision
from service.models.base import utcnow


class VersionConflict(Exception):
    """The article changed since the version the writer read."""


class ArticleConflict(Exception):
    """The change would clash with another article, or with the article's state."""


class ChildNotFound(LookupError):
    pass


def with_children(query: Select[Any]) -> Select[Any]:
    """A select of articles that also loads all their children, in one query per kind."""
    return query.options(*(selectinload(getattr(Article, kind)) for kind in CHILD_MODELS))


def load_article(session: Session, article_id: int) -> Article | None:
    """One article with all its children loaded."""
    return session.scalar(with_children(select(Article).where(Article.id == article_id)))


def all_articles(session: Session) -> list[Article]:
    """Every article with its children, by slug and locale: what a full export holds."""
    return list(session.scalars(with_children(select(Article).order_by(Article.slug, Article.locale))))


def drafts_query(locale: str | None = None, status: str | None = None) -> Any:
    """Articles, most recently changed first, optionally in one locale or status."""
    query = (
        select(Article)
        .options(selectinload(Article.published_revision))  # each card shows its live number
        .order_by(Article.updated_at.desc(), Article.id.desc())
    )
    if locale is not None:
        query = query.where(Article.locale == locale)
    if status == "published":
        query = query.where(Article.published_revision_id.is_not(None))
    elif status == "draft":
        query = query.where(Article.published_revision_id.is_(None))
    return query


def claim(session: Session, article: Article, expected_version: int | None) -> None:
    """Claim the article for one change, before anything else is written:
    UPDATE ... SET version = version + 1 WHERE id = ? AND version = expected. It checks and
    locks at once: of two writers holding the same version, the second waits for the first,
    then matches no row. With no expected version (If-Match: *) it takes whatever is current.
    The article is read again afterwards, as it is once claimed."""
    claim = update(Article).where(Article.id == article.id)
    if expected_version is not None:
        claim = claim.where(Article.version == expected_version)
    claimed = session.execute(
        claim.values(version=Article.version + 1, updated_at=utcnow()).execution_options(
            synchronize_session=False
        )
    )
    if claimed.rowcount != 1:
        raise VersionConflict("the article changed while this change was being made")
    session.expire(article)


def is_live(article: Article) -> bool:
    """Whether the draft is exactly what delivery serves."""
    live = article.published_revision
    return live is not None and live.document == draft_document(article)


def ensure_identity_free(session: Session, document: dict[str, Any], article_id: int | None) -> None:
    """A slug and locale name one article: no other draft may have them, nor may another
    article be served under them (a draft may have moved away from its published slug)."""
    slug, locale = document["slug"], document["locale"]
    draft = select(Article.id).where(Article.slug == slug, Article.locale == locale)
    live = (
        select(Revision.article_id)
        .join(Article, Article.published_revision_id == Revision.id)
        .where(Revision.slug == slug, Revision.locale == locale)
    )
    for taken in (session.scalar(draft), session.scalar(live)):
        if taken is not None and taken != article_id:
            raise ArticleConflict(f"article {taken} already has the slug {slug!r} in locale {locale!r}")


def create_article(session: Session, document: dict[str, Any]) -> Article:
    ensure_identity_free(session, document, None)
    article = Article()
    replace_draft(article, document)
    session.add(article)
    session.flush()
    return article


def save_draft(session: Session, article: Article, document: dict[str, Any]) -> None:
    """Replace the draft by a loaded document (the article must be claimed)."""
    ensure_identity_free(session, document, article.id)
    replace_draft(article, document)
    session.flush()


def patch_document(article: Article, patch: Any) -> dict[str, Any]:
    """The article's document with a JSON Merge Patch applied, validated whole."""
    return load_document(merge_patch(draft_document(article), patch))


def edit_children(article: Article, kind: str, change: Any) -> dict[str, Any]:
    """Apply `change` to the JSON list of one kind of child and validate the whole result, so a
    child is checked exactly as it would be in a full document (paths name it in the list)."""
    document = draft_document(article)
    change(document[kind])
    return load_document(document)


def add_child(
    article: Article, kind: str, child: dict[str, Any], position: int | None = None
) -> dict[str, Any]:
    def insert(children: list[dict[str, Any]]) -> None:
        if any(existing["key"] == child.get("key") for existing in children):
            raise ArticleConflict(f"the article already has a {kind} child with the key {child['key']!r}")
        children.insert(len(children) if position is None else position, child)

    return edit_children(article, kind, insert)


def _same_key(key: str, child: dict[str, Any]) -> None:
    """A child's key is its address: a body naming another key is a mistake, not a rename."""
    if child.get("key", key) != key:
        raise InvalidDocument({"key": [f"Must be {key!r}, the key in the URL (keys do not change)."]})


def replace_child(article: Article, kind: str, key: str, child: dict[str, Any]) -> dict[str, Any]:
    _same_key(key, child)

    def replace(children: list[dict[str, Any]]) -> None:
        index = _find(children, kind, key)
        children[index] = {**child, "key": key}

    return edit_children(article, kind, replace)


def patch_child(article: Article, kind: str, key: str, patch: dict[str, Any]) -> dict[str, Any]:
    _same_key(key, patch)

    def apply(children: list[dict[str, Any]]) -> None:
        index = _find(children, kind, key)
        children[index] = {**merge_patch(children[index], patch), "key": key}

    return edit_children(article, kind, apply)


def delete_child(article: Article, kind: str, key: str) -> dict[str, Any]:
    return edit_children(article, kind, lambda children: children.pop(_find(children, kind, key)))


def reorder_children(article: Article, kind: str, keys: list[str]) -> dict[str, Any]:
    """Put the children of one kind in the order of `keys`, which must name each exactly once."""

    def reorder(children: list[dict[str, Any]]) -> None:
        by_key = {child["key"]: child for child in children}
        if sorted(keys) != sorted(by_key):
            missing, unknown = sorted(set(by_key) - set(keys)), sorted(set(keys) - set(by_key))
            repeated = sorted(key for key, count in Counter(keys).items() if count > 1)
            raise InvalidDocument(
                {
                    "keys": [
                        f"Name each {kind} key exactly once "
                        f"(missing: {missing}, unknown: {unknown}, repeated: {repeated})."
                    ]
                }
            )
        children[:] = [by_key[key] for key in keys]

    return edit_children(article, kind, reorder)


def _find(children: list[dict[str, Any]], kind: str, key: str) -> int:
    for index, child in enumerate(children):
        if child["key"] == key:
            return index
    raise ChildNotFound(f"the article has no {kind} child with the key {key!r}")


def require_published(article: Article) -> None:
    if article.published_revision_id is None:
        raise ArticleConflict("the article is not published")


def delete_article(session: Session, article: Article) -> None:
    if article.published_revision_id is not None:
        raise ArticleConflict("the article is published: unpublish it before deleting it")
    enqueue(session, "article.deleted", article)
    session.delete(article)
    session.flush()
