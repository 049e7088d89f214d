"""Reviews: a submitted version of an article's draft, and the reviewer's decision on it.

A review pins the exact content it was submitted with (the document and its hash): what a
reviewer approves is that text, and only that text can be published on the approval."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, utcnow
from service.models.lengths import ACTOR_LENGTH, COMMENT_TARGET_LENGTH, HASH_LENGTH, STATUS_LENGTH


class ReviewStatus(StrEnum):
    """in_review → approved or changes_requested; approved → published (or changes_requested,
    should the reviewer take it back). An edit of the draft voids what is in review or approved."""

    IN_REVIEW = "in_review"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    VOIDED = "voided"
    PUBLISHED = "published"


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (Index(None, "article_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    # A review of a site's overlay for the article (its document is the overlay); none: of
    # the article itself.
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    # A review of an experiment's variants (its document: their overlays), which visitors see
    # once it starts.
    experiment_id: Mapped[int | None] = mapped_column(ForeignKey("experiments.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(STATUS_LENGTH), index=True)  # a ReviewStatus
    # The draft as submitted: its version (the ETag then; an overlay's version number), its
    # document (or overlay) and that document's hash.
    version: Mapped[int]
    document: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    note: Mapped[str | None] = mapped_column(Text)
    submitted_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The keys that changed the draft since it was last published, the submitter's included:
    # none of them may approve it (four eyes).
    authors: Mapped[list[int]] = mapped_column(default=list)
    decided_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
    decided_by_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    published_revision: Mapped[int | None]

    comments: Mapped[list["ReviewComment"]] = relationship(
        order_by="ReviewComment.id", cascade="all, delete-orphan", passive_deletes=True
    )


class ReviewComment(Base):
    """A reviewer's remark on one field (`title`, `call_to_action.heading`) or one child
    (`faqs.time-to-results`, or one of its fields: `faqs.time-to-results.answer`)."""

    __tablename__ = "review_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(COMMENT_TARGET_LENGTH))
    body: Mapped[str] = mapped_column(Text)
    by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
    at: Mapped[datetime] = mapped_column(default=utcnow)
