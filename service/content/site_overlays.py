"""Site overlays as content: each save is a numbered version (history, diff, restore), and
visitors see only the version published, which under REVIEW_REQUIRED a reviewer approved
exactly as it is. The audit log records each change as a diff.

The acts, one function each: save_overlay (restore_overlay saves an old version again),
submit_overlay and publish_overlay; reviewers decide with content.reviews' acts."""

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.content.audit import Actor
from service.content.diff import diff_overlays
from service.content.editing import ArticleConflict, VersionConflict
from service.content.guardrails.gate import check_overlay_gate
from service.content.image_references import resolve_assets
from service.content.mapping import draft_document
from service.content.overlay import check_overlay
from service.content.people import check_overlays_people
from service.content.placeholders import MissingVariables
from service.content.review_state import content_hash, void_reviews, with_author
from service.content.reviews import ReviewConflict, ReviewPolicy, approval_for, open_review
from service.content.sites import needed_variables
from service.content.webhooks import announce
from service.models import Article, OverlayVersion, Review, ReviewStatus, Site, SiteOverlay, WebhookEvent
from service.models.base import utcnow

# An overlay that changes nothing, in the shape a saved one has: what a diff starts from.
NO_OVERLAY: dict[str, Any] = {"fields": {}, "children": {}, "hide": {}, "order": {}}


class OverlayNotFound(LookupError):
    """The site has no overlay (or no such version of it) for the article."""


class NothingToPublishHere(ArticleConflict):
    """The overlay's latest version is the one delivery applies already."""


def find_overlay(session: Session, site: Site, article_id: int) -> SiteOverlay | None:
    return session.scalar(
        select(SiteOverlay).where(SiteOverlay.site_id == site.id, SiteOverlay.article_id == article_id)
    )


def _held(session: Session, site: Site, article_id: int, expected: int | None = None) -> SiteOverlay:
    """The overlay, locked for one act (its numbers stay): two saves cannot take one number.
    With the latest version number its writer read (`expected`), checked in the same UPDATE:
    VersionConflict if another save came first."""
    row = find_overlay(session, site, article_id)
    if row is None:
        raise OverlayNotFound(f"site {site.key} has no overlay for article {article_id}")
    hold = update(SiteOverlay).where(SiteOverlay.id == row.id)
    if expected is not None:
        hold = hold.where(SiteOverlay.draft_version == expected)
    held = session.execute(
        hold.values(draft_version=SiteOverlay.draft_version).execution_options(synchronize_session=False)
    )
    if held.rowcount != 1:
        raise VersionConflict("the overlay changed while this change was being made")
    session.refresh(row)
    return row


def draft_number(session: Session, site: Site, article_id: int) -> int:
    """The number of the overlay's latest version (0: none yet): what its ETag names."""
    row = find_overlay(session, site, article_id)
    return row.draft_version if row else 0


def find_version(session: Session, row: SiteOverlay, number: int) -> OverlayVersion:
    version = session.scalar(
        select(OverlayVersion).where(
            OverlayVersion.site_overlay_id == row.id, OverlayVersion.number == number
        )
    )
    if version is None:
        raise OverlayNotFound(f"the overlay has no version {number}")
    return version


def overlay_versions(session: Session, row: SiteOverlay) -> list[OverlayVersion]:
    """The overlay's history, newest first."""
    return list(
        session.scalars(
            select(OverlayVersion)
            .where(OverlayVersion.site_overlay_id == row.id)
            .order_by(OverlayVersion.number.desc())
        )
    )


def latest_overlay(session: Session, site: Site, article_id: int) -> dict[str, Any]:
    """The overlay as last saved (the working copy); empty if there is none."""
    row = find_overlay(session, site, article_id)
    if row is None or row.draft_version == 0:
        return row.overlay if row else {}
    return find_version(session, row, row.draft_version).overlay


def _check_fits(session: Session, site: Site, article: Article, overlay: dict[str, Any]) -> None:
    """The overlay must fit the article's draft, and the site have every variable it needs to
    show the published article with it; the images it shows must be in the library."""
    check_overlay(draft_document(article), overlay)
    resolve_assets(session, overlay.get("fields", {}))
    check_overlays_people(session, {"fields": overlay.get("fields", {})})
    published = article.published_revision
    if published is not None:
        lacking = (
            needed_variables(session, site, article.id, published.document, overlay) - site.variables.keys()
        )
        if lacking:
            raise MissingVariables({site.key: sorted(lacking)})


