"""What a change of a draft (an article's, or a site overlay's) does to its reviews, kept
apart from the review acts so that the editing acts, which every review act builds on, can
call it: the draft's authors grow, and what was in review or approved of another content is
void."""

import hashlib
from typing import Any

import orjson
from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from service.models import Article, Release, ReleaseStatus, Review, ReviewStatus, Schedule, ScheduleAction

OPEN = (ReviewStatus.IN_REVIEW, ReviewStatus.APPROVED)


def content_hash(document: dict[str, Any]) -> str:
    """The hash a review pins: the same document always has the same, on either database
    (keys sorted: PostgreSQL's JSONB does not keep their order)."""
    return hashlib.sha256(orjson.dumps(document, option=orjson.OPT_SORT_KEYS)).hexdigest()


def scheduled_hashes(session: Session, article_id: int) -> set[str]:
    """The versions pending publishes of the article pin: an edit does not void their reviews."""
    return set(
        session.scalars(
            select(Schedule.content_hash).where(
                Schedule.article_id == article_id,
                Schedule.action == ScheduleAction.PUBLISH,
                Schedule.applied_at.is_(None),
            )
        )
    )


def released_reviews(session: Session) -> set[int]:
    """The reviews pending releases name: the versions they pin."""
    pending = session.scalars(select(Release.items).where(Release.status == ReleaseStatus.PENDING))
    return {item["review"] for items in pending for item in items if "review" in item}


def draft_changed(
    session: Session, article: Article, document: dict[str, Any], key_id: int | None
) -> list[int]:
    """Note that `key_id` (None: a command) changed the draft to `document`, and void the
    reviews in review or approved of any other content, but those a pending schedule pins.
    The ids of the reviews voided, for the edit's audit entry."""
    article.draft_authors = with_author(article.draft_authors, key_id)
    return void_reviews(
        session, article.id, None, {content_hash(document), *scheduled_hashes(session, article.id)}
    )


def of_subject(site_id: int | None, experiment_id: int | None = None) -> ColumnElement[bool]:
    """Reviews of a site's overlay (its id), of an experiment's variants (its id), or of the
    article itself (neither)."""
    site = Review.site_id.is_(None) if site_id is None else Review.site_id == site_id
    experiment = (
        Review.experiment_id.is_(None) if experiment_id is None else Review.experiment_id == experiment_id
    )
    return and_(site, experiment)


def with_author(authors: list[int], key_id: int | None) -> list[int]:
    return sorted({*authors, key_id}) if key_id is not None else authors


def void_reviews(
    session: Session, article_id: int, site_id: int | None, kept: set[str], experiment_id: int | None = None
) -> list[int]:
    """Void the reviews in review or approved of the article (or of a site's overlay for it,
    or of an experiment's variants) but those of the content `kept` names and those a pending
    release names (it publishes that version later; an edit is the next draft): the ids voided."""
    voided = []
    subject = of_subject(site_id, experiment_id)
    released = released_reviews(session)
    for review in session.scalars(
        select(Review).where(Review.article_id == article_id, subject, Review.status.in_(OPEN))
    ):
        if review.content_hash not in kept and review.id not in released:
            review.status = ReviewStatus.VOIDED
            voided.append(review.id)
    return voided
