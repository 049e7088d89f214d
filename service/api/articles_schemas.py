"""Schemas of the management API for articles: drafts, children, history and publishing."""

import marshmallow as ma
from marshmallow import fields, validate

from service.api.examples import DOCUMENT_EXAMPLE
from service.api.fields import Instant, StrictBoolean, in_the_future
from service.api.findings_schemas import OverrideSchema
from service.config import MAX_CHILDREN
from service.content.document import CHILD_MODELS, ArticleDocumentSchema, Locale
from service.content.patterns import Pattern
from service.content.text_fields import text_field
from service.models import ArticleStatus, ScheduleAction
from service.openapi import sent_in_full


class DraftMetadataSchema(ma.Schema):
    id = fields.Integer()
    version = fields.Integer(metadata={"description": "Moves on with every change."})
    status = fields.String(metadata={"description": "published while a revision is live, else draft."})
    published_revision = fields.Integer(
        allow_none=True, metadata={"description": "Number of the live revision, if any."}
    )
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    etag = fields.String(metadata={"description": "Send it back in If-Match to change the article."})


@sent_in_full
class DraftSchema(DraftMetadataSchema, ArticleDocumentSchema):
    """The working copy of an article, as marketers edit it."""


@sent_in_full
class DraftCardSchema(DraftMetadataSchema):
    slug = fields.String()
    locale = fields.String()
    title = fields.String()


class DraftListQuerySchema(ma.Schema):
    locale = Locale(metadata={"description": "Only drafts in this locale."})
    status = fields.String(validate=ma.validate.OneOf(list(ArticleStatus)))


class JsonObjectSchema(ma.Schema):
    """Any JSON object; the domain validates it as part of the whole article document."""

    class Meta:
        unknown = ma.INCLUDE


class ReorderSchema(ma.Schema):
    keys = fields.List(
        fields.String(),
        required=True,
        validate=validate.Length(max=MAX_CHILDREN),
        metadata={"description": "Every key of this kind, each once, in the new order."},
    )


class ChildPositionSchema(ma.Schema):
    position = fields.Integer(
        validate=ma.validate.Range(min=0, max=10_000),
        metadata={"description": "Where to insert (0 is first); default: at the end."},
    )


class PublishSchema(ma.Schema):
    note = text_field(required=False, max_length=1000, description="Why, for the history.")


class RestoreSchema(PublishSchema):
    publish = StrictBoolean(
        load_default=False,
        metadata={"description": "Publish the restored draft too."},
    )


@sent_in_full
class RevisionSchema(ma.Schema):
    number = fields.Integer()
    title = fields.String()
    published_at = fields.DateTime()
    published_by = fields.String(allow_none=True, metadata={"description": "The key's name and prefix."})
    note = fields.String(allow_none=True)
    etag = fields.String()
    live = fields.Boolean(metadata={"description": "Whether delivery serves this revision now."})
    rules_version = fields.String(
        allow_none=True,
        metadata={"description": "The health-claim rule set it was checked under (null: never checked)."},
    )
    override = fields.Nested(
        OverrideSchema,
        allow_none=True,
        metadata={"description": "The override that let its blocking findings through, if any."},
    )


@sent_in_full
class RevisionDocumentSchema(RevisionSchema):
    document = fields.Nested(ArticleDocumentSchema)


REVISION_OR_DRAFT = Pattern(r"^(\d{1,9}|draft)$", error="A revision number, or draft.")


class DiffQuerySchema(ma.Schema):
    from_revision = fields.String(
        data_key="from",
        required=True,
        validate=REVISION_OR_DRAFT,
        metadata={"description": "A revision number, or draft."},
    )
    to_revision = fields.String(
        data_key="to",
        load_default="draft",
        validate=REVISION_OR_DRAFT,
        metadata={"description": "A revision number, or draft (the default)."},
    )


class FieldChangeSchema(ma.Schema):
    field = fields.String(metadata={"example": "title"})
    before = fields.Raw()  # (any JSON value, null included)
    after = fields.Raw()


class MovedChildSchema(ma.Schema):
    key = fields.String()
    from_position = fields.Integer(data_key="from", attribute="from")
    to = fields.Integer()


class ChildChangeSchema(ma.Schema):
    key = fields.String()
    field_changes = fields.List(fields.Nested(FieldChangeSchema), data_key="fields", attribute="fields")


