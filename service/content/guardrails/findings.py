"""An article's findings as every visitor could meet them: its document as written, then as
each site serves it (overlays and {{site.*}} values change the text) and as each variant of
its experiments shows it. A rendering adds only the findings the article itself lacks."""

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from service.content.errors import InvalidDocument
from service.content.guardrails.checks import Finding, check_document
from service.content.guardrails.policy import current_policy
from service.content.overlay import apply_overlay
from service.content.people import with_people
from service.content.placeholders import MissingVariables
from service.content.sites import list_sites, overlays_of, site_document
from service.models import Experiment, ExperimentStatus
from service.models.base import utcnow


def _experiments(session: Session, article_id: int | None) -> list[Experiment]:
    """The article's experiments that visitors may be assigned to (any not stopped)."""
    if article_id is None:
        return []
    return list(
        session.scalars(
            select(Experiment)
            .options(selectinload(Experiment.variants))
            .where(Experiment.article_id == article_id, Experiment.status != ExperimentStatus.STOPPED)
            .order_by(Experiment.key)
        )
    )


def _renderings(
    session: Session, article_id: int | None, document: dict[str, Any]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, document) for each variant, each site, and each variant on each site that
    shows it; a rendering that cannot be made is left to publishing's own checks, which name
    what is missing."""
    variants = [
        (experiment, variant)
        for experiment in _experiments(session, article_id)
        for variant in experiment.variants
    ]
    for experiment, variant in variants:
        yield f"variant {experiment.key}/{variant.key}", apply_overlay(document, variant.overlay)
    overlays = overlays_of(session, article_id) if article_id is not None else {}
    for site in list_sites(session):
        layers = [(f"site {site.key}", ())]
        layers += [
            (f"site {site.key}, variant {experiment.key}/{variant.key}", (variant.overlay,))
            for experiment, variant in variants
            if not experiment.sites or site.key in experiment.sites
        ]
        for where, variant_overlays in layers:
            try:
                yield where, site_document(document, site, overlays.get(site.id, {}), *variant_overlays)
            except (MissingVariables, InvalidDocument):
                continue


def findings_for(
    session: Session, article_id: int | None, document: dict[str, Any], today: date | None = None
) -> list[Finding]:
    """Every finding on the document and its renderings, under the rules in force (the people
    it names as their records say: a reviewer's credentials)."""
    document = with_people(session, document)
    policy = current_policy()
    rules, today = policy.rules, today or utcnow().date()
    found = check_document(rules, document, today, policy.review_max_age_days)
    seen = {(finding.rule.id, finding.path, finding.text) for finding in found}
    for where, rendered in _renderings(session, article_id, document):
        for finding in check_document(rules, rendered, today, policy.review_max_age_days):
            if (finding.rule.id, finding.path, finding.text) not in seen:
                seen.add((finding.rule.id, finding.path, finding.text))
                found.append(finding.rendered_in(where))
    return found
