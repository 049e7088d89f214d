"""An experiment's variants as versioned content: each configuration of them is a numbered
version (saved by content.variant_reviews.variants_changed), listed, compared and restored
like a site overlay's. Visitors see the version that went live when the experiment started.

The act: restore_variants (to be reviewed and started as any configuration)."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.content.audit import Actor
from service.content.experiments import ExperimentConflict, change_experiment
from service.content.review_state import content_hash
from service.content.variant_reviews import variants_document
from service.models import Experiment, VariantsVersion


class VariantsVersionNotFound(LookupError):
    """The experiment has no such version of its variants."""


def variants_versions(session: Session, experiment: Experiment) -> list[VariantsVersion]:
    """The variants' history, newest first."""
    return list(
        session.scalars(
            select(VariantsVersion)
            .where(VariantsVersion.experiment_id == experiment.id)
            .order_by(VariantsVersion.number.desc())
        )
    )


def find_variants_version(session: Session, experiment: Experiment, number: int) -> VariantsVersion:
    version = session.scalar(
        select(VariantsVersion).where(
            VariantsVersion.experiment_id == experiment.id, VariantsVersion.number == number
        )
    )
    if version is None:
        raise VariantsVersionNotFound(f"experiment {experiment.key!r} has no variants version {number}")
    return version


def variants_of(session: Session, experiment: Experiment, name: str) -> dict[str, Any]:
    """Version `name` (a number, or `draft`: the latest) of the variants."""
    number = experiment.variants_version if name == "draft" else int(name)
    return find_variants_version(session, experiment, number).document


def restore_variants(session: Session, experiment: Experiment, number: int, *, by: Actor) -> VariantsVersion:
    """Configure the variants as version `number` had them, saved as the next version: checked
    against the article and the sites as any change is, and refused while the experiment is
    active (visitors would move between variants)."""
    old = find_variants_version(session, experiment, number)
    if old.content_hash == content_hash(variants_document(experiment)):
        raise ExperimentConflict(f"the variants are configured as version {number} has them already")
    data = {
        "key": experiment.key,
        "article_id": experiment.article_id,
        "sites": experiment.sites,
        "variants": old.document["variants"],
    }
    change_experiment(session, experiment, data, by=by, restored=number)
    return find_variants_version(session, experiment, experiment.variants_version)
