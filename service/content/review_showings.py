"""Where a version in review shows: each site (and each variant, where one may be dealt) that
would show it, with the document and overlays it would show and those it shows now. What the
desk renders (review_renditions) and what a reviewer may comment on (reviews) both read it."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.content.editing import find_article
from service.content.guardrails.checks import Source
from service.content.guardrails.findings import NO_LAYER, site_layers
from service.content.mapping import draft_document
from service.content.sites import list_sites
from service.models import Experiment, ExperimentStatus, Review, Site

Shown = tuple[dict[str, Any] | None, tuple[dict[str, Any], ...]]  # a document, and its overlays


@dataclass(frozen=True)
class Showing:
    """One place the version shows (`source` names it as the guardrails do): the document and
    overlays `shown` with it, and those `live` there now."""

    source: Source
    site: Site
    shown: Shown
    live: Shown


def _variants_on(session: Session, article_id: int, site: Site) -> list[tuple[str, str, dict[str, Any]]]:
    """(experiment, variant, overlay) of each variant a visitor of this site may be dealt."""
    experiments = session.scalars(
        select(Experiment).where(
            Experiment.article_id == article_id, Experiment.status != ExperimentStatus.STOPPED
        )
    )
    return [
        (experiment.key, variant.key, variant.overlay)
        for experiment in experiments
        if not experiment.sites or site.key in experiment.sites
        for variant in experiment.variants
    ]


def review_showings(session: Session, review: Review) -> list[Showing]:
    """The version in review as each site shows it (and each variant, where one may be
    dealt), each beside what that site shows now."""
    article = find_article(session, review.article_id)
    published = article.published_revision.document if article.published_revision else None
    base = published or draft_document(article)
    layers = site_layers(session, article.id, pending=False)
    showings = []
    for site in list_sites(session):
        layer = layers.get(site.id, [NO_LAYER])[0]
        overlay = layer.overlay
        if review.site_id is not None:  # an overlay: the article as its site would show it with it
            if site.id == review.site_id:
                source = Source(site.key, review.version, pending=review.version != layer.version)
                showings.append(Showing(source, site, (base, (review.document,)), (base, (overlay,))))
        elif review.experiment_id is not None:  # each variant against the article as the site shows it
            experiment = session.get(Experiment, review.experiment_id)
            if not experiment.sites or site.key in experiment.sites:
                for variant in review.document["variants"]:
                    source = Source(site.key, layer.version, experiment.key, variant["key"])
                    shown = (base, (overlay, variant["overlay"]))
                    showings.append(Showing(source, site, shown, (base, (overlay,))))
        else:
            source = Source(site.key, layer.version)
            showings.append(Showing(source, site, (review.document, (overlay,)), (published, (overlay,))))
            for experiment_key, variant_key, variant_overlay in _variants_on(session, article.id, site):
                source = Source(site.key, layer.version, experiment_key, variant_key)
                shown = (review.document, (overlay, variant_overlay))
                live = (published, (overlay, variant_overlay))
                showings.append(Showing(source, site, shown, live))
    return showings
