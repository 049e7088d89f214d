"""Editing drafts: every change goes through the whole-document path, so one validator and
one writer (`write_draft`) serve the article and each child alike; and every change first
claims the article's version, so no edit is ever lost to a concurrent one.

The acts: create_article, change_draft (with an Edit: a replacement, a merge patch, or a
change of one child) and delete_article; publishing's are in content.publishing."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session, selectinload

from service.content.audit import Actor
from service.content.diff import diff_documents
from service.content.document import CHILD_MODELS, load_document, merge_patch, patch_child
from service.content.document_types import ArticleDocument
from service.content.errors import InvalidDocument
from service.content.image_references import resolve_assets
from service.content.mapping import draft_document, write_draft
from service.content.people import check_people_exist
from service.content.review_state import draft_changed
from service.content.webhooks import announce
from service.models import Article, ArticleStatus, Revision, WebhookEvent
from service.models.base import utcnow


class VersionConflict(Exception):
    """The article (or site overlay) changed since the version the writer read."""


class ArticleConflict(Exception):
    """The change would clash with another article, or with the article's state."""


class ChildNotFound(LookupError):
    pass


def with_children(query: Select[Any]) -> Select[Any]:
    """A select of articles that also loads all their children, in one query per kind."""
    return query.options(*(selectinload(getattr(Article, kind)) for kind in CHILD_MODELS))


def find_article(session: Session, article_id: int) -> Article | None:
    """One article with all its children loaded."""
    return session.scalar(with_children(select(Article).where(Article.id == article_id)))


def all_articles(session: Session) -> list[Article]:
    """Every article with its children, by slug and locale: what a full export holds."""
    return list(session.scalars(with_children(select(Article).order_by(Article.slug, Article.locale))))


def drafts_query(locale: str | None = None, status: str | None = None) -> Any:
    """Articles, most recently changed first, optionally in one locale or status."""
    query = (
        select(Article)
        .options(selectinload(Article.published_revision))  # each card shows its published number
        .order_by(Article.updated_at.desc(), Article.id.desc())
    )
    if locale is not None:
        query = query.where(Article.locale == locale)
    if status == ArticleStatus.PUBLISHED:
        query = query.where(Article.published_revision_id.is_not(None))
    elif status == ArticleStatus.DRAFT:
        query = query.where(Article.published_revision_id.is_(None))
    return query


