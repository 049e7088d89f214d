"""Schemas of what delivery sends: the article document plus rendered HTML and metadata."""

import marshmallow as ma
from marshmallow import fields

from service.api.people import PersonInputSchema
from service.content.comparisons import ComparisonSchema
from service.content.document import (
    MARKDOWN_FIELDS,
    SLUG_PATTERN,
    ArticleDocumentSchema,
    BenefitSchema,
    CallToActionSchema,
    ConditionSchema,
    FaqSchema,
    Locale,
    SectionSchema,
)
from service.content.image_references import ImageSchema
from service.content.procedure_children import CalloutSchema, FactSchema, StepSchema, TestimonialSchema
from service.openapi import sent_in_full


def _html() -> fields.String:
    return fields.String(
        allow_none=True,
        metadata={"description": "Sanitised HTML rendered from the Markdown field before it."},
    )


def _delivered(schema: type[ma.Schema], part: str) -> type[ma.Schema]:
    """`schema` as delivery sends it: `<name>_html` beside each of its Markdown fields."""
    html = {f"{name}_html": _html() for name in MARKDOWN_FIELDS[part]}
    return sent_in_full(type(f"Delivered{schema.__name__}", (schema,), html))


DeliveredSectionSchema = _delivered(SectionSchema, "sections")
DeliveredConditionSchema = _delivered(ConditionSchema, "conditions")
DeliveredBenefitSchema = _delivered(BenefitSchema, "benefits")
DeliveredFaqSchema = _delivered(FaqSchema, "faqs")
DeliveredStepSchema = _delivered(StepSchema, "steps")
DeliveredCalloutSchema = _delivered(CalloutSchema, "callouts")
DeliveredCallToActionSchema = _delivered(CallToActionSchema, "call_to_action")
DeliveredFactSchema = sent_in_full(type("DeliveredFactSchema", (FactSchema,), {}))


@sent_in_full
class DeliveredComparisonSchema(ComparisonSchema):
    table_html = fields.String(
        metadata={
            "description": "The table as sanitised HTML: what the GitHub-flavoured Markdown table of "
            "its caption-less content renders as (thead, tbody, align attributes, citations linked).",
            "example": '<table>\n<thead>\n<tr>\n<th align="left"></th>\n<th align="left">PRP</th>\n'
            '<th align="left">Hyaluronic acid</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n'
            '<td align="left">Typical price for a course</td>\n<td align="left">$1,000 to $3,000</td>\n'
            '<td align="left">$500 to $1,500</td>\n</tr>\n</tbody>\n</table>\n',
        }
    )


@sent_in_full
class DeliveredTestimonialSchema(TestimonialSchema):
    disclosure = fields.String(
        metadata={"description": "Always sent: the testimonial's own, or the service's default."}
    )


class ImageSourceSchema(ma.Schema):
    type = fields.String(metadata={"example": "image/webp"})
    srcset = fields.String(
        metadata={
            "example": "/v1/media/3f5a….webp 480w, /v1/media/9c1d….webp 960w",
            "description": "For <source srcset>.",
        }
    )


@sent_in_full
class DeliveredImageSchema(ImageSchema):
    """An image with where to load it from: paths under the API's origin, immutable."""

    class Meta:
        exclude = ("asset_digest",)  # (delivery names the asset by id)

    src = fields.String(metadata={"description": "The largest rendition in the image's own format."})
    width = fields.Integer(metadata={"description": "Of src: set it (and height) on <img>, no layout shift."})
    height = fields.Integer()
    sources = fields.List(
        fields.Nested(ImageSourceSchema), metadata={"description": "One per format, WebP first."}
    )


def _image(description: str) -> fields.Nested:
    return fields.Nested(DeliveredImageSchema, allow_none=True, metadata={"description": description})


@sent_in_full
class DeliveredPersonSchema(PersonInputSchema):
    """A person the article names (as an author or its medical reviewer), as the people API holds them now."""

    bio_html = _html()
    photo = fields.Nested(DeliveredImageSchema, allow_none=True)


