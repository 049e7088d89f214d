"""Schemas of the review workflow: a submission, a decision, and a review as the desk reads it."""

import marshmallow as ma
from marshmallow import fields, validate

from service.api.examples import DOCUMENT_EXAMPLE
from service.api.findings_schemas import FINDING_EXAMPLE
from service.content.text_fields import text_field
from service.errors import FindingSchema
from service.models import ReviewStatus
from service.models.lengths import COMMENT_TARGET_LENGTH
from service.openapi import sent_in_full

# Comments one decision may carry: a reviewer's notes on one version, not a document.
MAX_COMMENTS = 100
NOTE_LENGTH = 1000


class SubmitSchema(ma.Schema):
    note = text_field(required=False, max_length=NOTE_LENGTH, description="What changed, for the reviewer.")


class CommentSchema(ma.Schema):
    target = fields.String(
        load_default="",
        validate=validate.Length(max=COMMENT_TARGET_LENGTH),
        metadata={
            "description": "What the comment is on, spelt as a rendition's `changed` paths: any "
            'part of the article as a site or variant would show the version, a field ("title", '
            '"call_to_action.heading"), a child ("faqs.<key>"), a child\'s field ("faqs.<key>.answer") '
            'or a comparison\'s cell ("comparisons.<key>.rows[<row>].cells[<column>]"); for a site '
            'overlay or variants also their own members ("fields.title", '
            '"variants.<key>.overlay.fields.title"); "" for the version as a whole.',
            "example": "comparisons.prp-vs-ha.rows[price].cells[prp]",
        },
    )
    body = text_field(max_length=NOTE_LENGTH, example="Say results vary; no timeline is promised.")


class ApproveSchema(ma.Schema):
    comment = text_field(required=False, max_length=NOTE_LENGTH, description="For the history.")


class RequestChangesSchema(ma.Schema):
    comments = fields.List(
        fields.Nested(CommentSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_COMMENTS),
        metadata={"description": "What to change, each on a field or child of the version."},
    )


class ReviewQuerySchema(ma.Schema):
    status = fields.String(
        load_default=ReviewStatus.IN_REVIEW.value,
        validate=validate.OneOf(list(ReviewStatus)),
        metadata={"description": "Default: in_review (the queue)."},
    )


# What a saved version says of itself, beside its content and whether it is live.
VERSION_FIELDS = ("number", "content_hash", "created_by", "created_at", "published_at", "published_by")


class VersionSchema(ma.Schema):
    """A saved version of content reviewed as a whole (a site's overlay, an experiment's variants)."""

    number = fields.Integer()
    content_hash = fields.String(metadata={"description": "SHA-256 of the version: what a review approves."})
    created_by = fields.String(allow_none=True)
    created_at = fields.DateTime()
    published_at = fields.DateTime(allow_none=True, metadata={"description": "When it first went live."})
    published_by = fields.String(allow_none=True)
    live = fields.Boolean(metadata={"description": "Whether visitors see this version now."})


@sent_in_full
class ReviewCommentSchema(ma.Schema):
    target = fields.String()
    body = fields.String()
    by = fields.String(allow_none=True)
    at = fields.DateTime()


@sent_in_full
class ReviewSchema(ma.Schema):
    id = fields.Integer()
    article_id = fields.Integer()
    site_id = fields.Integer(allow_none=True, metadata={"description": "A site overlay's review: the site."})
    experiment_id = fields.Integer(
        allow_none=True, metadata={"description": "An experiment's variants' review: the experiment."}
    )
    status = fields.String(
        metadata={"description": "in_review, approved, changes_requested, voided or published."}
    )
    version = fields.Integer(metadata={"description": "The draft's version when submitted."})
    content_hash = fields.String(
        metadata={"description": "SHA-256 of the submitted document: what is approved."}
    )
    note = fields.String(allow_none=True)
    submitted_by = fields.String(allow_none=True)
    submitted_at = fields.DateTime()
    authors = fields.List(fields.Integer(), metadata={"description": "Keys that changed this version."})
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    published_revision = fields.Integer(allow_none=True)
    comments = fields.List(fields.Nested(ReviewCommentSchema))


@sent_in_full
class ReviewDocumentSchema(ReviewSchema):
    document = fields.Dict(
        metadata={
            "description": "The version as submitted: an article document (ArticleDocument), a "
            'site\'s overlay, or an experiment\'s variants ({"variants": [{"key", "name", "weight", '
            '"overlay"}]}).'
        }
    )


REVIEW_EXAMPLE = {
    "id": 3,
    "article_id": 1,
    "site_id": None,
    "experiment_id": None,
    "status": "changes_requested",
    "version": 4,
    "content_hash": "9f2c5d0e3b8a7c6d1e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d",
    "note": "Softer FAQ on results",
    "submitted_by": "Ana, marketing (cms_1a2b3c4d)",
    "submitted_at": "2026-11-26T09:00:00+00:00",
    "authors": [2],
    "decided_by": "Dr Ruiz (cms_5e6f7a8b)",
    "decided_at": "2026-11-26T10:00:00+00:00",
    "published_revision": None,
    "comments": [
        {
            "target": "faqs.time-to-results.answer",
            "body": "Say results vary; no timeline is promised.",
            "by": "Dr Ruiz (cms_5e6f7a8b)",
            "at": "2026-11-26T10:00:00+00:00",
        }
    ],
}
REVIEW_DOCUMENT_EXAMPLE = {**REVIEW_EXAMPLE, "document": DOCUMENT_EXAMPLE}


@sent_in_full
class RenditionSchema(ma.Schema):
    site = fields.String()
    variant = fields.String(allow_none=True, metadata={"description": "experiment/variant, if dealt one."})
    document = fields.Dict(
        allow_none=True,
        metadata={"description": "As delivery would send it (with *_html); none if it cannot."},
    )
    changed = fields.List(
        fields.String(),
        metadata={"description": "What differs from what the site shows now: faqs.<key>.answer..."},
    )
    problem = fields.String(allow_none=True, metadata={"description": "Why the site cannot show it, if so."})
    findings = fields.List(
        fields.Nested(FindingSchema),
        metadata={
            "description": "The guardrails' findings on this rendition: the version's own (where: article), "
            "then what the site or variant adds."
        },
    )
    gate = fields.String(
        allow_none=True,
        metadata={
            "enum": ["open", "overridden", "blocked"],
            "description": "Whether its blocking findings would stop it: none, all overridden, or not "
            "(null: the site cannot show it).",
        },
    )


RENDITION_EXAMPLE = {
    "site": "clinic-austin",
    "variant": None,
    "document": {"title": DOCUMENT_EXAMPLE["title"], "faqs": DOCUMENT_EXAMPLE["faqs"][:1]},
    "changed": ["faqs.time-to-results.answer"],
    "problem": None,
    "findings": [
        FINDING_EXAMPLE
        | {
            "where": "site clinic-austin",
            "source": FINDING_EXAMPLE["source"] | {"site": "clinic-austin", "overlay_version": 2},
        }
    ],
    "gate": "blocked",
}
