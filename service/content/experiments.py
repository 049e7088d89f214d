"""Experiments: configuration checks, the status machine, who sees which variant, rollout.

The acts, one function each, logged: create_experiment, change_experiment, transition,
roll_out. Variants go live reviewed (content.variant_reviews)."""

import math
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from service.content.assignment import assign
from service.content.audit import Actor
from service.content.document import load_document
from service.content.editing import claim, find_article, save_draft
from service.content.errors import InvalidDocument
from service.content.experiment_phases import end_phase, open_phase
from service.content.guardrails.gate import check_gate
from service.content.image_references import resolve_assets
from service.content.mapping import draft_document
from service.content.overlay import apply_overlay, check_overlay
from service.content.people import check_overlays_people
from service.content.planning import check_experiment_fits
from service.content.reviews import STRICT, ReviewPolicy
from service.content.sites import check_variants_cover, list_sites
from service.content.variant_reviews import variants_changed, variants_document, variants_go_live
from service.content.webhooks import announce
from service.models import Experiment, ExperimentStatus, Variant, WebhookEvent
from service.models.base import utcnow

# action: (statuses it may start from, status it leads to)
DRAFT, RUNNING, PAUSED, STOPPED = ExperimentStatus
TRANSITIONS = {
    "start": ({DRAFT, PAUSED}, RUNNING),
    "pause": ({RUNNING}, PAUSED),
    "stop": ({RUNNING, PAUSED}, STOPPED),
    "restart": ({STOPPED}, RUNNING),
}
TRANSITION_EVENTS = {
    "start": WebhookEvent.EXPERIMENT_STARTED,
    "pause": WebhookEvent.EXPERIMENT_PAUSED,
    "stop": WebhookEvent.EXPERIMENT_STOPPED,
    "restart": WebhookEvent.EXPERIMENT_RESTARTED,
}
# What cannot change once visitors have been assigned, until the experiment stops: it would
# move them between variants, or change what counts.
FROZEN_WHILE_ACTIVE = ("variants", "coverage", "goal", "sites", "locales", "sequential_tuning")
ACTIVE = (RUNNING, PAUSED)  # visitors are assigned variants


class ExperimentConflict(Exception):
    """The change does not fit the experiment's status, or another experiment's."""


def find_experiment(session: Session, key: str) -> Experiment | None:
    return session.scalar(select(Experiment).where(Experiment.key == key))


def list_experiments(session: Session) -> list[Experiment]:
    return list(session.scalars(select(Experiment).order_by(Experiment.id)))


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


def _checked(session: Session, data: dict[str, Any]) -> dict[str, Any]:
    """A configuration checked against its article (which must exist) and the sites (each
    must exist, and have a value for every placeholder the variants use)."""
    article = find_article(session, data["article_id"])
    if article is None:
        raise InvalidDocument({"article_id": [f"There is no article {data['article_id']}."]})
    unknown = sorted(set(data["sites"]) - {site.key for site in list_sites(session)})
    if unknown:
        raise InvalidDocument({"sites": [f"No such site: {', '.join(unknown)}."]})
    check_config(draft_document(article), data)
    variants = data["variants"]
    fields = {f"variants[{i}].overlay.fields": v["overlay"].get("fields", {}) for i, v in enumerate(variants)}
    check_overlays_people(session, fields)
    for path, overlay_fields in fields.items():  # (images named by digest, as export names them)
        try:
            resolve_assets(session, overlay_fields)
        except InvalidDocument as error:
            at_variant = {f"{path}.{name}": found for name, found in error.messages.items()}
            raise InvalidDocument(at_variant) from error
    check_variants_cover(session, data["sites"], [variant["overlay"] for variant in data["variants"]])
    return data


def create_experiment(session: Session, data: dict[str, Any], *, by: Actor) -> Experiment:
    """A new experiment, in draft: starting it assigns visitors."""
    if session.scalar(select(Experiment.id).where(Experiment.key == data["key"])):
        raise ExperimentConflict(f"an experiment is already keyed {data['key']!r}")
    experiment = Experiment(seed=data["key"])
    configure(experiment, _checked(session, data))
    session.add(experiment)
    session.flush()
    details = variants_changed(session, experiment, {"variants": []}, by)
    article = find_article(session, experiment.article_id)
    by.record(session, "experiment.created", article, experiment=experiment.key, **details)
    return experiment


