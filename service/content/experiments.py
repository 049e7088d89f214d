"""Experiments: configuration checks, the status machine, who sees which variant, rollout."""

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from service.content.assignment import assign
from service.content.errors import InvalidDocument
from service.content.overlay import check_overlay
from service.models import Experiment, Variant
from service.models.base import utcnow

# action: (statuses it may start from, status it leads to)
TRANSITIONS = {
    "start": ({"draft", "paused"}, "running"),
    "pause": ({"running"}, "paused"),
    "stop": ({"running", "paused"}, "stopped"),
    "restart": ({"stopped"}, "running"),
}
# What cannot change once visitors have been assigned, until the experiment stops: it would
# move them between variants, or change what counts.
FROZEN_WHILE_LIVE = ("variants", "coverage", "goal", "sites", "locales")
LIVE = ("running", "paused")


class ExperimentConflict(Exception):
    """The change does not fit the experiment's status, or another experiment's."""


def check_config(document: dict[str, Any], data: dict[str, Any]) -> None:
    """Variants (control first) with unique keys, weights summing to 1, overlays that fit the
    article; InvalidDocument names each problem by path."""
    errors: dict[str, Any] = {}
    variants = data["variants"]
    keys = [variant["key"] for variant in variants]
    problems = []
    if len(set(keys)) != len(keys):
        problems.append("Each variant needs its own key.")
    if abs(sum(variant["weight"] for variant in variants) - 1) > 1e-6:
        problems.append("The weights must add up to 1.")
    if problems:
        errors["variants"] = problems
    for index, variant in enumerate(variants):
        try:
            check_overlay(document, variant["overlay"])
        except InvalidDocument as error:
            errors[f"variants[{index}].overlay"] = error.messages
    if errors:
        raise InvalidDocument(errors)


def configure(experiment: Experiment, data: dict[str, Any]) -> None:
    """Apply a checked configuration; what decides assignment is refused until it stops."""
    if experiment.status in LIVE:
        changed = [
            name for name in FROZEN_WHILE_LIVE if name in data and _current(experiment, name) != data[name]
        ]
        if changed:
            listed = ", ".join(changed)
            raise ExperimentConflict(
                f"{listed} cannot change while the experiment is {experiment.status}: stop it"
            )
    for name, value in data.items():
        if name == "variants":
            _set_variants(experiment, value)
        else:
            setattr(experiment, name, value)


def _set_variants(experiment: Experiment, variants: list[dict[str, Any]]) -> None:
    """Update variants in place by key (so a key is never deleted and inserted in one flush)."""
    existing = {variant.key: variant for variant in experiment.variants}
    updated = []
    for data in variants:
        variant = existing.get(data["key"]) or Variant(key=data["key"])
        variant.name, variant.weight, variant.overlay = data["name"], data["weight"], data["overlay"]
        updated.append(variant)
    experiment.variants[:] = updated
    experiment.variants.reorder()


def _current(experiment: Experiment, name: str) -> Any:
    if name == "variants":
        return [
            {"key": v.key, "name": v.name, "weight": v.weight, "overlay": v.overlay}
            for v in experiment.variants
        ]
    return getattr(experiment, name)


def transition(session: Session, experiment: Experiment, action: str) -> None:
    sources, target = TRANSITIONS[action]
    if experiment.status not in sources:
        raise ExperimentConflict(f"a {experiment.status} experiment cannot {action}")
    if target == "running":
        other = session.scalar(
            select(Experiment.key).where(
                Experiment.article_id == experiment.article_id,
                Experiment.status == "running",
                Experiment.id != experiment.id,
            )
        )
        if other:
            raise ExperimentConflict(f"experiment {other!r} already runs on this article")
    if action == "restart":
        # A new seed re-deals visitors; results count from the restart on.
        experiment.seed = f"{experiment.key}-{secrets.token_hex(4)}"
    if action == "restart" or experiment.started_at is None:
        experiment.started_at = utcnow()
    if target == "stopped":
        experiment.stopped_at = utcnow()
    elif action == "restart":
        experiment.stopped_at = None
    experiment.status = target


def running_for(session: Session, article_id: int, site: str, locale: str) -> Experiment | None:
    """The experiment running on an article for this site and locale, if any."""
    experiment = session.scalar(
        select(Experiment)
        .options(selectinload(Experiment.variants))
        .where(Experiment.article_id == article_id, Experiment.status == "running")
    )
    if experiment is None:
        return None
    if (experiment.sites and site not in experiment.sites) or (
        experiment.locales and locale not in experiment.locales
    ):
        return None
    return experiment


@dataclass(frozen=True)
class Arm:
    key: str
    weight: float
    overlay: dict[str, Any]


@dataclass(frozen=True)
class RunningExperiment:
    """What assigning a visitor needs, apart from the session: delivery keeps it cached."""

    key: str
    seed: str
    coverage: float
    variants: tuple[Arm, ...]

    @classmethod
    def of(cls, experiment: Experiment) -> "RunningExperiment":
        arms = tuple(Arm(v.key, v.weight, v.overlay) for v in experiment.variants)
        return cls(experiment.key, experiment.seed, experiment.coverage, arms)

    def variant(self, key: str) -> Arm | None:
        return next((arm for arm in self.variants if arm.key == key), None)


def variant_for(experiment: Experiment | RunningExperiment, visitor: str) -> tuple[Variant | Arm, bool]:
    """The variant a visitor sees and whether they are in the experiment. Visitors outside
    its coverage see control and are not in it."""
    variants = experiment.variants
    chosen = assign(experiment.seed, visitor, [v.weight for v in variants], experiment.coverage)
    if chosen.variant is None:
        return variants[0], False
    return variants[chosen.variant], True
