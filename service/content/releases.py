"""Releases: a named set of changes (approved article and site overlay versions, experiment
starts and stops) published all or nothing, now or at a time. One transaction, so delivery's
generation moves once; one `release.published` webhook naming everything it changed (the
events of its acts are gathered into it); and if any item fails its checks, nothing is
published. Each item is published by the very act that publishes it alone, through its
guardrails' gate: every item is tried, and the blocking findings of each one refused are
named (ReleaseBlocked).

The acts: create_release, publish_release, cancel_release; `flask apply-schedules` applies
the due ones (apply_due_releases)."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.content.audit import Actor
from service.content.editing import ArticleConflict, find_article
from service.content.errors import InvalidDocument
from service.content.experiments import ExperimentConflict, find_experiment, transition
from service.content.guardrails.checks import Finding
from service.content.guardrails.gate import ClaimsBlocked
from service.content.placeholders import MissingVariables
from service.content.publishing import publish_article
from service.content.reviews import STRICT, ReviewPolicy
from service.content.site_overlays import OverlayNotFound, publish_overlay
from service.content.sites import SiteConflict
from service.content.webhooks import announce, gathered_events
from service.models import Release, ReleaseStatus, Review, Site, WebhookEvent
from service.models.base import utcnow

# What makes an item fail its checks: the release then publishes nothing.
ITEM_FAILURES = (ArticleConflict, MissingVariables, SiteConflict, ExperimentConflict, OverlayNotFound)


class ReleaseConflict(Exception):
    """The release is not pending, or one of its items fails its checks."""


class ReleaseBlocked(ReleaseConflict):
    """Blocking findings stand on some items: a 409 that lists them item by item."""

    def __init__(self, release: Release, blocked: dict[int, list[Finding]]) -> None:
        self.items = [
            {"index": index, "item": release.items[index], "findings": findings}
            for index, findings in blocked.items()
        ]
        named = ", ".join(f"items[{index}] ({len(findings)})" for index, findings in blocked.items())
        super().__init__(
            f"release {release.id} published nothing: blocking findings stand on {named}. Fix them, or "
            "have a reviewer record an override with a reason"
        )


def _check_items(session: Session, items: list[dict[str, Any]]) -> None:
    """Each item names a review of an article or a site overlay, or an experiment to start or
    stop, that exists; InvalidDocument names each that does not by its index."""
    problems = {}
    for index, item in enumerate(items):
        if ("review" in item) == ("experiment" in item):
            problems[f"items[{index}]"] = ["Name a review, or an experiment and an action."]
        elif "review" in item:
            review = session.get(Review, item["review"])
            if review is None or review.experiment_id is not None:
                problems[f"items[{index}].review"] = ["No review of an article or site overlay has this id."]
        elif find_experiment(session, item["experiment"]) is None:
            problems[f"items[{index}].experiment"] = ["There is no such experiment."]
    if problems:
        raise InvalidDocument(problems)


def create_release(session: Session, data: dict[str, Any], *, by: Actor) -> Release:
    """A pending release: published by hand, or by the schedule runner at `at` if given."""
    _check_items(session, data["items"])
    release = Release(name=data["name"], items=data["items"], at=data.get("at"), created_by=by.name)
    session.add(release)
    session.flush()
    by.record(session, "release.created", release=release.id, items=release.items, at=_planned(release))
    return release


def _planned(release: Release) -> str | None:
    """When it was planned for, as the audit log keeps it (none: published by hand)."""
    return release.at.isoformat() if release.at else None


def cancel_release(session: Session, release: Release, *, by: Actor) -> None:
    if release.status != ReleaseStatus.PENDING:
        raise ReleaseConflict(f"release {release.id} is {release.status}: only a pending one is cancelled")
    by.record(session, "release.cancelled", release=release.id)
    session.delete(release)
    session.flush()


def _publish_item(
    session: Session, release: Release, item: dict[str, Any], by: Actor, policy: ReviewPolicy
) -> dict[str, Any]:
    """Publish one item with the act that publishes it alone; what changed, for the webhook."""
    if "experiment" in item:
        experiment = find_experiment(session, item["experiment"])
        transition(session, experiment, item["action"], by=by, policy=policy)
        return {"experiment": experiment.key, "action": item["action"]}
    review = session.get(Review, item["review"])
    article = find_article(session, review.article_id)
    if review.site_id is None:
        note = f"Release {release.name}"
        revision = publish_article(session, article, by=by, note=note, policy=policy, version=review.document)
        return {"review": review.id, "article": article.id, "slug": article.slug, "revision": revision.number}
    site = session.get(Site, review.site_id)
    version = publish_overlay(session, site, article, by=by, policy=policy, number=review.version)
    return {"review": review.id, "article": article.id, "site": site.key, "overlay_version": version.number}


def publish_release(
    session: Session, release: Release, *, by: Actor, policy: ReviewPolicy = STRICT
) -> Release:
    """Publish every item, or none: ReleaseConflict naming the item that failed, or
    ReleaseBlocked naming each item the guardrails refuse."""
    if release.status != ReleaseStatus.PENDING or not _taken(session, release):
        session.refresh(release)
        raise ReleaseConflict(f"release {release.id} is {release.status}, not pending")
    return _publish(session, release, by, policy)


def _taken(session: Session, release: Release) -> bool:
    """Whether this transaction took the pending release to publish it: whoever's UPDATE
    matches (a publish by hand, the runner on any host) publishes it; the others find it
    taken. A transaction rolled back gives it back, pending."""
    taken = session.execute(
        update(Release)
        .where(Release.id == release.id, Release.status == ReleaseStatus.PENDING)
        .values(status=ReleaseStatus.PUBLISHING)
        .execution_options(synchronize_session=False)
    )
    session.refresh(release)
    return taken.rowcount == 1


def _publish(session: Session, release: Release, by: Actor, policy: ReviewPolicy) -> Release:
    """publish_release's work, on a release checked pending or taken by the runner."""
    changes, blocked = [], {}
    index = 0
    try:
        with session.begin_nested(), gathered_events(session) as gathered:
            for index, item in enumerate(release.items):
                try:
                    changes.append(_publish_item(session, release, item, by, policy))
                except ClaimsBlocked as error:  # (refused before it wrote: try the rest)
                    blocked[index] = error.findings
            if blocked:
                raise ReleaseBlocked(release, blocked)  # (those published are rolled back)
    except ITEM_FAILURES as error:
        # (those before it were published, then rolled back)
        raise ReleaseConflict(f"release {release.id} published nothing: items[{index}]: {error}") from error
    release.status, release.published_at = ReleaseStatus.PUBLISHED, utcnow()
    release.outcome = f"published {len(changes)} changes"
    session.flush()
    stale = sorted({key for event in gathered for key in event["data"]["purge_keys"]})
    announce(
        session,
        WebhookEvent.RELEASE_PUBLISHED,
        purge_keys=stale,
        release={"id": release.id, "name": release.name},
        changes=changes,
    )
    by.record(session, "release.published", release=release.id, at=_planned(release), changes=changes)
    return release


