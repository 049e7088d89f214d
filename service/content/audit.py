"""The audit log: one entry per change, written in the same transaction as the change by the
use case that makes it, for the Actor its caller names."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import ApiKey, Article, AuditEntry, Schedule


@dataclass(frozen=True)
class Actor:
    """Who makes a change: the API key it is made with (none for a command such as `flask
    seed`), and how history names them (a revision's published_by, a schedule's created_by).
    A schedule acts for whoever made it, with no key, and its changes are logged under it."""

    key: ApiKey | None
    name: str | None
    schedule: Schedule | None = None

    @classmethod
    def with_key(cls, key: ApiKey) -> "Actor":
        return cls(key, f"{key.name} ({key.prefix})")

    @classmethod
    def for_schedule(cls, entry: Schedule) -> "Actor":
        return cls(None, entry.created_by, entry)

    def record(
        self,
        session: Session,
        action: str,
        article: Article | None = None,
        /,
        *,
        revision_before: int | None = None,
        revision_after: int | None = None,
        **details: Any,
    ) -> AuditEntry:
        """Log a change made by this actor; a schedule's is logged as schedule.<its action>,
        with the schedule's id as its only detail."""
        if self.schedule is not None:
            action, details = f"schedule.{self.schedule.action}", {"schedule": self.schedule.id}
        return record(
            session,
            self.key,
            action,
            article,
            revision_before=revision_before,
            revision_after=revision_after,
            **details,
        )


def record(
    session: Session,
    key: ApiKey | None,
    action: str,
    article: Article | None = None,
    /,
    *,
    revision_before: int | None = None,
    revision_after: int | None = None,
    **details: Any,
) -> AuditEntry:
    """One entry, made with `key` (None: by a command). Use cases log through Actor.record."""
    entry = AuditEntry(
        key_id=key.id if key else None,
        key_prefix=key.prefix if key else None,
        action=action,
        article_id=article.id if article else None,
        article_slug=article.slug if article else None,
        revision_before=revision_before,
        revision_after=revision_after,
        details=details,
    )
    session.add(entry)
    return entry


def audit_query(article_id: int | None = None, key_id: int | None = None) -> Any:
    """Entries newest first, optionally for one article or one key."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if article_id is not None:
        query = query.where(AuditEntry.article_id == article_id)
    if key_id is not None:
        query = query.where(AuditEntry.key_id == key_id)
    return query
