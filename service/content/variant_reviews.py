"""An experiment's variants as reviewed content: their overlays change the medical text the
visitors dealt them read, so they reach visitors only as a reviewer approved them. Variants
cannot change while an experiment is active, so the moment they go live is its start (or
restart): that needs the variants as configured approved, or the same variants to have run
before (approved then). Variants whose overlays change nothing need no review. Each change
of them is saved as a numbered version (content.variant_versions: history, diff, restore).

The act: submit_variants; the experiments' acts call variants_changed and variants_go_live."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.content.audit import Actor
from service.content.diff import diff_variants
from service.content.guardrails.gate import check_variants_gate
from service.content.review_state import content_hash, void_reviews, with_author
from service.content.reviews import ReviewConflict, ReviewPolicy, approval_for, open_review
from service.models import Article, Experiment, Review, ReviewStatus, VariantsVersion
from service.models.base import utcnow


def variants_document(experiment: Experiment) -> dict[str, Any]:
    """What a review of the variants pins: each variant as configured, overlay included."""
    return {
        "variants": [
            {"key": v.key, "name": v.name, "weight": v.weight, "overlay": v.overlay}
            for v in experiment.variants
        ]
    }


def _change_nothing(experiment: Experiment) -> bool:
    return not any(value for variant in experiment.variants for value in (variant.overlay or {}).values())


def submit_variants(
    session: Session, experiment: Experiment, *, by: Actor, note: str | None = None
) -> Review:
    """Hand the experiment's variants in for review, as they are configured now, once each
    variant's rendering of the article passes the guardrails' gate."""
    if _change_nothing(experiment):
        raise ReviewConflict("nothing to review: no variant's overlay changes the article")
    article = session.get(Article, experiment.article_id)
    passage = check_variants_gate(session, article, experiment, "submit the variants for review")
    return open_review(
        session,
        article,
        None,
        experiment.variants_version,
        variants_document(experiment),
        experiment.draft_authors,
        by=by,
        note=note,
        experiment_id=experiment.id,
        override=passage.override_id,
    )


def variants_changed(
    session: Session, experiment: Experiment, before: dict[str, Any], by: Actor
) -> dict[str, Any]:
    """After a configuration: if the variants changed, save them as the next version, note
    who configured them and void reviews of other variants. What changed, for the change's
    audit entry."""
    after = variants_document(experiment)
    if before == after:
        return {}
    digest = content_hash(after)
    experiment.variants_version += 1
    session.add(
        VariantsVersion(
            experiment_id=experiment.id,
            number=experiment.variants_version,
            document=after,
            content_hash=digest,
            created_by=by.name,
        )
    )
    experiment.draft_authors = with_author(experiment.draft_authors, by.key.id if by.key else None)
    voided = void_reviews(session, experiment.article_id, None, {digest}, experiment.id)
    details = {"variants_version": experiment.variants_version, "diff": diff_variants(before, after)}
    return details | ({"voided_reviews": voided} if voided else {})


def _went_live(session: Session, experiment: Experiment, by: Actor) -> None:
    """Visitors see the variants' latest version from now on."""
    experiment.live_variants_version = experiment.variants_version
    version = session.scalar(
        select(VariantsVersion).where(
            VariantsVersion.experiment_id == experiment.id,
            VariantsVersion.number == experiment.variants_version,
        )
    )
    if version is not None and version.published_at is None:
        version.published_at, version.published_by = utcnow(), by.name


def variants_go_live(session: Session, experiment: Experiment, policy: ReviewPolicy, by: Actor) -> int | None:
    """Before an experiment starts: its variants must be approved as they are (or have run
    before, or change nothing); the approving review is then published and their version is
    the live one. The review's id, if any."""
    review = _approval(session, experiment, policy)
    experiment.draft_authors = []
    _went_live(session, experiment, by)
    return review


def _approval(session: Session, experiment: Experiment, policy: ReviewPolicy) -> int | None:
    if _change_nothing(experiment):
        return None
    document = variants_document(experiment)
    ran_before = session.scalar(
        select(Review.id).where(
            Review.experiment_id == experiment.id,
            Review.content_hash == content_hash(document),
            Review.status == ReviewStatus.PUBLISHED,
        )
    )
    if ran_before is not None:
        return ran_before
    article = session.get(Article, experiment.article_id)
    review = approval_for(session, article, document, policy, experiment_id=experiment.id)
    if review is None:
        return None
    review.status = ReviewStatus.PUBLISHED
    return review.id
