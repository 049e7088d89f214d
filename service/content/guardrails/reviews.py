"""Periodic review: the articles due for a medical re-review, because their last review is
older than REVIEW_MAX_AGE_DAYS (or there was none), or because what is published was checked
under other rules (or never checked). Delivery's lastReviewed stays the recorded date: nothing
here changes it."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import selectinload

from service.content.guardrails.policy import current_policy
from service.models import Article, Revision


@dataclass(frozen=True)
class DueReview:
    article_id: int
    slug: str
    locale: str
    reviewed_at: date | None
    due_since: date | None
    reasons: list[str]


def _cutoff(today: date) -> date:
    return today - timedelta(days=current_policy().review_max_age_days)


def reviews_due_query(today: date) -> Select[Any]:
    """Articles due for re-review, the longest overdue first (never reviewed before all)."""
    rules_version = current_policy().rules.fingerprint
    return (
        select(Article)
        .outerjoin(Revision, Article.published_revision_id == Revision.id)
        .options(selectinload(Article.published_revision))
        .where(
            or_(
                Article.reviewed_at.is_(None),
                Article.reviewed_at < _cutoff(today),
                and_(
                    Article.published_revision_id.is_not(None),
                    or_(Revision.rules_version.is_(None), Revision.rules_version != rules_version),
                ),
            )
        )
        .order_by(Article.reviewed_at.asc().nulls_first(), Article.id)
    )


def why_due(article: Article, today: date) -> DueReview:
    reasons = []
    due_since = None
    if article.reviewed_at is None:
        reasons.append("never_reviewed")
    elif article.reviewed_at < _cutoff(today):
        reasons.append("review_expired")
    if article.reviewed_at is not None:
        due_since = article.reviewed_at + timedelta(days=current_policy().review_max_age_days)
    published = article.published_revision
    if published is not None and published.rules_version != current_policy().rules.fingerprint:
        reasons.append("rules_changed")
    return DueReview(article.id, article.slug, article.locale, article.reviewed_at, due_since, reasons)
