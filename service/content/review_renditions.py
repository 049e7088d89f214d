"""What a reviewer reads: the version in review as each site (and each variant) would show
it, beside what it shows now, with the paths of what changed, so the desk can mark them in
place, and the guardrails' findings on it. The article's text is rendered exactly as delivery
renders it (site_document, expanded, delivered_content)."""

from typing import Any

from sqlalchemy.orm import Session

from service.content.diff import diff_documents
from service.content.guardrails.findings import findings_in
from service.content.guardrails.gate import gate_state, latest_override
from service.content.placeholders import MissingVariables
from service.content.publishing import delivered_content, expanded
from service.content.review_showings import Showing, review_showings
from service.content.sites import site_document
from service.models import FindingOverride, Review


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


def _rendition(session: Session, showing: Showing, override: FindingOverride | None) -> dict[str, Any]:
    """One rendition: the version as `showing` shows it, against what is live there, with its
    findings (named as the gates name them), as delivery would send it (its people and images
    included). A site that cannot show it (a variable it lacks) is the problem the reviewer
    then reads."""
    source, site, shown, live = showing.source, showing.site, showing.shown, showing.live
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
        "document": delivered_content(expanded(session, document)),
        "changed": changed_paths(before, document),
        "problem": None,
        "findings": [finding.as_dict() for finding in findings],
        "gate": gate_state(findings, override),
    }


def review_renditions(session: Session, review: Review) -> list[dict[str, Any]]:
    """The version in review as each site shows it (and each variant, where one may be
    dealt), each beside what that site shows now."""
    override = latest_override(session, review.article_id)
    return [_rendition(session, showing, override) for showing in review_showings(session, review)]
