"""Loading article documents: validate everything, then write. Two acts load: an import
through the API and `flask seed`, each logging every article it changed, and a system
approval of what it published (whoever loads vouches for the documents)."""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.content.audit import Actor
from service.content.document import dump_document, load_document
from service.content.document_types import ArticleDocument
from service.content.editing import check_storable, claim, with_children
from service.content.errors import InvalidDocument
from service.content.guardrails.findings import findings_for
from service.content.guardrails.gate import (
    ClaimsBlocked,
    Gate,
    Passage,
    gate_for,
    override_findings,
    passage_for,
)
from service.content.image_references import resolve_assets
from service.content.mapping import document_from_article, draft_document, write_draft
from service.content.publishing import freeze_revision
from service.content.review_state import draft_changed
from service.content.reviews import record_system_approval
from service.models import Article, FindingOverride


@dataclass(frozen=True)
class LoadResult:
    article: Article
    slug: str
    locale: str
    created: bool
    draft_changed: bool
    published_revision: int | None  # the number of the revision this load published, if any
    override: FindingOverride | None = None  # what let the published revision's blocking findings through

    @property
    def changed(self) -> bool:
        return self.created or self.draft_changed or self.published_revision is not None


class DuplicateArticles(Exception):
    """Several documents of one load are the same article (slug and locale)."""

    def __init__(self, identities: list[str]) -> None:
        self.identities = identities
        super().__init__(f"given more than once: {', '.join(identities)}")


def validate_documents(raw: Any) -> list[ArticleDocument]:
    """Validate one document or a list of them (parsed JSON); InvalidDocument names every
    bad field, prefixed by its index in the list."""
    if not isinstance(raw, list):
        return [load_document(raw)]
    if not raw:
        raise InvalidDocument({"_schema": ["The list holds no documents."]})
    documents, problems = [], {}
    for index, item in enumerate(raw):
        try:
            documents.append(load_document(item))
        except InvalidDocument as error:
            problems[index] = error.messages
    if problems:
        raise InvalidDocument(problems)
    return documents


def upsert_article(
    session: Session,
    document: ArticleDocument,
    publish: bool = True,
    by: Actor | None = None,
    gate: Gate | None = None,
) -> LoadResult:
    """Create or update the article with the document's slug and locale; publish it if asked
    and what is published differs, once it passes `gate`. Loading the same document twice
    changes nothing. Whoever loads a changed draft is one of its authors (four eyes)."""
    resolve_assets(session, document)  # (images exported by digest name their assets by id here)
    article = session.scalar(
        with_children(
            select(Article).where(Article.slug == document["slug"], Article.locale == document["locale"])
        )
    )
    created = article is None
    published = article.published_revision if article else None
    republish = publish and (published is None or published.document != dump_document(document))
    if article is None:
        check_storable(session, document, None)
        article = Article()
        session.add(article)
    elif republish or document_from_article(article) != document:
        check_storable(session, document, article.id)
        claim(session, article, article.version)
    changed = write_draft(article, document)
    session.flush()
    if changed:
        draft_changed(session, article, draft_document(article), by.key.id if by and by.key else None)
    revision = (
        freeze_revision(
            session, article, by=by.name if by else None, note="Loaded from a document", gate=gate
        )
        if republish
        else None
    )
    published = revision.number if revision is not None else None
    override = revision.override if revision is not None else None
    return LoadResult(article, document["slug"], document["locale"], created, changed, published, override)


def load_articles(
    session: Session,
    documents: list[ArticleDocument],
    publish: bool = True,
    by: Actor | None = None,
    gate: Gate | None = None,
) -> list[LoadResult]:
    """Load validated documents, refusing a load that names one article twice (which would
    publish a revision nobody meant to publish): the step under both acts, which log it."""
    counts = Counter((d["slug"], d["locale"]) for d in documents)
    duplicated = [f"{slug} ({locale})" for (slug, locale), count in counts.items() if count > 1]
    if duplicated:
        raise DuplicateArticles(duplicated)
    results, problems = [], {}
    for index, document in enumerate(documents):
        try:
            results.append(upsert_article(session, document, publish, by, gate))
        except InvalidDocument as error:  # (what it names does not exist: people, images)
            problems[index] = error.messages
    if problems:
        raise InvalidDocument(problems)  # by index, as validate_documents names them
    return results


def import_articles(
    session: Session, documents: list[ArticleDocument], *, by: Actor, publish: bool
) -> list[LoadResult]:
    """Import validated documents (POST /v1/manage/import), logging each article that changed
    by its slug and locale."""
    results = load_articles(session, documents, publish, by, gate=gate_for(session, "publish"))
    for result in (r for r in results if r.changed):
        by.record(
            session,
            "article.imported",
            result.article,
            slug=result.slug,
            locale=result.locale,
            published=result.published_revision,
        )
    _approve_what_was_published(session, results, by)
    return results


def _approve_what_was_published(session: Session, results: list[LoadResult], by: Actor) -> None:
    for result in results:
        if result.published_revision is not None:
            record_system_approval(session, result.article, result.article.published_revision, by=by)


def seed_articles(
    session: Session, documents: list[ArticleDocument], *, by: Actor, publish: bool
) -> list[LoadResult]:
    """Load validated documents from files (`flask seed`), logging each article that changed.
    A seed is loaded as its files have it: what blocks publishing is let through by an
    override in the seed's name (audited, and reported by the command)."""
    results = load_articles(
        session,
        documents,
        publish,
        by,
        gate=lambda article, document: _seed_gate(session, article, document, by),
    )
    for result in (r for r in results if r.changed):
        by.record(session, "article.seeded", result.article, revision_after=result.published_revision)
    _approve_what_was_published(session, results, by)
    return results


SEED_OVERRIDE_REASON = (
    "Loaded by flask seed as its source has it; the blocking findings stand until a reviewer "
    "rewrites or reviews the article."
)


def _seed_gate(session: Session, article: Article, document: dict[str, Any], by: Actor) -> Passage:
    """The publish gate, passed by an override in the seed's name where it blocks; the
    document's findings are found once, and judged again against that override."""
    findings = findings_for(session, article.id, document)
    try:
        return passage_for(session, article.id, "publish", findings)
    except ClaimsBlocked:
        override_findings(session, article, reason=SEED_OVERRIDE_REASON, by=by)
        return passage_for(session, article.id, "publish", findings)
