"""Schemas of the guardrails' resources: an article's findings, overrides, and re-reviews due."""

import marshmallow as ma
from marshmallow import fields

from service.content.text_fields import text_field
from service.errors import FindingSchema
from service.models.lengths import OVERRIDE_REASON_LENGTH
from service.openapi import sent_in_full


class OverriddenFindingSchema(ma.Schema):
    id = fields.String()
    rule = fields.String()
    path = fields.String()
    where = fields.String()
    text = fields.String()


@sent_in_full
class OverrideSchema(ma.Schema):
    id = fields.Integer()
    article_version = fields.Integer(metadata={"description": "The draft version it was made on."})
    rules_version = fields.String(metadata={"description": "The rule set's fingerprint then."})
    reason = fields.String()
    created_by = fields.String(allow_none=True, metadata={"description": "The key's name and prefix."})
    created_at = fields.DateTime()
    findings = fields.List(fields.Nested(OverriddenFindingSchema))


class OverrideRequestSchema(ma.Schema):
    reason = text_field(max_length=OVERRIDE_REASON_LENGTH, description="Why the article may go out as it is.")


@sent_in_full
class FindingsSchema(ma.Schema):
    article_id = fields.Integer()
    revision = fields.Integer(allow_none=True, metadata={"description": "null: the draft."})
    rules_version = fields.String(metadata={"description": "Fingerprint of the rule set in force."})
    blocking = fields.Integer(
        metadata={"description": "How many findings block publishing the draft, overridden or not."}
    )
    gate = fields.String(
        metadata={
            "enum": ["open", "overridden", "blocked"],
            "description": "Whether publishing the draft would pass: no blocking finding, all overridden, "
            "or not (pending overlays' findings gate those overlays, not this).",
        }
    )
    findings = fields.List(fields.Nested(FindingSchema))
    override = fields.Nested(
        OverrideSchema, allow_none=True, metadata={"description": "The latest override."}
    )


@sent_in_full
class DueReviewSchema(ma.Schema):
    article_id = fields.Integer()
    slug = fields.String()
    locale = fields.String()
    reviewed_at = fields.Date(allow_none=True)
    due_since = fields.Date(
        allow_none=True, metadata={"description": "When the review ran out (null: never reviewed)."}
    )
    reasons = fields.List(
        fields.String(metadata={"enum": ["never_reviewed", "review_expired", "rules_changed"]}),
        metadata={
            "description": "rules_changed: the published revision was checked under other rules, or never."
        },
    )


FINDING_EXAMPLE = {
    "id": "3f9a0c1d2b4e5f60",
    "rule": "avoid-surgery",
    "category": "comparative",
    "severity": "block",
    "path": "sections[final-thoughts].body",
    "where": "article",
    "source": {"site": None, "overlay_version": None, "experiment": None, "variant": None, "pending": False},
    "text": "avoid surgery",
    "start": 379,
    "end": 392,
    "hedged": False,
    "grade": None,
    "catches": "Promises the patient will avoid or no longer need surgery.",
    "why": "FTC stem-cell cases (2018) and Health Products Compliance Guidance (2022): a promise to avoid "
    "surgery is an efficacy claim.",
    "suggestion": '"Some patients may delay surgery; ask your surgeon whether it is right for you."',
}
OVERRIDE_EXAMPLE = {
    "id": 1,
    "article_version": 4,
    "rules_version": "5d41402abc4b2a76",
    "reason": "Reviewed with Dr. Lee, MD: the surgery sentence is the clinic's approved wording.",
    "created_by": "Dr. Lee (cms_1a2b3c4d)",
    "created_at": "2026-12-02T09:00:00+00:00",
    "findings": [{key: FINDING_EXAMPLE[key] for key in ("id", "rule", "path", "where", "text")}],
}
FINDINGS_EXAMPLE = {
    "article_id": 1,
    "revision": None,
    "rules_version": "5d41402abc4b2a76",
    "blocking": 1,
    "gate": "overridden",
    "findings": [FINDING_EXAMPLE],
    "override": OVERRIDE_EXAMPLE,
}
DUE_REVIEW_EXAMPLE = {
    "article_id": 1,
    "slug": "are-all-types-of-back-pain-treatable-with-stem-cells",
    "locale": "en",
    "reviewed_at": "2025-10-01",
    "due_since": "2026-10-01",
    "reasons": ["review_expired"],
}