class PublishedMetadataSchema(ma.Schema):
    id = fields.Integer(metadata={"description": "The article's id."})
    revision = fields.Integer(
        allow_none=True, metadata={"description": "Number of the published revision (null in a preview)."}
    )
    published_at = fields.DateTime(allow_none=True, metadata={"description": "null in a preview."})
    etag = fields.String(metadata={"description": "Strong ETag of this content (also the ETag header)."})


class AssignmentSchema(ma.Schema):
    experiment = fields.String()
    variant = fields.String()
    in_experiment = fields.Boolean(
        metadata={"description": "False: control, outside coverage or QA; no exposure."}
    )
    variant_url = fields.String(
        metadata={"description": "The variant's own URL, the same for every visitor."}
    )


@sent_in_full
class DeliveredArticleSchema(PublishedMetadataSchema, ArticleDocumentSchema):
    """A published article: the document, each Markdown field with its HTML, and metadata."""

    intro_html = _html()
    medical_disclaimer_html = _html()
    call_to_action = fields.Nested(DeliveredCallToActionSchema)
    sections = fields.List(fields.Nested(DeliveredSectionSchema))
    conditions = fields.List(fields.Nested(DeliveredConditionSchema))
    benefits = fields.List(fields.Nested(DeliveredBenefitSchema))
    faqs = fields.List(fields.Nested(DeliveredFaqSchema))
    hero_image = _image("The image at the top of the page.")
    social_image = _image("The image a share on social media shows (og:image); the hero image if none.")
    people = fields.List(
        fields.Nested(DeliveredPersonSchema),
        metadata={"description": "Each person `authors` and `medical_reviewer` name, authors first."},
    )
    steps = fields.List(fields.Nested(DeliveredStepSchema))
    callouts = fields.List(fields.Nested(DeliveredCalloutSchema))
    testimonials = fields.List(fields.Nested(DeliveredTestimonialSchema))
    facts = fields.List(fields.Nested(DeliveredFactSchema))
    comparisons = fields.List(fields.Nested(DeliveredComparisonSchema))


class SiteDeliveredArticleSchema(DeliveredArticleSchema):
    """A published article as a site shows it, with the visitor's experiment assignment."""

    assignment = fields.Nested(
        AssignmentSchema, metadata={"description": "Only with ?visitor or ?variant while an experiment runs."}
    )
    structured_data = fields.Dict(
        metadata={
            "description": "schema.org JSON-LD for the page: a MedicalWebPage (reviewed by, last reviewed, "
            "about the conditions), an FAQPage and a HowTo of its steps, with the site's URLs (its "
            "page_url). Embed it as is in a script element of type application/ld+json.",
            "example": {
                "@context": "https://schema.org",
                "@graph": [
                    {
                        "@type": "MedicalWebPage",
                        "@id": "https://austin.example/articles/stem-cells-back-pain",
                        "url": "https://austin.example/articles/stem-cells-back-pain",
                        "name": "Are All Types of Back Pain Treatable with Stem Cells?",
                        "about": [{"@type": "MedicalCondition", "name": "Degenerative Disc Disease (DDD)"}],
                        "lastReviewed": "2026-11-01",
                        "reviewedBy": {"@type": "Person", "name": "Dr. A. Rivera"},
                    },
                    {
                        "@type": "FAQPage",
                        "mainEntity": [
                            {
                                "@type": "Question",
                                "name": "Is stem cell therapy a permanent solution for back pain?",
                                "acceptedAnswer": {
                                    "@type": "Answer",
                                    "text": "<p>Not guaranteed, but...</p>",
                                },
                            }
                        ],
                    },
                ],
            },
        }
    )


@sent_in_full
class ArticleCardSchema(PublishedMetadataSchema):
    """A published article in a list: enough to render a card and link to it."""

    slug = fields.String()
    locale = fields.String()
    title = fields.String()
    summary = fields.String()
    tags = fields.List(fields.String())


class ArticleQuerySchema(ma.Schema):
    locale = Locale(
        metadata={
            "description": "BCP 47 locale (any case). Left out: the default locale (en) if that is "
            "published, else the first published locale in alphabetical order."
        }
    )


class ArticleListQuerySchema(ma.Schema):
    locale = Locale(metadata={"description": "Only articles in this BCP 47 locale. Left out: all locales."})
    tag = fields.String(validate=SLUG_PATTERN, metadata={"description": "Only articles with this tag."})
