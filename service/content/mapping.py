"""The article document in and out of the models: which field is which column, and children
matched by key, so that a child keeps its identity when it moves."""

from typing import Any

from service.content.comparisons import ComparisonSchema
from service.content.document import (
    CHILD_MODELS,
    BenefitSchema,
    CallToActionSchema,
    ConditionSchema,
    FaqSchema,
    SectionSchema,
    SeoSchema,
    dump_document,
)
from service.content.document_types import ArticleDocument
from service.content.procedure_children import CalloutSchema, FactSchema, StepSchema, TestimonialSchema
from service.models import Article

CHILD_FIELDS: dict[str, tuple[str, ...]] = {
    kind: tuple(name for name in schema().fields if name != "key")
    for kind, schema in [
        ("sections", SectionSchema),
        ("conditions", ConditionSchema),
        ("benefits", BenefitSchema),
        ("faqs", FaqSchema),
        ("steps", StepSchema),
        ("callouts", CalloutSchema),
        ("testimonials", TestimonialSchema),
        ("facts", FactSchema),
        ("comparisons", ComparisonSchema),
    ]
}
# Document fields stored in a column of the same name on Article.
ARTICLE_COLUMNS = (
    "slug",
    "locale",
    "title",
    "summary",
    "intro",
    "tags",
    "medical_disclaimer",
    "reviewed_by",
    "reviewed_at",
    "references",
    "hero_image",
    "social_image",
    "authors",
    "medical_reviewer",
)
# Nested document objects stored as prefixed columns: seo.title is Article.seo_title.
ARTICLE_GROUPS = {"seo": ("seo_", SeoSchema), "call_to_action": ("cta_", CallToActionSchema)}


def document_from_article(article: Article) -> ArticleDocument:
    """The article as a loaded document, comparable with what `load_document` returns."""
    document: dict[str, Any] = {name: getattr(article, name) for name in ARTICLE_COLUMNS}
    for group, (prefix, schema) in ARTICLE_GROUPS.items():
        document[group] = {name: getattr(article, prefix + name) for name in schema().fields}
    for kind, names in CHILD_FIELDS.items():
        document[kind] = [
            {"key": child.key, **{name: getattr(child, name) for name in names}}
            for child in getattr(article, kind)
        ]
    return document


def apply_document(article: Article, document: ArticleDocument) -> None:
    """Make the article match a loaded document; children are matched by key, so they keep
    their identity when they move."""
    for name in ARTICLE_COLUMNS:
        setattr(article, name, document[name])
    for group, (prefix, schema) in ARTICLE_GROUPS.items():
        for name in schema().fields:
            setattr(article, prefix + name, document[group].get(name))
    for kind, model in CHILD_MODELS.items():
        existing = {child.key: child for child in getattr(article, kind)}
        children = []
        for data in document[kind]:
            child = existing.get(data["key"]) or model(key=data["key"])
            for name in CHILD_FIELDS[kind]:
                setattr(child, name, data[name])
            children.append(child)
        collection = getattr(article, kind)
        collection[:] = children
        collection.reorder()


def write_draft(article: Article, document: ArticleDocument) -> bool:
    """Make the draft match a loaded document; say whether anything changed."""
    if article.id is not None and document_from_article(article) == document:
        return False
    apply_document(article, document)
    return True


def draft_document(article: Article) -> dict[str, Any]:
    """The draft as a JSON-ready document: what is compared with revisions and patched."""
    return dump_document(document_from_article(article))
