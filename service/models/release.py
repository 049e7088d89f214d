"""Releases: a named set of changes (approved article and overlay versions, experiment starts
and stops) published all or nothing, now or at a time."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, utcnow
from service.models.lengths import ACTOR_LENGTH, NAME_LENGTH, STATUS_LENGTH


class ReleaseStatus(StrEnum):
    PENDING = "pending"  # to publish, now (by hand) or at `at`
    # Taken by the schedule runner on one host, within its transaction only (it commits
    # published or failed): what keeps another host from taking it too.
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    FAILED = "failed"  # a scheduled release whose check failed: nothing was published


class Release(Base):
    __tablename__ = "releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    # Each item: {"review": <id>} (an approved article or site overlay version) or
    # {"experiment": <key>, "action": "start" | "stop"}.
    items: Mapped[list[dict[str, Any]]]
    status: Mapped[str] = mapped_column(String(STATUS_LENGTH), default=ReleaseStatus.PENDING, index=True)
    at: Mapped[datetime | None] = mapped_column(index=True)  # planned; kept once it is applied
    created_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(Text)
