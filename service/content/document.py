"""The article document: the one JSON shape for seed files, import, editing and delivery.

`ArticleDocumentSchema` validates it (`load_document`, `dump_document`); content.mapping moves
it in and out of the models; content.markdown's `with_html` adds the HTML of every Markdown field.
"""

from collections import Counter
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from service.config import MAX_LIST_ITEMS
from service.content.comparisons import ComparisonSchema
from service.content.document_types import ArticleDocument
from service.content.errors import InvalidDocument
from service.content.image_references import image_field
from service.content.patterns import WEB_URL, Pattern, url_pattern
from service.content.placeholders import PLACEHOLDER
from service.content.procedure_children import CalloutSchema, FactSchema, StepSchema, TestimonialSchema
from service.content.text_fields import (
    SLUG_PATTERN,
    ChildSchema,
    children_of,
    markdown_field,
    text_field,
    text_list,
)
from service.models import Benefit, Callout, Comparison, Condition, Fact, Faq, Section, Step, Testimonial
from service.models.lengths import KEY_LENGTH, LOCALE_LENGTH, SLUG_LENGTH, TAG_LENGTH, TITLE_LENGTH

URL_LENGTH = 2000  # what every browser and CDN handles
MAX_AUTHORS = 10
LOCALE_PATTERN = Pattern(
    r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$", error="Use a BCP 47 language tag such as en or en-GB."
)


def canonical_locale(tag: str) -> str:
    """BCP 47 tags are case-insensitive; store and compare them in their usual case
    (en-gb and EN-GB are en-GB, zh-hant-tw is zh-Hant-TW) so one locale is one article."""
    language, *subtags = tag.split("-")
    cased = [language.lower()]
    for subtag in subtags:
        if len(subtag) == 2 and subtag.isalpha():
            cased.append(subtag.upper())
        elif len(subtag) == 4 and subtag.isalpha():
            cased.append(subtag.title())
        else:
            cased.append(subtag.lower())
    return "-".join(cased)


