"""What a reviewer's comment may point at, spelt as the renditions' diff spells what changed
(`faqs.<key>.answer`, `comparisons.<key>.rows[<row>].cells[<column>]`): any part of the article
as a site or variant would show the version in review, and an overlay's or variants' own
members. A comment on anything else is refused (request_changes)."""

from typing import Any

from sqlalchemy.orm import Session

from service.content.comparisons import addressed_values
from service.content.document import CHILD_MODELS, KEYED_LISTS
from service.content.placeholders import MissingVariables
from service.content.review_showings import review_showings
from service.content.sites import site_document
from service.models import Review


def overlay_targets(overlay: dict[str, Any], prefix: str = "") -> set[str]:
    """An overlay's own members, at any depth, by their path (`fields.title`,
    `children.faqs.time-to-results.answer`)."""
    targets = set()
    for name, value in overlay.items():
        targets.add(f"{prefix}{name}")
        if isinstance(value, dict):
            targets |= overlay_targets(value, f"{prefix}{name}.")
    return targets


def _child_targets(kind: str, child: dict[str, Any]) -> set[str]:
    """A child's fields, and a comparison's every value, row and column by the path its diff
    names them with (`comparisons.<key>.rows[<row>].cells[<column>]`)."""
    prefix = f"{kind}.{child['key']}."
    targets = overlay_targets({name: value for name, value in child.items() if name != "key"}, prefix)
    if kind == "comparisons":
        targets |= {f"{prefix}{path}" for path, _ in addressed_values(child)}
        for name in KEYED_LISTS[kind]:
            targets |= {f"{prefix}{name}[{item['key']}]" for item in child[name]}
    return targets


def comment_targets(document: dict[str, Any]) -> set[str]:
    """What a comment on an article document may point at, spelt as its diff spells what
    changed: each field (and each member of an object field, at any depth), each child by kind
    and key, and each field of a child (a comparison's each value)."""
    targets = set()
    for name, value in document.items():
        if name in CHILD_MODELS:
            for child in value:
                targets |= {f"{name}.{child['key']}", *_child_targets(name, child)}
        else:
            targets |= overlay_targets({name: value})
    return targets


def review_targets(session: Session, review: Review) -> set[str]:
    """What a comment on this review's version may point at: "" (the whole), and any part of
    the article as a site (or variant) would show it with this version; for an overlay or
    variants, their own members too (`fields.title`, `variants.<key>.overlay.fields.title`)."""
    targets = {""}
    if review.site_id is not None:
        targets |= overlay_targets(review.document)
    elif review.experiment_id is not None:  # {"variants": [{"key", "name", "weight", "overlay"}]}
        for variant in review.document["variants"]:
            targets |= {f"variants.{variant['key']}"}
            targets |= overlay_targets(variant["overlay"], f"variants.{variant['key']}.overlay.")
    else:
        targets |= comment_targets(review.document)
    for showing in review_showings(session, review):
        document, overlays = showing.shown
        try:
            targets |= comment_targets(site_document(document, showing.site, *overlays))
        except MissingVariables:  # that site cannot show it: its renditions say why
            continue
    return targets
