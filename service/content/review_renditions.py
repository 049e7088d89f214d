"""What a reviewer reads: the version in review as each site (and each variant) would show
it, beside what it shows now, with the paths of what changed, so the desk can mark them in
place, and the guardrails' findings on it. The article's text is rendered exactly as delivery
renders it (site_document, with_html)."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.content.diff import diff_documents
from service.content.editing import find_article
from service.content.guardrails.checks import Source
from service.content.guardrails.findings import NO_LAYER, findings_in, site_layers
from service.content.guardrails.gate import gate_state, latest_override
from service.content.mapping import draft_document
from service.content.markdown import with_html
from service.content.placeholders import MissingVariables
from service.content.sites import list_sites, site_document
from service.models import Experiment, ExperimentStatus, FindingOverride, Review, Site


def changed_paths(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    """Where two documents differ: `title`, `call_to_action.heading`, `faqs.<key>` (a child
    added or moved), `faqs.<key>.answer`."""
    diff = diff_documents(before or {}, after)
    paths = [change["field"] for change in diff["fields"]]
    for kind, changes in diff["children"].items():
        paths += [f"{kind}.{key}" for key in changes["added"]]
        paths += [f"{kind}.{moved['key']}" for moved in changes["moved"]]
        paths += [
            f"{kind}.{child['key']}.{field['field']}"
            for child in changes["changed"]
            for field in child["fields"]
        ]
    return sorted(set(paths))


Shown = tuple[dict[str, Any] | None, tuple[dict[str, Any], ...]]  # a document, and its overlays


def _rendition(
    source: Source, site: Site, shown: Shown, live: Shown, override: FindingOverride | None
) -> dict[str, Any]:
    """One rendition (`source` names it): the version as `shown` makes it, against what is
    `live` (a document and the overlays on it, the site's then a variant's), with its findings
    (named as the gates name them). A site that cannot show it (a variable it lacks) is the
    problem the reviewer then reads."""
    variant = f"{source.experiment}/{source.variant}" if source.experiment else None
    try:
        document = site_document(shown[0], site, *shown[1])
    except MissingVariables as error:
        return {
            "site": site.key,
            "variant": variant,
            "document": None,
            "changed": [],
            "problem": str(error),
            "findings": [],
            "gate": None,
        }
    try:
        before = site_document(live[0], site, *live[1]) if live[0] is not None else None
    except MissingVariables:
        before = None
    findings = findings_in(shown[0], [(source, document)])
    return {
        "site": site.key,
        "variant": variant,
        "document": with_html(document),
        "changed": changed_paths(before, document),
        "problem": None,
        "findings": [finding.as_dict() for finding in findings],
        "gate": gate_state(findings, override),
    }


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


def review_renditions(session: Session, review: Review) -> list[dict[str, Any]]:
    """The version in review as each site shows it (and each variant, where one may be
    dealt), each beside what that site shows now."""
    article = find_article(session, review.article_id)
    published = article.published_revision.document if article.published_revision else None
    base = published or draft_document(article)
    layers = site_layers(session, article.id, pending=False)
    override = latest_override(session, article.id)
    renditions = []
    for site in list_sites(session):
        layer = layers.get(site.id, [NO_LAYER])[0]
        overlay = layer.overlay
        if review.site_id is not None:  # an overlay: the article as its site would show it with it
            if site.id == review.site_id:
                source = Source(site.key, review.version, pending=review.version != layer.version)
                shown = (base, (review.document,))
                renditions.append(_rendition(source, site, shown, (base, (overlay,)), override))
        elif review.experiment_id is not None:  # each variant against the article as the site shows it
            experiment = session.get(Experiment, review.experiment_id)
            if not experiment.sites or site.key in experiment.sites:
                for variant in review.document["variants"]:
                    source = Source(site.key, layer.version, experiment.key, variant["key"])
                    shown = (base, (overlay, variant["overlay"]))
                    renditions.append(_rendition(source, site, shown, (base, (overlay,)), override))
        else:
            source = Source(site.key, layer.version)
            shown, live = (review.document, (overlay,)), (published, (overlay,))
            renditions.append(_rendition(source, site, shown, live, override))
            for experiment_key, variant_key, variant_overlay in _variants_on(session, article.id, site):
                source = Source(site.key, layer.version, experiment_key, variant_key)
                shown = (review.document, (overlay, variant_overlay))
                live = (published, (overlay, variant_overlay))
                renditions.append(_rendition(source, site, shown, live, override))
    return renditions
