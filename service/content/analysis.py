"""What an experiment's counts say, and how sure: every variant against control with the
documented default analysis (sequential, on relative uplift) or another one on request, Holm's
adjustment across variants, the minimums below which nothing is claimed, and a verdict.

`compare_arms` works on arrays of many experiments at once (the peeking simulation runs
through it); `analyse` is its answer for one experiment, as the results API shows it."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from service.content import effects
from service.content.statistics import compare as exact_compare


class Method(StrEnum):
    SEQUENTIAL = "sequential"  # the default: valid however often results are looked at
    FIXED = "fixed"  # read once, at the planned sample size
    BAYESIAN = "bayesian"
    EXACT = "exact"  # Wald / Katz intervals, the pooled z-test and the exact Beta chance


class Difference(StrEnum):
    RELATIVE = "relative"  # the default, as GrowthBook's
    ABSOLUTE = "absolute"


class Verdict(StrEnum):
    NOT_ENOUGH_DATA = "not enough data"
    NO_WINNER_YET = "no winner yet"
    BETTER = "better than control"
    WORSE = "worse than control"
    WINNER = "winner"


# Below these, per arm, no comparison is claimed: with fewer the normal approximations the
# tests rest on do not hold, and an arm with no conversion (or only conversions) has no variance.
MIN_EXPOSURES = 100
MIN_CONVERSIONS = 5  # and as many visitors who did not convert
# The Bayesian analysis names a winner at GrowthBook's default chance-to-win threshold.
BAYESIAN_THRESHOLD = 0.95


@dataclass(frozen=True)
class Analysis:
    method: Method = Method.SEQUENTIAL
    difference: Difference = Difference.RELATIVE
    alpha: float = effects.ALPHA
    tuning: float = effects.SEQUENTIAL_TUNING


def enough_data(exposed: np.ndarray, converted: np.ndarray) -> np.ndarray:
    exposed, converted = np.asarray(exposed), np.asarray(converted)
    return (
        (exposed >= MIN_EXPOSURES) & (converted >= MIN_CONVERSIONS) & (exposed - converted >= MIN_CONVERSIONS)
    )


def compare_arms(exposed: Any, converted: Any, analysis: Analysis = Analysis()) -> dict[str, np.ndarray]:
    """Every variant against control (index 0 of the last axis), for the frequentist and
    Bayesian methods. Returns arrays over the variants: estimate, low, high, p_value,
    adjusted_p_value (Holm), chance_to_beat_control, enough (both arms past the minimums)
    and decision (1 better, -1 worse, 0 not decided)."""
    exposed, converted = np.asarray(exposed, dtype=float), np.asarray(converted, dtype=float)
    control = (exposed[..., :1], converted[..., :1])
    found = effects.effect(
        control, (exposed[..., 1:], converted[..., 1:]), relative=analysis.difference == Difference.RELATIVE
    )
    enough = enough_data(*control) & enough_data(exposed[..., 1:], converted[..., 1:])
    chance, bayes_low, bayes_high = effects.bayesian(found, analysis.alpha)
    if analysis.method == Method.BAYESIAN:
        p_value = adjusted = np.full_like(found.estimate, np.nan)
        low, high = bayes_low, bayes_high
        decided = (chance >= BAYESIAN_THRESHOLD) | (chance <= 1 - BAYESIAN_THRESHOLD)
    else:
        if analysis.method == Method.SEQUENTIAL:
            p_value, low, high = effects.sequential(found, analysis.alpha, analysis.tuning)
        else:
            p_value, low, high = effects.fixed_horizon(found, analysis.alpha)
        adjusted = effects.holm(np.where(enough, p_value, 1.0))
        decided = adjusted < analysis.alpha
    decision = np.where(enough & decided, np.sign(found.estimate), 0).astype(int)
    return {
        "estimate": found.estimate,
        "low": low,
        "high": high,
        "p_value": p_value,
        "adjusted_p_value": adjusted,
        "chance_to_beat_control": chance,
        "enough": enough,
        "decision": decision,
    }


def analyse(counts: list[tuple[int, int]], analysis: Analysis = Analysis()) -> dict[str, Any]:
    """One experiment's `counts`, (exposed, converted) per arm with control first: a row per
    variant after control, and the verdict."""
    if analysis.method == Method.EXACT:
        rows = _exact_rows(counts, analysis)
    else:
        compared = compare_arms([n for n, _ in counts], [x for _, x in counts], analysis)
        rows = [_row(compared, index, analysis) for index in range(len(counts) - 1)]
    return {"variants": rows, **verdict(rows)}


def _row(compared: dict[str, np.ndarray], index: int, analysis: Analysis) -> dict[str, Any]:
    if not compared["enough"][index]:
        return _not_enough()
    value = {
        name: float(array[index]) for name, array in compared.items() if name not in ("enough", "decision")
    }
    frequentist = analysis.method != Method.BAYESIAN
    return {
        "uplift": value["estimate"],
        "uplift_interval": [value["low"], value["high"]],
        "p_value": value["p_value"] if frequentist else None,
        "adjusted_p_value": value["adjusted_p_value"] if frequentist else None,
        "chance_to_beat_control": value["chance_to_beat_control"],
        "verdict": _verdict_of(int(compared["decision"][index])),
    }


def _exact_rows(counts: list[tuple[int, int]], analysis: Analysis) -> list[dict[str, Any]]:
    rows, p_values = [], []
    for variant in counts[1:]:
        if not (enough_data(*counts[0]) and enough_data(*variant)):
            rows.append(_not_enough())
            p_values.append(1.0)
            continue
        exact = exact_compare(counts[0], variant)
        relative = analysis.difference == Difference.RELATIVE
        rows.append(
            {
                "uplift": exact.relative_uplift if relative else exact.uplift,
                "uplift_interval": list(
                    exact.relative_uplift_interval if relative else exact.uplift_interval
                ),
                "p_value": exact.p_value,
                "chance_to_beat_control": exact.chance_to_beat_control,
            }
        )
        p_values.append(exact.p_value)
    adjusted = effects.holm(np.array(p_values)) if p_values else []
    for row, p_value in zip(rows, adjusted, strict=True):
        if "uplift" in row and row["uplift"] is not None:
            row["adjusted_p_value"] = float(p_value)
            decided = p_value < analysis.alpha
            row["verdict"] = _verdict_of(int(np.sign(row["uplift"])) if decided else 0)
    return rows


def _not_enough() -> dict[str, Any]:
    return {
        "uplift": None,
        "uplift_interval": None,
        "p_value": None,
        "adjusted_p_value": None,
        "chance_to_beat_control": None,
        "verdict": Verdict.NOT_ENOUGH_DATA,
    }


def _verdict_of(decision: int) -> Verdict:
    return {1: Verdict.BETTER, -1: Verdict.WORSE}.get(decision, Verdict.NO_WINNER_YET)


def verdict(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The experiment's verdict: a winner (the best variant that beats control), or no winner
    yet, or not enough data while every variant lacks it."""
    better = [(row["uplift"], index) for index, row in enumerate(rows) if row["verdict"] == Verdict.BETTER]
    if better:
        return {"verdict": Verdict.WINNER, "winner_index": max(better)[1] + 1}
    if rows and all(row["verdict"] == Verdict.NOT_ENOUGH_DATA for row in rows):
        return {"verdict": Verdict.NOT_ENOUGH_DATA, "winner_index": None}
    return {"verdict": Verdict.NO_WINNER_YET, "winner_index": None}
