"""Overrides of blocking findings: a reviewer's decision that an article may go out with them,
kept with the article version it was made on and named by the revisions it let through."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, utcnow
from service.models.lengths import ACTOR_LENGTH, FINGERPRINT_LENGTH


class FindingOverride(Base):
    __tablename__ = "finding_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    # The draft version it was made on, and the rule set's fingerprint then.
    article_version: Mapped[int]
    rules_version: Mapped[str] = mapped_column(String(FINGERPRINT_LENGTH))
    # The blocking findings it accepts: {"id", "rule", "path", "where", "text"} each; a gate
    # passes only findings whose id is listed (an edited sentence is a new finding).
    findings: Mapped[list[dict[str, Any]]]
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def finding_ids(self) -> set[str]:
        return {finding["id"] for finding in self.findings}
