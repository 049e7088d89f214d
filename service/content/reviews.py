"""Review: nothing reaches a visitor that a reviewer did not approve, as it is word for word.

The acts, one function each: submit_for_review (an editor hands in the draft's version),
approve_review and request_changes (a key with the reviewer capability, four eyes), and the
check every publishing act makes, approval_for. A review pins the content it was submitted
with (its document and hash); an edit voids what is in review or approved of other content
(content.review_state), so an approval only ever publishes the text it approved."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from service.content.audit import Actor
from service.content.editing import ArticleConflict, claim, draft_matches_published, find_article
from service.content.errors import InvalidDocument
from service.content.guardrails.gate import check_gate
from service.content.mapping import draft_document
from service.content.review_state import OPEN, content_hash, of_subject, with_author
from service.content.review_targets import review_targets
from service.models import Article, Review, ReviewComment, ReviewStatus, Revision
from service.models.base import utcnow


@dataclass(frozen=True)
class ReviewPolicy:
    """REVIEW_REQUIRED: publishing needs an approved version. REVIEW_FOUR_EYES: no key that
    changed or submitted the draft may approve it."""

    required: bool = True
    four_eyes: bool = True

    @classmethod
    def from_config(cls, config: Any) -> "ReviewPolicy":
        return cls(config["REVIEW_REQUIRED"], config["REVIEW_FOUR_EYES"])


# The defaults, for callers with no configuration of their own to pass.
STRICT = ReviewPolicy()


class ReviewConflict(ArticleConflict):
    """The review, or the article, is not in the state this act needs."""


class NotApproved(ArticleConflict):
    """Publishing needs an approved version, and this one is not."""


class ReviewRefused(Exception):
    """The key may not decide this review: no reviewer capability, or its own change."""


def submit_for_review(
    session: Session,
    article: Article,
    *,
    by: Actor,
    expected_version: int | None = None,
    note: str | None = None,
) -> Review:
    """Hand in the draft at the version its caller read, for a reviewer to decide on, once it
    passes the guardrails' gate (as publishing it would)."""
    claim(session, article, expected_version, move_on=False)
    if draft_matches_published(article):
        raise ReviewConflict("nothing to review: the draft is what delivery serves now")
    passage = check_gate(session, article, "submit the draft for review")
    return open_review(
        session,
        article,
        None,
        article.version,
        draft_document(article),
        article.draft_authors,
        by=by,
        note=note,
        override=passage.override_id,
    )


def open_review(
    session: Session,
    article: Article,
    site_id: int | None,
    version: int,
    document: dict[str, Any],
    authors: list[int],
    *,
    by: Actor,
    note: str | None,
    experiment_id: int | None = None,
    override: int | None = None,
) -> Review:
    """Put one version (of the article, of a site's overlay for it, or of an experiment's
    variants) in review, unless it is in review or approved already; `authors` changed it,
    and `by` submits it (its guardrails' gate passed, by `override` if one was needed)."""
    digest = content_hash(document)
    pending = session.scalar(
        select(Review).where(
            Review.article_id == article.id,
            of_subject(site_id, experiment_id),
            Review.content_hash == digest,
            Review.status.in_(OPEN),
        )
    )
    if pending is not None:
        raise ReviewConflict(
            f"this version is {pending.status.replace('_', ' ')} already (review {pending.id})"
        )
    review = Review(
        article_id=article.id,
        site_id=site_id,
        experiment_id=experiment_id,
        status=ReviewStatus.IN_REVIEW,
        version=version,
        document=document,
        content_hash=digest,
        note=note,
        submitted_by=by.name,
        authors=with_author(authors, by.key.id if by.key else None),
    )
    session.add(review)
    session.flush()
    details = {"site_id": site_id} if site_id is not None else {}
    details |= {"experiment_id": experiment_id} if experiment_id is not None else {}
    details |= {"override": override} if override is not None else {}
    by.record(
        session,
        "review.submitted",
        article,
        review=review.id,
        content_hash=digest,
        version=version,
        **details,
    )
    return review


def _may_decide(review: Review, by: Actor, policy: ReviewPolicy, *, approving: bool) -> None:
    if by.key is None or not by.key.reviewer:
        raise ReviewRefused("deciding a review needs a key with the reviewer capability")
    if approving and policy.four_eyes and by.key.id in review.authors:
        raise ReviewRefused(
            f"four eyes: the key {by.key.prefix} changed or submitted this version; "
            "another reviewer approves it"
        )