def find_release(session: Session, release_id: int) -> Release | None:
    return session.get(Release, release_id)


def releases_query() -> Any:
    return select(Release).order_by(Release.created_at.desc(), Release.id.desc())


def apply_due_releases(
    session: Session, now: Callable[[], datetime] = utcnow, policy: ReviewPolicy = STRICT
) -> list[tuple[int, str]]:
    """Publish every pending release due by now, one transaction each; one that fails is
    marked failed, says why, and publishes nothing. Each keeps its planned `at`. (release id,
    outcome) for each."""
    applied = []
    while (
        release := session.scalar(
            select(Release)
            .where(Release.status == ReleaseStatus.PENDING, Release.at <= now())
            .order_by(Release.at, Release.id)
            .limit(1)
            .with_for_update()
        )
    ) is not None:
        if not _taken(session, release):  # (another host applying at once took it)
            session.rollback()
            continue
        by = Actor(None, release.created_by)
        try:
            _publish(session, release, by, policy)
        except ReleaseConflict as error:
            release.status, release.outcome = ReleaseStatus.FAILED, f"failed: {error}"
            by.record(session, "release.failed", release=release.id, reason=str(error))
            announce(
                session,
                WebhookEvent.SCHEDULE_FAILED,
                release={"id": release.id, "name": release.name},
                reason=str(error),
            )
        session.commit()
        applied.append((release.id, release.outcome))
    return applied
