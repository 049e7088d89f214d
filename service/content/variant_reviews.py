"""An experiment's variants as reviewed content: their overlays change the medical text the
visitors dealt them read, so they reach visitors only as a reviewer approved them. Variants
cannot change while an experiment is active, so the moment they go live is its start (or
restart): that needs the variants as configured approved, or the same variants to have run
before (approved then). Variants whose overlays change nothing need no review.

The act: submit_variants; transition (content.experiments) calls variants_go_live."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.content.audit import Actor
from service.content.diff import diff_overlays
from service.content.guardrails.gate import check_variants_gate
from service.content.review_state import content_hash, void_reviews, with_author
from service.content.reviews import ReviewConflict, ReviewPolicy, approval_for, open_review
from service.models import Article, Experiment, Review, ReviewStatus


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
        0,  # (an experiment has no version number: its document is what is pinned)
        variants_document(experiment),
        experiment.draft_authors,
        by=by,
        note=note,
        experiment_id=experiment.id,
        override=passage.override_id,
    )


def variants_changed(
    session: Session, experiment: Experiment, before: dict[str, Any], key_id: int | None
) -> dict[str, Any]:
    """Note that `key_id` configured the variants, void reviews of other variants, and say
    what changed, for the change's audit entry."""
    after = variants_document(experiment)
    experiment.draft_authors = with_author(experiment.draft_authors, key_id)
    voided = void_reviews(session, experiment.article_id, None, {content_hash(after)}, experiment.id)
    details: dict[str, Any] = {"diff": diff_overlays(before, after)} if before != after else {}
    return details | ({"voided_reviews": voided} if voided else {})


def variants_go_live(session: Session, experiment: Experiment, policy: ReviewPolicy) -> int | None:
    """Before an experiment starts: its variants must be approved as they are (or have run
    before, or change nothing); the approving review is then published. Its id, if any."""
    experiment.draft_authors = []
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
