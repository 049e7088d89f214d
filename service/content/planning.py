"""How many visitors an experiment needs, and how many days that is at a site's traffic, so
that nobody starts a test that cannot finish.

- fixed horizon: statsmodels' NormalIndPower on Cohen's h for the two rates (tests hold the
  answer to statsmodels' solver), two-sided, solved exactly (both tails);
- sequential: the total at which the always-valid interval of an uplift of the planned size
  excludes 0 with the planned power: mde = half-width(N) + z(power) x se(N);
- several variants: each against control at alpha / (variants - 1), Holm's first step;
- traffic: distinct visitors exposed on the experiment's sites over the last 28 days, a day's
  share of them, or a figure given; only `coverage` of them enter the experiment."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from scipy import optimize, stats
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.config import SEQUENTIAL_TUNING
from service.content.effects import ALPHA
from service.content.errors import InvalidDocument
from service.models import Event, EventKind, Experiment

POWER = 0.8
# No clinic plans for fewer than one conversion in a million visitors; below it the formulas'
# powers of the rate underflow.
MIN_BASELINE_RATE = 1e-6
UNREACHABLE_RATE = "The baseline rate with this uplift would be 100% or more."
TRAFFIC_WINDOW_DAYS = 28
_MOST = 1e12  # visitors: beyond this a plan is not worth making


@dataclass(frozen=True)
class PlanInput:
    baseline_rate: float
    minimum_detectable_effect: float  # relative: 0.2 is +20%
    weights: tuple[float, ...] = (0.5, 0.5)
    sequential: bool = True
    alpha: float = ALPHA
    power: float = POWER
    tuning: float = SEQUENTIAL_TUNING
    coverage: float = 1.0


def _fixed_control_size(p1: float, p2: float, ratio: float, alpha: float, power: float) -> float:
    """Control's visitors, as statsmodels' NormalIndPower().solve_power(proportion_effectsize(
    p2, p1), alpha=alpha, power=power, ratio=ratio) finds them."""
    h = abs(2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1)))
    crit = stats.norm.isf(alpha / 2)

    def shortfall(n1: float) -> float:
        shift = h * math.sqrt(n1 / (1 + 1 / ratio))
        return stats.norm.sf(crit - shift) + stats.norm.cdf(-crit - shift) - power

    return _solve(shortfall, 1e-6)


def _sequential_control_size(
    p1: float, p2: float, ratio: float, alpha: float, power: float, tuning: float
) -> float:
    """Control's visitors at which the sequential interval of the relative uplift p2/p1 - 1
    excludes 0 with the given power (gbstats' formulas, service.content.effects)."""
    mde = p2 / p1 - 1
    rho2 = (-2 * math.log(alpha) + math.log(-2 * math.log(alpha) + 1)) / tuning
    z = stats.norm.ppf(power)

    def shortfall(n1: float) -> float:
        n2 = ratio * n1
        variance = p2 * (1 - p2) / n2 / p1**2 + p1 * (1 - p1) / n1 * p2**2 / p1**4
        n = n1 + n2
        half = math.sqrt(
            variance * 2 * (n * rho2 + 1) / (n * rho2) * math.log(math.sqrt(n * rho2 + 1) / alpha)
        )
        return abs(mde) - half - z * math.sqrt(variance)

    return _solve(shortfall, 1e-3)


def _solve(shortfall: Any, fewest: float) -> float:
    """Where `shortfall` (increasing from below 0) crosses 0, between `fewest` and _MOST."""
    if shortfall(_MOST) < 0:
        raise InvalidDocument(
            {"minimum_detectable_effect": ["Too small to find with fewer than 10^12 visitors per arm."]}
        )
    return optimize.brentq(shortfall, fewest, _MOST, xtol=1e-6)


def visitors_needed(plan: PlanInput) -> list[int]:
    """Visitors each arm needs (control first), in the proportions of the weights."""
    p1 = plan.baseline_rate
    p2 = p1 * (1 + plan.minimum_detectable_effect)
    if not 0 < p2 < 1:
        raise InvalidDocument({"minimum_detectable_effect": [UNREACHABLE_RATE]})
    comparisons = len(plan.weights) - 1
    alpha = plan.alpha / comparisons
    control = 0.0
    for weight in plan.weights[1:]:
        ratio = weight / plan.weights[0]
        if not 1e-4 <= ratio <= 1e4:
            raise InvalidDocument({"weights": ["Too uneven to plan: keep each within 10^4 times control's."]})
        if plan.sequential:
            needed = _sequential_control_size(p1, p2, ratio, alpha, plan.power, plan.tuning)
        else:
            needed = _fixed_control_size(p1, p2, ratio, alpha, plan.power)
        control = max(control, needed)
    return [math.ceil(control * weight / plan.weights[0]) for weight in plan.weights]


def observed_traffic(session: Session, sites: list[str], now: datetime) -> float:
    """Distinct visitors exposed per day on these sites (all, when empty) over the window."""
    since = now - timedelta(days=TRAFFIC_WINDOW_DAYS)
    query = select(func.count(func.distinct(Event.visitor))).where(
        Event.kind == EventKind.EXPOSURE, Event.received_at >= since
    )
    if sites:
        query = query.where(Event.site.in_(sites))
    return (session.scalar(query) or 0) / TRAFFIC_WINDOW_DAYS


def make_plan(plan: PlanInput, visitors_per_day: float | None, max_days: float) -> dict[str, Any]:
    """The plan: visitors per arm, and days at `visitors_per_day` (None when unknown)."""
    per_arm = visitors_needed(plan)
    entering = visitors_per_day * plan.coverage if visitors_per_day is not None else None
    # (at most 10^12 days: "never", still a number a JSON reader can hold)
    days = math.ceil(min(sum(per_arm) / entering, 1e12)) if entering else None
    return {
        "method": "sequential" if plan.sequential else "fixed",
        "visitors_per_arm": per_arm,
        "total_visitors": sum(per_arm),
        "visitors_per_day": visitors_per_day,
        "days_needed": days,
        "max_experiment_days": max_days,
        "fits": None if days is None else days <= max_days,
    }


class PlanTooLong(Exception):
    """Starting an experiment that cannot reach its sample in time: the plan says why."""

    def __init__(self, plan: dict[str, Any]) -> None:
        self.plan = plan
        super().__init__(
            f"at {plan['visitors_per_day']:.0f} visitors a day the experiment needs about "
            f"{plan['days_needed']} days, more than the {plan['max_experiment_days']} allowed: plan for "
            "a larger effect or more sites, or start it with a force_reason"
        )


def check_experiment_fits(
    session: Session, experiment: Experiment, max_days: float, now: datetime, *, forced: bool
) -> dict[str, Any] | None:
    """The plan of an experiment that has one (baseline rate and minimum detectable effect), at
    its sites' observed traffic; PlanTooLong when it cannot finish in `max_days`, unless forced."""
    if experiment.baseline_rate is None or experiment.minimum_detectable_effect is None:
        return None
    plan = make_plan(
        PlanInput(
            experiment.baseline_rate,
            experiment.minimum_detectable_effect,
            tuple(variant.weight for variant in experiment.variants),
            tuning=experiment.sequential_tuning,
            coverage=experiment.coverage,
        ),
        observed_traffic(session, experiment.sites, now),
        max_days,
    )
    if plan["fits"] is False and not forced:
        raise PlanTooLong(plan)
    return plan