def claim(session: Session, article: Article, expected_version: int | None, *, move_on: bool = True) -> None:
    """Claim the article for one change, before anything else is written:
    UPDATE ... SET version = version + 1 WHERE id = ? AND version = expected. It checks and
    locks at once: of two writers holding the same version, the second waits for the first,
    then matches no row. With no expected version (If-Match: *) it takes whatever is current.
    The article is read again afterwards, as it is once claimed. An act that reads the
    version without changing the draft (a submission for review) holds it, `move_on=False`:
    the same lock and check, and the version (the editor's ETag) stays."""
    claim = update(Article).where(Article.id == article.id)
    if expected_version is not None:
        claim = claim.where(Article.version == expected_version)
    values = (
        {"version": Article.version + 1, "updated_at": utcnow()} if move_on else {"version": Article.version}
    )
    claimed = session.execute(claim.values(**values).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise VersionConflict("the article changed while this change was being made")
    session.expire(article)


def published_number(article: Article) -> int | None:
    """The number of the revision delivery serves, if any."""
    return article.published_revision.number if article.published_revision else None


def draft_matches_published(article: Article) -> bool:
    """Whether the draft is exactly what delivery serves."""
    published = article.published_revision
    return published is not None and published.document == draft_document(article)


def ensure_identity_free(session: Session, document: ArticleDocument, article_id: int | None) -> None:
    """A slug and locale name one article: no other draft may have them, nor may another
    article be served under them (a draft may have moved away from its published slug)."""
    slug, locale = document["slug"], document["locale"]
    draft = select(Article.id).where(Article.slug == slug, Article.locale == locale)
    published = (
        select(Revision.article_id)
        .join(Article, Article.published_revision_id == Revision.id)
        .where(Revision.slug == slug, Revision.locale == locale)
    )
    for taken in (session.scalar(draft), session.scalar(published)):
        if taken is not None and taken != article_id:
            raise ArticleConflict(f"article {taken} already has the slug {slug!r} in locale {locale!r}")


def check_storable(session: Session, document: ArticleDocument, article_id: int | None) -> None:
    """What a document names must be free or exist: its slug and locale, its images' assets
    (then named by id), its people."""
    ensure_identity_free(session, document, article_id)
    resolve_assets(session, document)
    check_people_exist(session, document)


def save_draft(session: Session, article: Article, document: ArticleDocument, *, by: Actor) -> list[int]:
    """Replace the draft by a loaded document (the article must be claimed), for `by`: the
    ids of the reviews this voids (content.review_state)."""
    check_storable(session, document, article.id)
    write_draft(article, document)
    session.flush()
    return draft_changed(session, article, draft_document(article), by.key.id if by.key else None)


@dataclass(frozen=True)
class Edit:
    """One change of a draft: how the log names it and what it notes, and the document it
    makes of the draft as claimed (validated whole, so every problem has its path)."""

    action: str
    details: dict[str, Any]
    document: Callable[[Article], ArticleDocument]


def replacement(document: ArticleDocument) -> Edit:
    """The draft replaced by a whole loaded document; children are matched by key."""
    return Edit("article.updated", {}, lambda _article: document)


def merge(patch: dict[str, Any]) -> Edit:
    """A JSON Merge Patch (RFC 7386) of the draft's document."""

    def patched(article: Article) -> ArticleDocument:
        if not patch:
            raise InvalidDocument({"_schema": ["An empty patch changes nothing."]})
        return load_document(merge_patch(draft_document(article), patch))

    return Edit("article.updated", {"fields": sorted(patch)}, patched)


def _children_edit(
    action: str, kind: str, details: dict[str, Any], change: Callable[[list[dict[str, Any]]], Any]
) -> Edit:
    """An edit of the JSON list of one kind of child: the whole document is validated after,
    so a child is checked exactly as it would be in a full document (paths name it in the list)."""

    def edited(article: Article) -> ArticleDocument:
        document = draft_document(article)
        change(document[kind])
        return load_document(document)

    return Edit(action, {"kind": kind, **details}, edited)


def child_added(kind: str, child: dict[str, Any], position: int | None = None) -> Edit:
    """A new child, at `position` or at the end; its key must be new in this article and kind."""

    def insert(children: list[dict[str, Any]]) -> None:
        if any(existing["key"] == child.get("key") for existing in children):
            raise ArticleConflict(f"the article already has a {kind} child with the key {child['key']!r}")
        children.insert(len(children) if position is None else position, child)

    return _children_edit("child.added", kind, {"key": child.get("key")}, insert)


def _same_key(key: str, child: dict[str, Any]) -> None:
    """A child's key is its address: a body naming another key is a mistake, not a rename."""
    if child.get("key", key) != key:
        raise InvalidDocument({"key": [f"Must be {key!r}, the key in the URL (keys do not change)."]})


def child_replaced(kind: str, key: str, child: dict[str, Any]) -> Edit:
    def replace(children: list[dict[str, Any]]) -> None:
        _same_key(key, child)
        children[_find(children, kind, key)] = {**child, "key": key}

    return _children_edit("child.updated", kind, {"key": key}, replace)


def child_patched(kind: str, key: str, patch: dict[str, Any]) -> Edit:
    """A JSON Merge Patch of one child (a comparison's rows by key: patch_child); it keeps its key."""

    def apply(children: list[dict[str, Any]]) -> None:
        _same_key(key, patch)
        index = _find(children, kind, key)
        children[index] = patch_child(kind, children[index], patch)

    return _children_edit("child.updated", kind, {"key": key}, apply)


def child_deleted(kind: str, key: str) -> Edit:
    return _children_edit(
        "child.deleted", kind, {"key": key}, lambda children: children.pop(_find(children, kind, key))
    )


def children_reordered(kind: str, keys: list[str]) -> Edit:
    """The children of one kind in the order of `keys`, which must name each exactly once."""

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

    return _children_edit("children.reordered", kind, {"keys": keys}, reorder)


def _find(children: list[dict[str, Any]], kind: str, key: str) -> int:
    for index, child in enumerate(children):
        if child["key"] == key:
            return index
    raise ChildNotFound(f"the article has no {kind} child with the key {key!r}")


def create_article(session: Session, document: ArticleDocument, *, by: Actor) -> Article:
    """A new article from a loaded document, unpublished."""
    check_storable(session, document, None)
    article = Article(draft_authors=[by.key.id] if by.key else [])
    write_draft(article, document)
    session.add(article)
    session.flush()
    by.record(session, "article.created", article)
    return article


def change_draft(
    session: Session, article: Article, edit: Edit, *, by: Actor, expected_version: int | None = None
) -> None:
    """Claim the article at the version its caller read (None: whatever is current), save the
    document the edit makes of the draft as claimed, and log the edit with what it changed."""
    claim(session, article, expected_version)
    before = draft_document(article)
    voided = save_draft(session, article, edit.document(article), by=by)
    published = published_number(article)
    details = {**edit.details, "diff": what_changed(before, draft_document(article))}
    if voided:
        details["voided_reviews"] = voided
    by.record(session, edit.action, article, revision_before=published, revision_after=published, **details)


def what_changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The diff of two drafts as the audit log keeps it: the fields changed, and the kinds of
    child that changed, each with its own diff."""
    diff = diff_documents(before, after)
    children = {kind: change for kind, change in diff["children"].items() if any(change.values())}
    return {"fields": diff["fields"], "children": children}


def delete_article(
    session: Session, article: Article, *, by: Actor, expected_version: int | None = None
) -> None:
    """Delete an unpublished article with its history; webhooks are told."""
    claim(session, article, expected_version)
    if article.published_revision_id is not None:
        raise ArticleConflict("the article is published: unpublish it before deleting it")
    by.record(session, "article.deleted", article, slug=article.slug, locale=article.locale)
    announce(session, WebhookEvent.ARTICLE_DELETED, article=article)
    session.delete(article)
    session.flush()
