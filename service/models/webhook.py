"""Webhooks: endpoints told of every change that alters delivery, through an outbox."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, utcnow
from service.models.lengths import NAME_LENGTH, SECRET_LENGTH, STATUS_LENGTH


class WebhookEvent(StrEnum):
    """What a webhook can be told of: each change that alters what delivery answers (and so
    what a CDN in front must purge). A new kind of change (a release) is one more member."""

    ARTICLE_PUBLISHED = "article.published"
    ARTICLE_UNPUBLISHED = "article.unpublished"
    ARTICLE_DELETED = "article.deleted"
    ARTICLE_RERENDERED = "article.rerendered"  # its published body, rendered again (flask rerender)
    SITE_CREATED = "site.created"
    SITE_UPDATED = "site.updated"
    SITE_DELETED = "site.deleted"
    OVERLAY_PUBLISHED = "site.overlay_published"
    EXPERIMENT_STARTED = "experiment.started"
    EXPERIMENT_PAUSED = "experiment.paused"
    EXPERIMENT_STOPPED = "experiment.stopped"
    EXPERIMENT_RESTARTED = "experiment.restarted"
    EXPERIMENT_ROLLED_OUT = "experiment.rolled_out"
    SCHEDULE_FAILED = "schedule.failed"  # a scheduled publish or release that published nothing
    RELEASE_PUBLISHED = "release.published"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class Webhook(Base):
    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    events: Mapped[list[str]]
    # Needed in clear to sign each delivery (HMAC); shown to the admin once, never listed.
    secret: Mapped[str] = mapped_column(String(SECRET_LENGTH))
    # After a rotation, deliveries are signed with the old secret too until it expires, so that
    # receivers can move to the new one in their own time.
    previous_secret: Mapped[str | None] = mapped_column(String(SECRET_LENGTH))
    previous_secret_expires_at: Mapped[datetime | None]
    description: Mapped[str | None] = mapped_column(String(NAME_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDelivery(Base):
    """One event for one endpoint: written in the transaction of the change (the outbox),
    sent later by `flask send-webhooks`, retried with exponential backoff."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(STATUS_LENGTH), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]


class WebhookAttempt(Base):
    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int]
