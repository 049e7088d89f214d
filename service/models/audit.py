"""The audit log: every change, who made it with which key, and the revisions around it."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, utcnow
from service.models.lengths import SLUG_LENGTH


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Kept when the key or the article is deleted: the log outlives what it describes.
    key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"), index=True)
    key_prefix: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(40))
    article_id: Mapped[int | None] = mapped_column(index=True)
    article_slug: Mapped[str | None] = mapped_column(String(SLUG_LENGTH))
    revision_before: Mapped[int | None]
    revision_after: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
