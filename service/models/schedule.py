"""Scheduled publishing: an action on an article at a given time, applied by a worker."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, utcnow
from service.models.lengths import ACTOR_LENGTH, HASH_LENGTH, STATUS_LENGTH


class ScheduleAction(StrEnum):
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"


class Schedule(Base):
    __tablename__ = "schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(STATUS_LENGTH))  # a ScheduleAction
    at: Mapped[datetime] = mapped_column(index=True)
    created_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    applied_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(Text)
    # A publish names the version it publishes: the draft's document when it was scheduled,
    # and its hash (the review that approves it has the same). Later edits do not ride along.
    document: Mapped[dict[str, Any] | None]
    content_hash: Mapped[str | None] = mapped_column(String(HASH_LENGTH))
