"""Scheduled publish and unpublish, applied by `flask apply-schedules` from cron.

Safe on several hosts at once, in order: a host locks the oldest due schedule (another host
waits for it rather than skipping ahead, so an article's publish and unpublish keep their
order), takes it with one atomic UPDATE ... WHERE applied_at IS NULL, applies it to whatever
the article is then, and commits, all in one transaction: no schedule is applied twice."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.content.audit import record
from service.content.editing import ArticleConflict, claim, is_live, load_article
from service.content.placeholders import MissingVariables
from service.content.publishing import publish_article, unpublish_article
from service.content.sites import SiteConflict
from service.models import Schedule
from service.models.base import utcnow

ACTIONS = ("publish", "unpublish")


class ScheduleConflict(Exception):
    """The schedule has already been applied."""


@dataclass(frozen=True)
class AppliedSchedule:
    schedule_id: int
    article_id: int
    action: str
    outcome: str


def schedule(session: Session, article_id: int, action: str, at: datetime, by: str | None) -> Schedule:
    entry = Schedule(article_id=article_id, action=action, at=at, created_by=by)
    session.add(entry)
    session.flush()
    return entry


def schedules_of(session: Session, article_id: int) -> list[Schedule]:
    """An article's schedules, soonest first."""
    return list(
        session.scalars(
            select(Schedule).where(Schedule.article_id == article_id).order_by(Schedule.at, Schedule.id)
        )
    )


def cancel(session: Session, entry: Schedule) -> None:
    if entry.applied_at is not None:
        raise ScheduleConflict(f"schedule {entry.id} was applied at {entry.applied_at.isoformat()}")
    session.delete(entry)
    session.flush()


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


def _apply(session: Session, entry: Schedule, now: datetime) -> str:
    article = load_article(session, entry.article_id)  # never gone: schedules go with it
    before = article.published_revision.number if article.published_revision else None
    if entry.action == "unpublish" and before is None:
        return "already unpublished"
    if entry.action == "publish" and is_live(article):
        return "nothing new to publish"
    claim(session, article, None)  # the schedule acts on whatever is current then
    if entry.action == "publish":
        revision = publish_article(
            session, article, by=entry.created_by, note=f"Scheduled for {entry.at.isoformat()}"
        )
        outcome, after = f"published revision {revision.number}", revision.number
    else:
        unpublish_article(session, article)
        outcome, after = "unpublished", None
    record(
        session,
        None,
        f"schedule.{entry.action}",
        article,
        revision_before=before,
        revision_after=after,
        schedule=entry.id,
    )
    return outcome


def apply_due_schedules(session: Session, now: Callable[[], datetime] = utcnow) -> list[AppliedSchedule]:
    """Apply every schedule due by now, oldest first, one transaction each."""
    applied: list[AppliedSchedule] = []
    tried: set[int] = set()
    while (entry := _next_due(session, now(), tried)) is not None:
        tried.add(entry.id)
        if not _take(session, entry, now()):
            session.rollback()
            continue
        try:
            outcome = _apply(session, entry, now())
        except (ArticleConflict, MissingVariables, SiteConflict) as error:
            # Not applicable as things stand: say why in the schedule, and go on with the others.
            session.rollback()
            _take(session, entry, now())
            outcome = f"failed: {error}"
        session.execute(update(Schedule).where(Schedule.id == entry.id).values(outcome=outcome))
        session.commit()
        applied.append(AppliedSchedule(entry.id, entry.article_id, entry.action, outcome))
    return applied
