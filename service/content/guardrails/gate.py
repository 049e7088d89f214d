"""The gate every act that puts text before patients passes (publish, a schedule's publish,
restore and publish, a publishing import, an experiment start, an overlay's publish, and
submitting an article, an overlay version or an experiment's variants for review; a release
passes each of its items through theirs): no blocking finding may stand unless a reviewer's
override names it. Overriding is an act of its own, logged, kept with the article version it
was made on."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.content.audit import Actor
from service.content.editing import ArticleConflict, claim
from service.content.guardrails.checks import Finding
from service.content.guardrails.findings import (
    SiteLayer,
    findings_for,
    overlay_findings,
    variants_findings,
)
from service.content.guardrails.policy import current_policy
from service.content.mapping import draft_document
from service.models import Article, Experiment, FindingOverride, Revision, Site


class ClaimsBlocked(ArticleConflict):
    """Blocking findings stand and no override names them: a 409 that lists them."""

    def __init__(self, act: str, findings: list[Finding]) -> None:
        self.findings = findings
        listed = "; ".join(f"{finding.rule.id} at {finding.path}" for finding in findings)
        super().__init__(
            f"cannot {act}: {len(findings)} blocking finding(s) stand ({listed}). Fix them, or have a "
            "reviewer (a key with the reviewer capability) record an override with a reason"
        )


class NothingToOverride(ArticleConflict):
    """The article has no blocking finding."""


@dataclass(frozen=True)
class Passage:
    """What a revision keeps of the gate it passed."""

    rules_version: str
    override_id: int | None


# What a publishing act checks an article with, once the rest of publishing's checks pass.
Gate = Callable[[Article, dict[str, Any]], Passage]  # the article, and the document it would put out


def gate_for(session: Session, act: str) -> Gate:
    """The gate of `act` ("publish"), for freeze_revision to pass the article and the document
    it publishes through."""
    return lambda article, document: check_gate(session, article, act, document)


def latest_override(session: Session, article_id: int) -> FindingOverride | None:
    return session.scalar(
        select(FindingOverride)
        .where(FindingOverride.article_id == article_id)
        .order_by(FindingOverride.id.desc())
        .limit(1)
    )


def check_gate(
    session: Session, article: Article, act: str, document: dict[str, Any] | None = None
) -> Passage:
    """Let `act` go ahead on the article's draft (or on `document`, what it would put out), or
    raise ClaimsBlocked with every blocking finding no override names."""
    findings = findings_for(
        session, article.id, document if document is not None else draft_document(article)
    )
    return passage_for(session, article.id, act, findings)


def shown_document(article: Article) -> dict[str, Any]:
    """What an overlay or a variant goes out over: what is published, the draft if nothing is."""
    published = article.published_revision
    return published.document if published is not None else draft_document(article)


def check_overlay_gate(
    session: Session, article: Article, site: Site, overlay: dict[str, Any], version: int, act: str
) -> Passage:
    """Let `act` go ahead on version `version` of the site's overlay: the article as the site
    would show it with that version (and each variant it may deal over it)."""
    layer = SiteLayer(overlay, version, pending=True)
    findings = overlay_findings(session, article.id, shown_document(article), site, layer)
    return passage_for(session, article.id, act, findings)


def check_variants_gate(session: Session, article: Article, experiment: Experiment, act: str) -> Passage:
    """Let `act` go ahead on the experiment's variants as configured: each as it shows the
    article, alone and on each site it runs on."""
    findings = variants_findings(session, article.id, shown_document(article), experiment)
    return passage_for(session, article.id, act, findings)


def passage_for(session: Session, article_id: int | None, act: str, findings: list[Finding]) -> Passage:
    override = latest_override(session, article_id) if article_id is not None else None
    accepted = override.finding_ids if override is not None else set()
    standing = [finding for finding in findings if finding.blocks and finding.id not in accepted]
    if standing:
        raise ClaimsBlocked(act, standing)
    used = override is not None and any(finding.blocks for finding in findings)
    return Passage(current_policy().rules.fingerprint, override.id if used else None)


def named(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.id,
        "rule": finding.rule.id,
        "path": finding.path,
        "where": finding.where,
        "text": finding.text,
    }


def override_findings(
    session: Session,
    article: Article,
    *,
    reason: str,
    by: Actor,
    expected_version: int | None = None,
) -> FindingOverride:
    """Record that the article may go out with its blocking findings, as they stand now in
    the draft and in what is published (an experiment starts on that), each site's overlay
    version not yet published included, for `reason`."""
    claim(session, article, expected_version)
    findings = findings_for(session, article.id, draft_document(article), pending=True, every=True)
    if article.published_revision is not None:
        document = article.published_revision.document
        findings += findings_for(session, article.id, document, pending=True, every=True)
    blocking = {finding.id: named(finding) for finding in findings if finding.blocks}
    if not blocking:
        raise NothingToOverride("the article has no blocking finding to override")
    override = FindingOverride(
        article_id=article.id,
        article_version=article.version,
        rules_version=current_policy().rules.fingerprint,
        findings=list(blocking.values()),
        reason=reason,
        created_by=by.name,
    )
    session.add(override)
    session.flush()
    by.record(
        session,
        "findings.overridden",
        article,
        override=override.id,
        reason=reason,
        findings=[f"{item['rule']} at {item['path']}" for item in blocking.values()],
    )
    return override


def gate_state(findings: list[Finding], override: FindingOverride | None) -> str:
    """open (nothing blocks), overridden (the override names all that does) or blocked."""
    accepted = override.finding_ids if override is not None else set()
    blocking = [finding for finding in findings if finding.blocks]
    if not blocking:
        return "open"
    return "overridden" if all(finding.id in accepted for finding in blocking) else "blocked"


def findings_report(session: Session, article: Article, revision: Revision | None = None) -> dict[str, Any]:
    """What a reviewer reads: the findings of the draft (with those of each site's overlay
    version not yet published) or of a revision, whether publishing it would pass the gate
    (a pending overlay's findings gate that overlay, not this), and the latest override."""
    document = revision.document if revision is not None else draft_document(article)
    findings = findings_for(session, article.id, document, pending=revision is None)
    override = latest_override(session, article.id)
    gated = [finding for finding in findings if not finding.source.pending]
    return {
        "article_id": article.id,
        "revision": revision.number if revision is not None else None,
        "rules_version": current_policy().rules.fingerprint,
        "blocking": sum(finding.blocks for finding in gated),
        "gate": gate_state(gated, override),
        "findings": [finding.as_dict() for finding in findings],
        "override": override,
    }
