"""The article aggregate: the editable draft, its ordered children and its published revisions."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from service.models.base import Base, utcnow
from service.models.guardrails import FindingOverride
from service.models.lengths import (
    ACTOR_LENGTH,
    DURATION_LENGTH,
    FINGERPRINT_LENGTH,
    KEY_LENGTH,
    LOCALE_LENGTH,
    SLUG_LENGTH,
    STATUS_LENGTH,
    TAG_LENGTH,
    TITLE_LENGTH,
)


class ArticleStatus(StrEnum):
    """Derived from the article, never stored."""

    DRAFT = "draft"
    PUBLISHED = "published"


def ordered_children(model: str) -> Any:
    """An article's list of one kind of child, kept in order by its `position` column."""
    return relationship(
        model,
        order_by=f"{model}.position",
        collection_class=ordering_list("position"),
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class Article(Base):
    """The working copy marketers edit; visitors only ever see its published revision."""

    __tablename__ = "articles"
    # AUTOINCREMENT: SQLite would otherwise give a deleted article's id (and so its old
    # ETags and audit trail) to the next one.
    __table_args__ = (UniqueConstraint("slug", "locale"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    locale: Mapped[str] = mapped_column(String(LOCALE_LENGTH))
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    summary: Mapped[str] = mapped_column(Text)
    intro: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(default=list)
    seo_title: Mapped[str | None] = mapped_column(String(TITLE_LENGTH))
    seo_description: Mapped[str | None] = mapped_column(Text)
    cta_heading: Mapped[str | None] = mapped_column(String(TITLE_LENGTH))
    cta_body: Mapped[str] = mapped_column(Text)
    cta_button_label: Mapped[str | None] = mapped_column(String(TITLE_LENGTH))
    cta_button_url: Mapped[str | None] = mapped_column(Text)
    medical_disclaimer: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(TITLE_LENGTH))
    reviewed_at: Mapped[date | None]
    references: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    # Images of the media library, with their alt text and credits (content.image_references).
    hero_image: Mapped[dict[str, Any] | None]
    social_image: Mapped[dict[str, Any] | None]
    # People by key (content.people): who wrote it, and the clinician who reviewed it.
    authors: Mapped[list[str]] = mapped_column(default=list)
    medical_reviewer: Mapped[str | None] = mapped_column(String(KEY_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Moved on by every change, and checked in the WHERE clause of the UPDATE that claims
    # the article for it (content.editing.claim): two writers cannot both win one version.
    version: Mapped[int] = mapped_column(default=1)
    # Indexed: delivery finds a published revision by its slug, then checks it is this one.
    # The keys that changed the draft since it last matched what delivery serves: who may
    # not approve it (content.reviews, four eyes).
    draft_authors: Mapped[list[int]] = mapped_column(default=list)
    published_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("article_revisions.id", ondelete="SET NULL", use_alter=True), index=True
    )

    sections: Mapped[list[Section]] = ordered_children("Section")
    conditions: Mapped[list[Condition]] = ordered_children("Condition")
    benefits: Mapped[list[Benefit]] = ordered_children("Benefit")
    faqs: Mapped[list[Faq]] = ordered_children("Faq")
    steps: Mapped[list[Step]] = ordered_children("Step")
    callouts: Mapped[list[Callout]] = ordered_children("Callout")
    testimonials: Mapped[list[Testimonial]] = ordered_children("Testimonial")
    facts: Mapped[list[Fact]] = ordered_children("Fact")
    comparisons: Mapped[list[Comparison]] = ordered_children("Comparison")
    published_revision: Mapped[Revision | None] = relationship(
        foreign_keys=[published_revision_id], post_update=True
    )

    @property
    def status(self) -> ArticleStatus:
        """An article is published while it has a published revision."""
        return ArticleStatus.PUBLISHED if self.published_revision_id is not None else ArticleStatus.DRAFT


class ArticleChild:
    """What every ordered child of an article has: its article, its place and a stable key."""

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    position: Mapped[int]
    # Slug-like and unique within its article and kind, so frontends, experiment variants
    # and analytics can address the child whatever its position.
    key: Mapped[str] = mapped_column(String(KEY_LENGTH))

    @declared_attr.directive
    def __table_args__(cls) -> tuple[UniqueConstraint, ...]:
        return (UniqueConstraint("article_id", "key"),)


class Section(ArticleChild, Base):
    __tablename__ = "sections"

    heading: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    body: Mapped[str | None] = mapped_column(Text)
    items: Mapped[list[str]] = mapped_column(default=list)
    closing: Mapped[str | None] = mapped_column(Text)
    # Which list of the article this section introduces, if any (see content.document).
    includes: Mapped[str | None] = mapped_column(String(40))


class Condition(ArticleChild, Base):
    __tablename__ = "conditions"

    name: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    outlook: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str | None] = mapped_column(Text)
    points: Mapped[list[str]] = mapped_column(default=list)


class Benefit(ArticleChild, Base):
    __tablename__ = "benefits"

    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    description: Mapped[str] = mapped_column(Text)


class Faq(ArticleChild, Base):
    __tablename__ = "faqs"

    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)


class Step(ArticleChild, Base):
    """One step of a numbered procedure: its number is its place."""

    __tablename__ = "steps"

    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    body: Mapped[str] = mapped_column(Text)
    duration: Mapped[str | None] = mapped_column(String(DURATION_LENGTH))  # ISO 8601, e.g. PT15M


class CalloutKind(StrEnum):
    NOTE = "note"
    TIP = "tip"
    WARNING = "warning"
    VERDICT = "verdict"  # the page's conclusion, as a comparison states it


class Callout(ArticleChild, Base):
    """A boxed aside: a note, tip, warning or verdict."""

    __tablename__ = "callouts"

    kind: Mapped[str] = mapped_column(String(STATUS_LENGTH))
    title: Mapped[str | None] = mapped_column(String(TITLE_LENGTH))
    body: Mapped[str] = mapped_column(Text)


class ConsentForm(StrEnum):
    """How a patient agreed to their words being published."""

    WRITTEN = "written"  # a signed form
    ELECTRONIC = "electronic"  # an e-signature or a recorded online agreement
    RECORDED_VERBAL = "recorded_verbal"  # said on a recording the clinic keeps


class Testimonial(ArticleChild, Base):
    """A patient's words, published with their recorded consent."""

    __tablename__ = "testimonials"

    quote: Mapped[str] = mapped_column(Text)
    attribution: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    consent_date: Mapped[date]
    consent_form: Mapped[str] = mapped_column(String(STATUS_LENGTH))
    # What results may be expected; None: delivery attaches the configured default.
    disclosure: Mapped[str | None] = mapped_column(Text)


class FactKind(StrEnum):
    """What an "at a glance" fact states, and so which of its values it has."""

    DURATION = "duration"  # min_duration, max_duration
    RECOVERY_TIME = "recovery_time"  # min_duration, max_duration
    SESSIONS = "sessions"  # min_count, max_count
    PRICE_RANGE = "price_range"  # min_price, max_price, currency
    INSURANCE_COVERAGE = "insurance_coverage"  # coverage, insurer


class Coverage(StrEnum):
    COVERED = "covered"
    PARTLY_COVERED = "partly_covered"
    NOT_COVERED = "not_covered"
    VARIES = "varies"  # by plan: ask


class Fact(ArticleChild, Base):
    """An "at a glance" item with a typed value: the columns its kind uses are set, the rest null."""

    __tablename__ = "facts"

    label: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    kind: Mapped[str] = mapped_column(String(STATUS_LENGTH))
    min_duration: Mapped[str | None] = mapped_column(String(DURATION_LENGTH))
    max_duration: Mapped[str | None] = mapped_column(String(DURATION_LENGTH))
    min_count: Mapped[int | None]
    max_count: Mapped[int | None]
    min_price: Mapped[float | None] = mapped_column(Numeric(12, 2, asdecimal=False))
    max_price: Mapped[float | None] = mapped_column(Numeric(12, 2, asdecimal=False))
    currency: Mapped[str | None] = mapped_column(String(3))  # ISO 4217
    coverage: Mapped[str | None] = mapped_column(String(STATUS_LENGTH))
    insurer: Mapped[str | None] = mapped_column(String(TITLE_LENGTH))
    note: Mapped[str | None] = mapped_column(Text)


class Comparison(ArticleChild, Base):
    """A table of options (columns) compared on criteria (rows), each part keyed
    (content.comparisons): kept as the document has it, read and written whole."""

    __tablename__ = "comparisons"

    caption: Mapped[str | None] = mapped_column(String(TITLE_LENGTH))
    criteria: Mapped[dict[str, Any]]  # the first column's heading and alignment
    columns: Mapped[list[dict[str, Any]]]
    rows: Mapped[list[dict[str, Any]]]


class Revision(Base):
    """An immutable, numbered published state of an article, stored ready to serve."""

    __tablename__ = "article_revisions"
    __table_args__ = (
        UniqueConstraint("article_id", "number"),
        Index(None, "slug", "locale"),
        # Delivery lists newest first: a page is read off this index, not sorted from all rows.
        Index("ix_article_revisions_published_at", "published_at", "article_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    number: Mapped[int]
    # Where delivery serves it: the published slug and locale, which a draft may since have
    # changed (the change reaches visitors only when published).
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    locale: Mapped[str] = mapped_column(String(LOCALE_LENGTH))
    # Its text uses {{site.*}} placeholders, so it is served only per site, filled in.
    per_site: Mapped[bool] = mapped_column(default=False)
    # The article as an interchange document (the seed shape): what history, diff and
    # restore work on.
    document: Mapped[dict[str, Any]]
    # What delivery sends, serialised once at publish time: the hot path only copies bytes.
    body: Mapped[str] = mapped_column(Text)
    etag: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    summary: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))  # the key's name and prefix
    note: Mapped[str | None] = mapped_column(Text)
    # The rule set it was checked under (None: published without the check, before it
    # existed), and the override that let its blocking findings through, if any.
    rules_version: Mapped[str | None] = mapped_column(String(FINGERPRINT_LENGTH))
    override_id: Mapped[int | None] = mapped_column(
        ForeignKey("finding_overrides.id", ondelete="SET NULL", use_alter=True)
    )
    override: Mapped[FindingOverride | None] = relationship()

    tags: Mapped[list[RevisionTag]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="raise"
    )


class RevisionTag(Base):
    """A published revision's tags, one row each, so delivery can filter lists by tag in SQL."""

    __tablename__ = "revision_tags"

    revision_id: Mapped[int] = mapped_column(
        ForeignKey("article_revisions.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(TAG_LENGTH), primary_key=True, index=True)
