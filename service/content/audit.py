"""The audit log: one entry per change, written in the same transaction as the change."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.models import ApiKey, Article, AuditEntry


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