def save_overlay(
    session: Session,
    site: Site,
    article: Article,
    overlay: dict[str, Any],
    *,
    by: Actor,
    policy: ReviewPolicy,
    restored: int | None = None,
    expected_version: int | None = None,
) -> OverlayVersion:
    """Save the overlay as its next version, a draft: delivery keeps applying the published
    one. Without REVIEW_REQUIRED it is published at once. `expected_version`: the latest
    version's number as its caller read it (None: whatever is latest). The same overlay as the
    latest version saves nothing and logs nothing: that version is the answer."""
    _check_fits(session, site, article, overlay)
    if find_overlay(session, site, article.id) is None:
        session.add(SiteOverlay(site_id=site.id, article_id=article.id, overlay=NO_OVERLAY))
        session.flush()
    row = _held(session, site, article.id, expected_version)
    latest = find_version(session, row, row.draft_version) if row.draft_version else None
    digest = content_hash(overlay)
    if latest is not None and latest.content_hash == digest:
        return latest
    before = latest.overlay if latest is not None else row.overlay
    version = OverlayVersion(
        site_overlay_id=row.id,
        number=row.draft_version + 1,
        overlay=overlay,
        content_hash=digest,
        created_by=by.name,
    )
    session.add(version)
    row.draft_version = version.number
    row.draft_authors = with_author(row.draft_authors, by.key.id if by.key else None)
    session.flush()
    voided = void_reviews(session, article.id, site.id, {version.content_hash})
    details = {"restored": restored} if restored is not None else {}
    by.record(
        session,
        "site.overlay_saved",
        article,
        site=site.key,
        version=version.number,
        diff=diff_overlays(before, overlay),
        **details,
        **({"voided_reviews": voided} if voided else {}),
    )
    if not policy.required and row.published_version != version.number:
        publish_overlay(session, site, article, by=by, policy=policy)
    return version


def restore_overlay(
    session: Session, site: Site, article: Article, number: int, *, by: Actor, policy: ReviewPolicy
) -> OverlayVersion:
    """Save an old version again, as the next one (to be reviewed and published as any)."""
    row = _held(session, site, article.id)
    old = find_version(session, row, number)
    return save_overlay(session, site, article, old.overlay, by=by, policy=policy, restored=number)


def submit_overlay(
    session: Session, site: Site, article: Article, *, by: Actor, note: str | None = None
) -> Review:
    """Hand the overlay's latest version in for review, once the article as the site would
    show it with that version passes the guardrails' gate."""
    row = _held(session, site, article.id)
    if row.draft_version in (0, row.published_version):
        raise ReviewConflict("nothing to review: delivery applies the overlay's latest version already")
    version = find_version(session, row, row.draft_version)
    act = "submit the overlay for review"
    passage = check_overlay_gate(session, article, site, version.overlay, version.number, act)
    return open_review(
        session,
        article,
        site.id,
        version.number,
        version.overlay,
        row.draft_authors,
        by=by,
        note=note,
        override=passage.override_id,
    )


def publish_overlay(
    session: Session,
    site: Site,
    article: Article,
    *,
    by: Actor,
    policy: ReviewPolicy,
    number: int | None = None,
) -> OverlayVersion:
    """Make the overlay's latest version (or version `number`, a release's) the one delivery
    applies; under the policy, only if a reviewer approved exactly that version, and only
    through the guardrails' gate."""
    row = _held(session, site, article.id)
    number = row.draft_version if number is None else number
    if number in (0, row.published_version):
        raise NothingToPublishHere("nothing to publish: delivery applies that overlay version already")
    version = find_version(session, row, number)
    _check_fits(session, site, article, version.overlay)
    review = approval_for(session, article, version.overlay, policy, site_id=site.id)
    passage = check_overlay_gate(
        session, article, site, version.overlay, version.number, "publish the overlay"
    )
    before = row.overlay
    row.overlay, row.published_version, row.draft_authors = version.overlay, version.number, []
    version.published_at, version.published_by = utcnow(), by.name
    if review is not None:
        review.status, review.published_revision = ReviewStatus.PUBLISHED, version.number
    session.flush()
    by.record(
        session,
        "site.overlay_published",
        article,
        site=site.key,
        version=version.number,
        review=review.id if review else None,
        diff=diff_overlays(before, version.overlay),
        **({"override": passage.override_id} if passage.override_id is not None else {}),
    )
    announce(session, WebhookEvent.OVERLAY_PUBLISHED, article=article, site=site.key)
    return version
