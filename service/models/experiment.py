"""Experiments: variants of an article (overlays) shown to visitors by deterministic
assignment, and the exposure and conversion events frontends report."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.config import SEQUENTIAL_TUNING
from service.models.base import Base, utcnow
from service.models.lengths import (
    ACTOR_LENGTH,
    EVENT_ID_LENGTH,
    HASH_LENGTH,
    KEY_LENGTH,
    NAME_LENGTH,
    STATUS_LENGTH,
    VISITOR_LENGTH,
)


class ExperimentStatus(StrEnum):
    DRAFT = "draft"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"


class EventKind(StrEnum):
    EXPOSURE = "exposure"
    CONVERSION = "conversion"


RUNNING = text(f"status = '{ExperimentStatus.RUNNING}'")


class Experiment(Base):
    __tablename__ = "experiments"
    # One experiment runs on an article at a time, whatever the race between two starts.
    __table_args__ = (
        Index(
            "uq_experiments_running_article",
            "article_id",
            unique=True,
            postgresql_where=RUNNING,
            sqlite_where=RUNNING,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), unique=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    hypothesis: Mapped[str | None] = mapped_column(Text)
    goal: Mapped[str] = mapped_column(String(KEY_LENGTH))  # the conversion event's name
    coverage: Mapped[float] = mapped_column(default=1.0)
    sites: Mapped[list[str]] = mapped_column(default=list)  # site keys; empty: every site
    locales: Mapped[list[str]] = mapped_column(default=list)  # empty: every locale
    status: Mapped[str] = mapped_column(String(STATUS_LENGTH), default=ExperimentStatus.DRAFT)
    # The hashing seed: assignment is fnv1a32(fnv1a32(seed + visitor)); a restart takes a new one.
    seed: Mapped[str] = mapped_column(String(100))
    winner: Mapped[str | None] = mapped_column(String(KEY_LENGTH))
    # The keys that configured its variants since it last started (four eyes on their review).
    draft_authors: Mapped[list[int]] = mapped_column(default=list)
    # Its variants' latest saved configuration, and the one that went live when it last
    # started (what its visitors see while it is active).
    variants_version: Mapped[int] = mapped_column(default=0, server_default="0")
    live_variants_version: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    stopped_at: Mapped[datetime | None]
    # The sequential test's tuning: the total sample size its intervals are tightest at.
    sequential_tuning: Mapped[float] = mapped_column(
        default=SEQUENTIAL_TUNING, server_default=str(SEQUENTIAL_TUNING)
    )
    # What the plan is for (service.content.planning): the control's expected rate and the
    # smallest relative uplift worth finding; none, and starting checks nothing.
    baseline_rate: Mapped[float | None]
    minimum_detectable_effect: Mapped[float | None]
    # Events from user agents a bot list recognises: dropped, and only counted.
    bot_events: Mapped[int] = mapped_column(default=0, server_default="0")

    variants: Mapped[list["Variant"]] = relationship(
        order_by="Variant.position",
        collection_class=ordering_list("position"),
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
    )
    phases: Mapped[list["ExperimentPhase"]] = relationship(
        order_by="ExperimentPhase.number", cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )


class Variant(Base):
    """One arm of an experiment; the first is control. Its overlay is applied to the article."""

    __tablename__ = "experiment_variants"
    __table_args__ = (UniqueConstraint("experiment_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(ForeignKey("experiments.id", ondelete="CASCADE"))
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(KEY_LENGTH))
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    weight: Mapped[float]
    overlay: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ExperimentPhase(Base):
    """One period of an experiment's run, as GrowthBook counts phases: from a start (or a
    restart, with a new seed and the weights and coverage then configured) to its stop. A
    pause and a resume stay in one phase: visitors keep their variants."""

    __tablename__ = "experiment_phases"
    __table_args__ = (UniqueConstraint("experiment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(ForeignKey("experiments.id", ondelete="CASCADE"))
    number: Mapped[int]
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    seed: Mapped[str] = mapped_column(String(100))
    coverage: Mapped[float]
    weights: Mapped[list[dict[str, Any]]]  # [{"variant": key, "weight": w}], control first
    variants_version: Mapped[int | None]  # the variants' version it ran


class VariantsVersion(Base):
    """One saved configuration of an experiment's variants (overlays included), numbered:
    their history, diffs and restores."""

    __tablename__ = "variants_versions"
    __table_args__ = (UniqueConstraint("experiment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(ForeignKey("experiments.id", ondelete="CASCADE"))
    number: Mapped[int]
    document: Mapped[dict[str, Any]]  # {"variants": [...]}: what a review of them pins
    content_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    created_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When it first went live (the experiment started with it), and by whom.
    published_at: Mapped[datetime | None]
    published_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))


class Event(Base):
    """An exposure or a conversion, reported by a frontend; event_id makes re-sends harmless."""

    __tablename__ = "events"
    # Covers the results query (content.events.results): one ordered pass over an experiment's
    # events, grouped by variant and visitor, reading nothing but this index.
    __table_args__ = (
        Index(
            "ix_events_results",
            "experiment_id",
            "variant",
            "visitor",
            "kind",
            "name",
            "occurred_at",
            "received_at",
            "site",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(EVENT_ID_LENGTH), unique=True)
    experiment_id: Mapped[int] = mapped_column(ForeignKey("experiments.id", ondelete="CASCADE"))
    variant: Mapped[str] = mapped_column(String(KEY_LENGTH))
    kind: Mapped[str] = mapped_column(String(STATUS_LENGTH))  # an EventKind
    name: Mapped[str | None] = mapped_column(String(KEY_LENGTH))  # a conversion's event name
    site: Mapped[str | None] = mapped_column(String(KEY_LENGTH))
    visitor: Mapped[str] = mapped_column(String(VISITOR_LENGTH))
    occurred_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