class ChildrenDiffSchema(ma.Schema):
    added = fields.List(fields.String())
    removed = fields.List(fields.String())
    changed = fields.List(fields.Nested(ChildChangeSchema))
    moved = fields.List(fields.Nested(MovedChildSchema))


class DiffSchema(ma.Schema):
    from_revision = fields.Raw(metadata={"description": "A revision number, or draft."})
    to_revision = fields.Raw(metadata={"description": "A revision number, or draft."})
    field_changes = fields.List(fields.Nested(FieldChangeSchema), data_key="fields", attribute="fields")
    children = fields.Dict(keys=fields.String(), values=fields.Nested(ChildrenDiffSchema))


CHILD_KINDS = tuple(CHILD_MODELS)
DRAFT_EXAMPLE = {
    "id": 1,
    "version": 3,
    "status": "published",
    "published_revision": 1,
    "created_at": "2026-11-26T09:00:00+00:00",
    "updated_at": "2026-11-26T09:30:00+00:00",
    "etag": "1-3",
    **DOCUMENT_EXAMPLE,
}
DRAFT_CARD_EXAMPLE = {name: DRAFT_EXAMPLE[name] for name in DraftCardSchema().fields}
REVISION_EXAMPLE = {
    "number": 1,
    "title": DOCUMENT_EXAMPLE["title"],
    "published_at": "2026-11-26T09:30:00+00:00",
    "published_by": "Ana, marketing (cms_1a2b3c4d)",
    "note": "First publication",
    "etag": "6be336541140dbbd52e9c93941522500",
    "live": True,
    "rules_version": "5d41402abc4b2a76",
    "override": None,
}
DIFF_EXAMPLE = {
    "from_revision": "1",
    "to_revision": "draft",
    "fields": [
        {"field": "title", "before": DOCUMENT_EXAMPLE["title"], "after": "Can Stem Cells Treat Back Pain?"}
    ],
    "children": {
        "sections": {"added": [], "removed": [], "changed": [], "moved": []},
        "conditions": {"added": [], "removed": [], "changed": [], "moved": []},
        "benefits": {"added": ["same-day-procedure"], "removed": [], "changed": [], "moved": []},
        "faqs": {
            "added": [],
            "removed": [],
            "changed": [
                {"key": "time-to-results", "fields": [{"field": "answer", "before": "…", "after": "…"}]}
            ],
            "moved": [{"key": "compared-to-surgery", "from": 4, "to": 0}],
        },
        "steps": {"added": [], "removed": [], "changed": [], "moved": []},
        "callouts": {"added": [], "removed": [], "changed": [], "moved": []},
        "testimonials": {"added": [], "removed": [], "changed": [], "moved": []},
        "facts": {"added": [], "removed": [], "changed": [], "moved": []},
        "comparisons": {
            "added": [],
            "removed": [],
            "changed": [
                {
                    "key": "prp-vs-ha",
                    "fields": [
                        {
                            "field": "rows[price].cells[prp]",
                            "before": "$1,000 to $3,000",
                            "after": "$900 to $2,800",
                        }
                    ],
                }
            ],
            "moved": [],
        },
    },
}


class NewScheduleSchema(ma.Schema):
    action = fields.String(required=True, validate=ma.validate.OneOf(list(ScheduleAction)))
    at = Instant(
        required=True,
        validate=in_the_future,
        metadata={"description": "When, with a time zone; in the future."},
    )


@sent_in_full
class ScheduleSchema(ma.Schema):
    id = fields.Integer()
    action = fields.String()
    at = fields.DateTime()
    created_by = fields.String(allow_none=True)
    created_at = fields.DateTime()
    applied_at = fields.DateTime(allow_none=True)
    outcome = fields.String(allow_none=True, metadata={"example": "published revision 3"})
    content_hash = fields.String(
        allow_none=True,
        metadata={"description": "A publish's version: its document's SHA-256 (as its review's)."},
    )


SCHEDULE_EXAMPLE = {
    "id": 4,
    "action": "publish",
    "at": "2026-12-01T08:00:00+00:00",
    "created_by": "Ana, marketing (cms_1a2b3c4d)",
    "created_at": "2026-11-26T09:00:00+00:00",
    "applied_at": None,
    "outcome": None,
    "content_hash": "9f2c5d0e3b8a7c6d1e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d",
}