def _decide(
    session: Session, review: Review, by: Actor, status: ReviewStatus, allowed: tuple[str, ...]
) -> Article:
    """Lock the article (its version stays), then check the review's state as it is: no edit
    or other decision slips in between the check and this decision."""
    article = find_article(session, review.article_id)
    claim(session, article, None, move_on=False)
    session.refresh(review)
    if review.status not in allowed:
        wanted = " or ".join(allowed).replace("_", " ")
        raise ReviewConflict(f"review {review.id} is {review.status.replace('_', ' ')}, not {wanted}")
    review.status, review.decided_by, review.decided_at = status, by.name, utcnow()
    review.decided_by_key_id = by.key.id if by.key else None
    return article


def approve_review(
    session: Session, review: Review, *, by: Actor, policy: ReviewPolicy, comment: str | None = None
) -> Review:
    """Approve the version in review: it, exactly, may now be published."""
    _may_decide(review, by, policy, approving=True)
    article = _decide(session, review, by, ReviewStatus.APPROVED, (ReviewStatus.IN_REVIEW,))
    if comment:
        review.comments.append(ReviewComment(target="", body=comment, by=by.name))
    session.flush()
    by.record(session, "review.approved", article, review=review.id, content_hash=review.content_hash)
    return review


def request_changes(
    session: Session, review: Review, *, by: Actor, policy: ReviewPolicy, comments: list[dict[str, str]]
) -> Review:
    """Send the version back with comments, each on a field or a child of it; an approval not
    yet published may be taken back the same way."""
    _may_decide(review, by, policy, approving=False)
    targets = review_targets(session, review)
    unknown = {
        f"comments[{index}].target": [f"The version has no field or child {comment['target']!r}."]
        for index, comment in enumerate(comments)
        if comment["target"] not in targets
    }
    if unknown:
        raise InvalidDocument(unknown)
    article = _decide(session, review, by, ReviewStatus.CHANGES_REQUESTED, OPEN)
    review.comments.extend(ReviewComment(target=c["target"], body=c["body"], by=by.name) for c in comments)
    session.flush()
    by.record(session, "review.changes_requested", article, review=review.id, comments=comments)
    return review


def approval_for(
    session: Session,
    article: Article,
    document: dict[str, Any],
    policy: ReviewPolicy,
    site_id: int | None = None,
    experiment_id: int | None = None,
) -> Review | None:
    """The approved review of exactly this document (or of a site's overlay, `site_id`);
    NotApproved if review is required and there is none (None if it is not, and there is none)."""
    approved = session.scalar(
        select(Review).where(
            Review.article_id == article.id,
            of_subject(site_id, experiment_id),
            Review.content_hash == content_hash(document),
            Review.status == ReviewStatus.APPROVED,
        )
    )
    if approved is None and policy.required:
        raise NotApproved(
            "publishing needs an approved version: submit this one for review and have a reviewer approve it"
        )
    return approved


def record_system_approval(session: Session, article: Article, revision: Revision, *, by: Actor) -> None:
    """What a load (`flask seed`, an import) publishes is vouched for by whoever runs it: the
    log says so, as a published review decided by the system."""
    review = Review(
        article_id=article.id,
        status=ReviewStatus.PUBLISHED,
        version=article.version,
        document=revision.document,
        content_hash=content_hash(revision.document),
        submitted_by=by.name,
        authors=[],
        decided_by="system",
        decided_at=utcnow(),
        published_revision=revision.number,
    )
    session.add(review)
    session.flush()
    by.record(
        session, "review.approved", article, review=review.id, content_hash=review.content_hash, system=True
    )


def find_review(session: Session, review_id: int) -> Review | None:
    return session.scalar(select(Review).options(selectinload(Review.comments)).where(Review.id == review_id))


def reviews_query(status: str | None = None, article_id: int | None = None) -> Any:
    """Reviews oldest first (the queue's order), optionally in one status or of one article."""
    query = select(Review).options(selectinload(Review.comments)).order_by(Review.submitted_at, Review.id)
    if status is not None:
        query = query.where(Review.status == status)
    if article_id is not None:
        query = query.where(Review.article_id == article_id)
    return query