class Locale(fields.String):
    """A BCP 47 language tag, loaded in canonical case."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=[validate.Length(max=LOCALE_LENGTH), LOCALE_PATTERN], **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        return canonical_locale(super()._deserialize(value, attr, data, **kwargs))


OUTLOOKS = ("may_respond", "may_not_respond")
# A section may introduce one of the article's lists, which a frontend renders inside it,
# after the section's body and items, so the page reads in the order it was written.
SECTION_INCLUDES = (
    "conditions.may_respond",
    "conditions.may_not_respond",
    "benefits",
    "call_to_action",
    "faqs",
    "steps",
    "callouts",
    "testimonials",
    "facts",
    "comparisons",
)

# Fields the service adds to documents it sends; a document sent back with them is refused.
READ_ONLY_FIELDS = frozenset(
    {
        "id",
        "version",
        "status",
        "revision",
        "published_revision",
        "published_at",
        "created_at",
        "updated_at",
        "etag",
    }
)

# Which fields hold Markdown; delivery adds `<name>_html` beside each one.
MARKDOWN_FIELDS: dict[str | None, tuple[str, ...]] = {
    None: ("intro", "medical_disclaimer"),
    "call_to_action": ("body",),
    "sections": ("body", "closing"),
    "conditions": ("summary",),
    "benefits": ("description",),
    "faqs": ("answer",),
    "steps": ("body",),
    "callouts": ("body",),
}


class SectionSchema(ChildSchema):
    heading = text_field(max_length=TITLE_LENGTH)
    body = markdown_field(required=False, description="Markdown shown before the items.")
    items = text_list(description="Bullet points, plain text, shown after the body.")
    closing = markdown_field(required=False, description="Markdown shown after items and included list.")
    includes = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(SECTION_INCLUDES),
        metadata={"description": "The article list this section introduces, rendered inside it."},
    )


class ConditionSchema(ChildSchema):
    name = text_field(max_length=TITLE_LENGTH)
    outlook = fields.String(required=True, validate=validate.OneOf(OUTLOOKS))
    summary = markdown_field(required=False)
    points = text_list(description="Plain-text points about the condition.")


class BenefitSchema(ChildSchema):
    title = text_field(max_length=TITLE_LENGTH)
    description = markdown_field()


class FaqSchema(ChildSchema):
    question = text_field()
    answer = markdown_field()


class SeoSchema(ma.Schema):
    title = text_field(required=False, max_length=TITLE_LENGTH)
    description = text_field(required=False)


class CallToActionSchema(ma.Schema):
    heading = text_field(required=False, max_length=TITLE_LENGTH)
    body = markdown_field()
    button_label = text_field(required=False, max_length=TITLE_LENGTH)
    button_url = fields.String(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(max=URL_LENGTH), url_pattern(WEB_URL, PLACEHOLDER.pattern)],
        metadata={"description": "An http(s) URL, or a placeholder such as {{site.booking_url}}."},
    )


class ReferenceSchema(ma.Schema):
    title = text_field(max_length=TITLE_LENGTH)
    url = fields.String(required=True, validate=[validate.Length(max=URL_LENGTH), url_pattern()])


class ArticleDocumentSchema(ma.Schema):
    """An article with its children as ordered arrays; unknown fields are rejected."""

    slug = fields.String(required=True, validate=[validate.Length(max=SLUG_LENGTH), SLUG_PATTERN])
    locale = Locale(required=True)
    title = text_field(max_length=TITLE_LENGTH)
    summary = text_field(description="One or two sentences for cards and listings.")
    intro = markdown_field()
    tags = fields.List(
        fields.String(validate=[validate.Length(max=TAG_LENGTH), SLUG_PATTERN]),
        load_default=list,
        validate=validate.Length(max=MAX_LIST_ITEMS),
        metadata={"description": "Slug-like tags; stored sorted and without duplicates."},
    )
    seo = fields.Nested(SeoSchema, load_default=lambda: {"title": None, "description": None})
    call_to_action = fields.Nested(CallToActionSchema, required=True)
    medical_disclaimer = markdown_field(required=False)
    reviewed_by = text_field(
        required=False, max_length=TITLE_LENGTH, description="Clinician who reviewed it."
    )
    reviewed_at = fields.Date(load_default=None, allow_none=True)
    references = children_of(ReferenceSchema)
    authors = fields.List(
        fields.String(validate=[validate.Length(max=KEY_LENGTH), SLUG_PATTERN]),
        load_default=list,
        validate=validate.Length(max=MAX_AUTHORS),
        metadata={"description": "Who wrote it: keys of people (/v1/manage/people), in byline order."},
    )
    medical_reviewer = fields.String(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(max=KEY_LENGTH), SLUG_PATTERN],
        metadata={"description": "The clinician who reviewed it: a person's key (with reviewed_at)."},
    )
    hero_image = image_field("The image at the top of the page.")
    social_image = image_field(
        "The image a share on social media shows (Open Graph); the hero image if none."
    )
    sections = children_of(SectionSchema)
    conditions = children_of(ConditionSchema)
    benefits = children_of(BenefitSchema)
    faqs = children_of(FaqSchema)
    steps = children_of(StepSchema)
    callouts = children_of(CalloutSchema)
    testimonials = children_of(TestimonialSchema)
    facts = children_of(FactSchema)
    comparisons = children_of(ComparisonSchema)

    @ma.post_load
    def _normalise_tags(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["tags"] = sorted(set(data["tags"]))
        return data

    @ma.pre_load
    def _refuse_read_only_fields(self, data: Any, **_: Any) -> Any:
        """What the service sends beside the document (id, version...) cannot be written:
        say so plainly, rather than calling the fields unknown."""
        if isinstance(data, dict):
            given = sorted(READ_ONLY_FIELDS & data.keys())
            if given:
                raise ma.ValidationError({name: ["Read-only field: set by the service."] for name in given})
        return data

    # Also run when some fields are invalid, so one attempt reports every problem; the
    # data may then lack the invalid parts, hence the .get() calls.
    @ma.validates_schema(skip_on_field_errors=False)
    def _keys_are_unique(self, data: dict[str, Any], **_: Any) -> None:
        errors: dict[str, Any] = {}
        for kind in CHILD_MODELS:
            seen: set[str] = set()
            for index, child in enumerate(data.get(kind, [])):
                key = child.get("key")
                if key is None:  # invalid, and already reported as such
                    continue
                if key in seen:
                    errors.setdefault(kind, {})[index] = {"key": [f"Duplicate key {key!r}."]}
                seen.add(key)
        included = Counter(s.get("includes") for s in data.get("sections", []) if s.get("includes"))
        for index, section in enumerate(data.get("sections", [])):
            if section.get("includes") and included[section["includes"]] > 1:
                errors.setdefault("sections", {}).setdefault(index, {})["includes"] = [
                    f"{section['includes']!r} is included by more than one section."
                ]
        if errors:
            raise ma.ValidationError(errors)


ChildModel = Section | Condition | Benefit | Faq | Step | Callout | Testimonial | Fact | Comparison
CHILD_MODELS: dict[str, type[ChildModel]] = {
    "sections": Section,
    "conditions": Condition,
    "benefits": Benefit,
    "faqs": Faq,
    "steps": Step,
    "callouts": Callout,
    "testimonials": Testimonial,
    "facts": Fact,
    "comparisons": Comparison,
}
# Lists inside a child whose items have keys of their own (a comparison's columns and rows): a
# patch of the child (an editor's, an overlay's) may change their items by key (patch_child).
KEYED_LISTS: dict[str, tuple[str, ...]] = {"comparisons": ("columns", "rows")}


def load_document(raw: Any) -> ArticleDocument:
    """Validate a document (parsed JSON); raise InvalidDocument naming every bad field."""
    try:
        return ArticleDocumentSchema().load(raw)
    except ma.ValidationError as error:
        raise InvalidDocument(error.messages) from error


def dump_document(document: ArticleDocument) -> dict[str, Any]:
    """The JSON-ready form of a loaded document (dates as ISO strings)."""
    return ArticleDocumentSchema().dump(document)


def merge_patch(target: Any, patch: Any) -> Any:
    """Apply a JSON Merge Patch (RFC 7386): objects merge, null removes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = merge_patch(merged.get(name), value)
    return merged


def patch_child(kind: str, child: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """A child as a JSON Merge Patch changes it, keeping its key. A list of KEYED_LISTS patched
    with an object is patched as an object of its items by key: `{"rows": {"price": {"cells":
    {"prp": "$1,200"}}}}` changes one cell, null removes an item, a new key adds one at the end."""
    by_key = {
        name: patch[name]
        for name in KEYED_LISTS.get(kind, ())
        if isinstance(patch.get(name), dict) and isinstance(child.get(name), list)
    }
    patched = merge_patch(child, {name: value for name, value in patch.items() if name not in by_key})
    for name, items in by_key.items():
        merged = merge_patch({item["key"]: item for item in child[name]}, items)
        patched[name] = [
            {**item, "key": key} if isinstance(item, dict) else item for key, item in merged.items()
        ]
    return {**patched, "key": child["key"]}
