"""An article's findings as every visitor could meet them: its document as written, then as
each site serves it (overlays and {{site.*}} values change the text) and as each variant of
its experiments shows it. A rendering adds only the findings the article itself lacks.

What is pending is checked too when asked (the findings report, an override): each site's
latest saved overlay version that is not yet published. Submitting or publishing one overlay
version, or an experiment's variants, checks that rendering alone (overlay_findings,
variants_findings)."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, selectinload

from service.content.errors import InvalidDocument
from service.content.guardrails.checks import Finding, Source, check_document
from service.content.guardrails.policy import current_policy
from service.content.overlay import apply_overlay
from service.content.people import named_people, with_people
from service.content.placeholders import MissingVariables
from service.content.sites import list_sites, site_document
from service.models import Experiment, ExperimentStatus, OverlayVersion, Site, SiteOverlay, Variant
from service.models.base import utcnow

Rendering = tuple[Source, dict[str, Any]]
Dealt = list[tuple[Experiment, Variant]]  # the variants a visitor may be dealt


@dataclass(frozen=True)
class SiteLayer:
    """What a site puts over the article: an overlay, its version (None: none saved), and
    whether that version is saved but not yet published."""

    overlay: dict[str, Any]
    version: int | None = None
    pending: bool = False


NO_LAYER = SiteLayer({})


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


def _dealt(experiments: Iterable[Experiment]) -> Dealt:
    return [(experiment, variant) for experiment in experiments for variant in experiment.variants]


def site_layers(session: Session, article_id: int, *, pending: bool) -> dict[int, list[SiteLayer]]:
    """By site id: the overlay each site publishes for the article, then (`pending`) its
    latest saved version if that is not the published one."""
    layers: dict[int, list[SiteLayer]] = {}
    rows = session.execute(
        select(SiteOverlay.site_id, SiteOverlay.overlay, SiteOverlay.published_version).where(
            SiteOverlay.article_id == article_id
        )
    )
    for site_id, overlay, published in rows:
        layers[site_id] = [SiteLayer(overlay, published)]
    if pending:
        drafts = session.execute(
            select(SiteOverlay.site_id, OverlayVersion.number, OverlayVersion.overlay)
            .join(
                OverlayVersion,
                and_(
                    OverlayVersion.site_overlay_id == SiteOverlay.id,
                    OverlayVersion.number == SiteOverlay.draft_version,
                ),
            )
            .where(
                SiteOverlay.article_id == article_id,
                SiteOverlay.draft_version != func.coalesce(SiteOverlay.published_version, 0),
            )
        )
        for site_id, number, overlay in drafts:
            layers[site_id].append(SiteLayer(overlay, number, pending=True))
    return layers


def _on_site(
    document: dict[str, Any], site: Site, layer: SiteLayer, dealt: Dealt, *, bare: bool = True
) -> Iterator[Rendering]:
    """The document as the site shows it with `layer` (if `bare`), and with each variant on top
    that the site may deal; one that cannot be made is left to publishing's own checks, which
    name what is missing."""
    shown: list[tuple[Experiment | None, Variant | None]] = [(None, None)] if bare else []
    shown += [(e, v) for e, v in dealt if not e.sites or site.key in e.sites]
    for experiment, variant in shown:
        source = Source(
            site.key,
            layer.version,
            experiment.key if experiment else None,
            variant.key if variant else None,
            layer.pending,
        )
        try:
            overlays = (layer.overlay, variant.overlay) if variant else (layer.overlay,)
            yield source, site_document(document, site, *overlays)
        except (MissingVariables, InvalidDocument):
            continue


def _renderings(
    session: Session, article_id: int | None, document: dict[str, Any], *, pending: bool
) -> Iterator[Rendering]:
    """Each variant, each site, and each variant on each site; then the same over each site's
    pending overlay (last: a finding publishing meets is named as publishing meets it)."""
    dealt = _dealt(_experiments(session, article_id))
    for experiment, variant in dealt:
        yield Source(experiment=experiment.key, variant=variant.key), apply_overlay(document, variant.overlay)
    layers = site_layers(session, article_id, pending=pending) if article_id is not None else {}
    sites = list_sites(session)
    for site in sites:
        yield from _on_site(document, site, layers.get(site.id, [NO_LAYER])[0], dealt)
    for site in sites:
        for layer in layers.get(site.id, [])[1:]:
            yield from _on_site(document, site, layer, dealt)


def _own_people(
    session: Session, document: dict[str, Any], renderings: Iterable[Rendering]
) -> Iterator[Rendering]:
    """Each rendering with the people it names itself: an overlay or a variant may name another
    medical reviewer, whose credentials are the ones its rendering is checked against."""
    for source, rendered in renderings:
        if named_people(rendered) != named_people(document):
            rendered = with_people(session, rendered)
        yield source, rendered


def findings_in(
    document: dict[str, Any],
    renderings: Iterable[Rendering],
    today: date | None = None,
    *,
    every: bool = False,
) -> list[Finding]:
    """The document's findings, then each rendering's that the ones before lack; with
    `every`, each rendering's that the document lacks (what an override names: a gate that
    tries some of the renderings then names what it finds as they do)."""
    policy = current_policy()
    rules, today = policy.rules, today or utcnow().date()
    found = check_document(rules, document, today, policy.review_max_age_days)
    own = {(finding.rule.id, finding.path, finding.text) for finding in found}
    seen = set(own)
    for source, rendered in renderings:
        seen = set(own) if every else seen
        for finding in check_document(rules, rendered, today, policy.review_max_age_days):
            if (finding.rule.id, finding.path, finding.text) not in seen:
                seen.add((finding.rule.id, finding.path, finding.text))
                found.append(finding.rendered_in(source))
    return found


def findings_for(
    session: Session,
    article_id: int | None,
    document: dict[str, Any],
    today: date | None = None,
    *,
    pending: bool = False,
    every: bool = False,
) -> list[Finding]:
    """Every finding on the document and its renderings, under the rules in force; with
    `pending`, the renderings with each site's overlay version not yet published too (and
    with `every`, as findings_in). The people the document names are read as their records
    say (a reviewer's credentials), each rendering's as it names them, here and in each
    function below."""
    document = with_people(session, document)
    renderings = _renderings(session, article_id, document, pending=pending)
    return findings_in(document, _own_people(session, document, renderings), today, every=every)


def overlay_findings(
    session: Session, article_id: int, document: dict[str, Any], site: Site, layer: SiteLayer
) -> list[Finding]:
    """The document's findings as the site would show it with `layer` (an overlay version),
    alone and under each variant the site may deal."""
    document = with_people(session, document)
    dealt = _dealt(_experiments(session, article_id))
    return findings_in(document, _own_people(session, document, _on_site(document, site, layer, dealt)))


def variants_findings(
    session: Session, article_id: int, document: dict[str, Any], experiment: Experiment
) -> list[Finding]:
    """The document's findings as each of the experiment's variants shows it, as configured:
    on its own, and on each site it runs on (over that site's published overlay)."""
    document = with_people(session, document)
    dealt = _dealt([experiment])
    layers = site_layers(session, article_id, pending=False)

    def renderings() -> Iterator[Rendering]:
        for _, variant in dealt:
            source = Source(experiment=experiment.key, variant=variant.key)
            yield source, apply_overlay(document, variant.overlay)
        for site in list_sites(session):
            layer = layers.get(site.id, [NO_LAYER])[0]
            yield from _on_site(document, site, layer, dealt, bare=False)

    return findings_in(document, _own_people(session, document, renderings()))
