"""The shape of a loaded article document (what `load_document` returns and the domain passes
around): every field is present, an optional one as None. Its JSON-ready form (dates as ISO
strings, what revisions store and overlays patch) stays a plain dict."""

from datetime import date
from typing import TypedDict


class SeoDocument(TypedDict):
    title: str | None
    description: str | None


class CallToActionDocument(TypedDict):
    heading: str | None
    body: str
    button_label: str | None
    button_url: str | None


class ReferenceDocument(TypedDict):
    title: str
    url: str


class SectionDocument(TypedDict):
    key: str
    heading: str
    body: str | None
    items: list[str]
    closing: str | None
    includes: str | None


class ConditionDocument(TypedDict):
    key: str
    name: str
    outlook: str
    summary: str | None
    points: list[str]


class BenefitDocument(TypedDict):
    key: str
    title: str
    description: str


class FaqDocument(TypedDict):
    key: str
    question: str
    answer: str


class ImageDocument(TypedDict):
    asset: int
    alt: str | None
    decorative: bool
    caption: str | None
    credit: str | None
    shows_people: bool
    consent_recorded: bool


class StepDocument(TypedDict):
    key: str
    title: str
    body: str
    duration: str | None


class CalloutDocument(TypedDict):
    key: str
    kind: str
    title: str | None
    body: str


class TestimonialDocument(TypedDict):
    key: str
    quote: str
    attribution: str
    consent_date: date
    consent_form: str
    disclosure: str | None


class FactDocument(TypedDict):
    key: str
    label: str
    kind: str
    min_duration: str | None
    max_duration: str | None
    min_count: int | None
    max_count: int | None
    min_price: float | None
    max_price: float | None
    currency: str | None
    coverage: str | None
    insurer: str | None
    note: str | None


class ComparisonCriteriaDocument(TypedDict):
    label: str | None
    align: str | None


class ComparisonColumnDocument(TypedDict):
    key: str
    label: str
    align: str | None


class ComparisonRowDocument(TypedDict):
    key: str
    label: str
    cells: dict[str, str]  # inline Markdown by column key


class ComparisonDocument(TypedDict):
    key: str
    caption: str | None
    criteria: ComparisonCriteriaDocument
    columns: list[ComparisonColumnDocument]
    rows: list[ComparisonRowDocument]


class ArticleDocument(TypedDict):
    slug: str
    locale: str
    title: str
    summary: str
    intro: str
    tags: list[str]
    seo: SeoDocument
    call_to_action: CallToActionDocument
    medical_disclaimer: str | None
    reviewed_by: str | None
    reviewed_at: date | None
    references: list[ReferenceDocument]
    hero_image: ImageDocument | None
    social_image: ImageDocument | None
    authors: list[str]
    medical_reviewer: str | None
    sections: list[SectionDocument]
    conditions: list[ConditionDocument]
    benefits: list[BenefitDocument]
    faqs: list[FaqDocument]
    steps: list[StepDocument]
    callouts: list[CalloutDocument]
    testimonials: list[TestimonialDocument]
    facts: list[FactDocument]
    comparisons: list[ComparisonDocument]
