"""Scheduled publish and unpublish, applied by `flask apply-schedules` from cron.

Safe on several hosts at once, in order: a host locks the oldest due schedule (another host
waits for it rather than skipping ahead, so an article's publish and unpublish keep their
order), takes it with one atomic UPDATE ... WHERE applied_at IS NULL, applies it to whatever
the article is then, and commits, all in one transaction: no schedule is applied twice.
Applying one is the same act as publishing or unpublishing through the API, made for whoever
scheduled it (content.publishing); the runner commits once per schedule. A publish pins the
version it was scheduled for (its document): later edits do not ride along, and if that
version cannot be published then (not approved, say), nothing is, and the schedule records
why, in its outcome, the audit log and a `schedule.failed` webhook."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.content.audit import Actor, record
from service.content.editing import ArticleConflict, claim, find_article
from service.content.mapping import draft_document
from service.content.placeholders import MissingVariables
from service.content.publishing import NothingToPublish, NotPublished, publish_article, unpublish_article
from service.content.review_state import content_hash
from service.content.reviews import STRICT, ReviewPolicy
from service.content.sites import SiteConflict
from service.content.webhooks import announce
from service.models import Article, Schedule, ScheduleAction, WebhookEvent
from service.models.base import utcnow


class ScheduleConflict(Exception):
    """The schedule has already been applied."""


@dataclass(frozen=True)
class AppliedSchedule:
    schedule_id: int
    article_id: int
    action: str
    outcome: str


def schedule(
    session: Session,
    article: Article,
    action: str,
    at: datetime,
    *,
    by: Actor,
    expected_version: int | None = None,
) -> Schedule:
    """Schedule a publish of the draft at the version its caller read (None: as it is now),
    or an unpublish, for `by`."""
    claim(session, article, expected_version, move_on=False)
    entry = Schedule(article_id=article.id, action=action, at=at, created_by=by.name)
    if action == ScheduleAction.PUBLISH:
        entry.document = draft_document(article)
        entry.content_hash = content_hash(entry.document)
    session.add(entry)
    session.flush()
    by.record(
        session,
        "schedule.created",
        article,
        schedule=entry.id,
        action=action,
        content_hash=entry.content_hash,
    )
    return entry


def find_schedule(session: Session, article_id: int, schedule_id: int) -> Schedule | None:
    entry = session.get(Schedule, schedule_id)
    return entry if entry is not None and entry.article_id == article_id else None


def schedules_of(session: Session, article_id: int) -> list[Schedule]:
    """An article's schedules, soonest first."""
    return list(
        session.scalars(
            select(Schedule).where(Schedule.article_id == article_id).order_by(Schedule.at, Schedule.id)
        )
    )


def cancel_schedule(session: Session, entry: Schedule, *, by: Actor) -> None:
    """Cancel a pending schedule; one that was applied stays, as history."""
    if entry.applied_at is not None:
        raise ScheduleConflict(f"schedule {entry.id} was applied at {entry.applied_at.isoformat()}")
    article = session.get(Article, entry.article_id)
    session.delete(entry)
    session.flush()
    by.record(session, "schedule.cancelled", article, schedule=entry.id)


def _next_due(session: Session, now: datetime, tried: set[int]) -> Schedule | None:
    return session.scalar(
        select(Schedule)
        .where(Schedule.applied_at.is_(None), Schedule.at <= now, Schedule.id.not_in(tried))
        .order_by(Schedule.at, Schedule.id)
        .limit(1)
        .with_for_update()
    )


def _take(session: Session, entry: Schedule, now: datetime) -> bool:
    """Mark the schedule applied, unless another host just did: whoever's UPDATE matches owns it."""
    taken = session.execute(
        update(Schedule)
        .where(Schedule.id == entry.id, Schedule.applied_at.is_(None))
        .values(applied_at=now)
        .execution_options(synchronize_session=False)
    )
    return taken.rowcount == 1


def _apply(session: Session, entry: Schedule, policy: ReviewPolicy) -> str:
    """Apply a taken schedule: publish the version it pinned (a schedule made before versions
    were pinned: the draft as it is), or unpublish; and say what came of it. A schedule that
    does not apply as things stand changes nothing (its savepoint is rolled back)."""
    article = find_article(session, entry.article_id)  # never gone: schedules go with it
    by = Actor.for_schedule(entry)
    try:
        with session.begin_nested():
            if entry.action == ScheduleAction.PUBLISH:
                note = f"Scheduled for {entry.at.isoformat()}"
                revision = publish_article(
                    session, article, by=by, note=note, policy=policy, version=entry.document
                )
                return f"published revision {revision.number}"
            unpublish_article(session, article, by=by)
            return "unpublished"
    except NothingToPublish:
        return "nothing new to publish"
    except NotPublished:
        return "already unpublished"
    except (ArticleConflict, MissingVariables, SiteConflict) as error:
        # Not applicable as things stand: say why, and go on with the others.
        reason = str(error)
        record(session, None, "schedule.failed", article, schedule=entry.id, reason=reason)
        announce(
            session,
            WebhookEvent.SCHEDULE_FAILED,
            article=article,
            schedule={"id": entry.id, "action": entry.action},
            reason=reason,
        )
        return f"failed: {reason}"


def apply_due_schedules(
    session: Session, now: Callable[[], datetime] = utcnow, policy: ReviewPolicy = STRICT
) -> list[AppliedSchedule]:
    """Apply every schedule due by now, oldest first, one transaction each, under the policy."""
    applied: list[AppliedSchedule] = []
    tried: set[int] = set()
    while (entry := _next_due(session, now(), tried)) is not None:
        tried.add(entry.id)
        if not _take(session, entry, now()):
            session.rollback()
            continue
        outcome = _apply(session, entry, policy)
        session.execute(update(Schedule).where(Schedule.id == entry.id).values(outcome=outcome))
        session.commit()
        applied.append(AppliedSchedule(entry.id, entry.article_id, entry.action, outcome))
    return applied