def change_experiment(
    session: Session, experiment: Experiment, data: dict[str, Any], *, by: Actor, restored: int | None = None
) -> None:
    """Change an experiment's configuration (`restored`: to its variants' version so
    numbered); it keeps its key and article."""
    if data["key"] != experiment.key or data["article_id"] != experiment.article_id:
        raise InvalidDocument({"key": ["An experiment keeps its key and article."]})
    before = variants_document(experiment)
    configure(experiment, _checked(session, data))
    session.flush()
    details = variants_changed(session, experiment, before, by)
    if restored is not None:
        details["restored"] = restored
    article = find_article(session, experiment.article_id)
    by.record(session, "experiment.updated", article, experiment=experiment.key, **details)


def configure(experiment: Experiment, data: dict[str, Any]) -> None:
    """Apply a checked configuration; what decides assignment is refused until it stops."""
    if experiment.status in ACTIVE:
        changed = [
            name for name in FROZEN_WHILE_ACTIVE if name in data and _current(experiment, name) != data[name]
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
        return variants_document(experiment)["variants"]
    return getattr(experiment, name)


def transition(
    session: Session,
    experiment: Experiment,
    action: str,
    *,
    by: Actor,
    policy: ReviewPolicy = STRICT,
    max_days: float = math.inf,
    forced_because: str | None = None,
) -> None:
    """Start, pause, stop or restart; one experiment runs on an article at a time, and starts
    only with its variants reviewed (under the policy). Starting one whose plan cannot finish
    within `max_days` at its sites' traffic is refused (PlanTooLong) unless forced, with a
    reason that the audit log keeps."""
    sources, target = TRANSITIONS[action]
    if experiment.status not in sources:
        raise ExperimentConflict(f"a {experiment.status} experiment cannot {action}")
    details: dict[str, Any] = {}
    if (action == "start" and experiment.started_at is None) or action == "restart":
        plan = check_experiment_fits(
            session, experiment, max_days, utcnow(), forced=forced_because is not None
        )
        if plan is not None and plan["fits"] is False:
            details = {"forced": forced_because, "days_needed": plan["days_needed"]}
    if target == RUNNING:
        other = session.scalar(
            select(Experiment.key).where(
                Experiment.article_id == experiment.article_id,
                Experiment.status == RUNNING,
                Experiment.id != experiment.id,
            )
        )
        if other:
            raise ExperimentConflict(f"experiment {other!r} already runs on this article")
        # Its variants go out over what is published (the draft if nothing is yet).
        article = find_article(session, experiment.article_id)
        shown = article.published_revision.document if article.published_revision else None
        check_gate(session, article, f"{action} the experiment", document=shown)
    review = (
        variants_go_live(session, experiment, policy, by)
        if target == RUNNING and action != "resume"
        else None
    )
    if action == "restart":
        # A new seed re-deals visitors; results count from the restart on.
        experiment.seed = f"{experiment.key}-{secrets.token_hex(4)}"
    now = utcnow()
    if action == "restart" or experiment.started_at is None:
        experiment.started_at = now
        open_phase(experiment, now)
    if target == STOPPED:
        experiment.stopped_at = now
        end_phase(experiment, now)
    elif action == "restart":
        experiment.stopped_at = None
    experiment.status = target
    if review:
        details["review"] = review
    article = find_article(session, experiment.article_id)
    by.record(session, f"experiment.{action}", article, experiment=experiment.key, **details)
    announce(session, TRANSITION_EVENTS[action], article=article, experiment=experiment.key)


def roll_out(session: Session, experiment: Experiment, variant_key: str, *, by: Actor) -> None:
    """Apply a stopped experiment's winning variant to the article's draft (publishing it is
    the next act), and name it the winner."""
    if experiment.status != STOPPED:
        raise ExperimentConflict("stop the experiment before rolling out a winner")
    variant = next((v for v in experiment.variants if v.key == variant_key), None)
    if variant is None:
        raise InvalidDocument({"variant": [f"The experiment has no variant {variant_key!r}."]})
    article = find_article(session, experiment.article_id)
    claim(session, article, None)
    save_draft(
        session, article, load_document(apply_overlay(draft_document(article), variant.overlay)), by=by
    )
    experiment.winner = variant.key
    by.record(session, "experiment.rolled_out", article, experiment=experiment.key, variant=variant.key)
    announce(session, WebhookEvent.EXPERIMENT_ROLLED_OUT, article=article, experiment=experiment.key)


def running_for(session: Session, article_id: int, site: str, locale: str) -> Experiment | None:
    """The experiment running on an article for this site and locale, if any."""
    experiment = session.scalar(
        select(Experiment)
        .options(selectinload(Experiment.variants))
        .where(Experiment.article_id == article_id, Experiment.status == RUNNING)
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
