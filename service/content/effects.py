"""GrowthBook's statistics for conversion rates (gbstats 0.8), written out with scipy so the
service does not carry gbstats' pandas and pydantic at runtime. tests/test_effects.py holds
every number to the gbstats package to 1e-6.

- the effect: relative uplift (p_b - p_a) / p_a with its delta-method variance, or the
  absolute difference, each arm's variance p(1 - p) (gbstats' ProportionStatistic);
- fixed horizon: a two-sided Welch t-test (TwoSidedTTest);
- sequential: always-valid intervals and p-values (SequentialTwoSidedTTest, Waudby-Smith et
  al. 2023, eqs. 9, 155, 161), valid however often they are looked at;
- Bayesian: the Gaussian effect model with gbstats' default prior, which is improper (flat),
  so the posterior is the effect's sampling distribution (EffectBayesianABTest);
- Holm's adjustment of the p-values when several variants are compared with control.

Every function takes numbers or numpy arrays alike: the peeking simulation (bench/peeking.py)
runs thousands of experiments through these very functions at once."""

from dataclasses import dataclass

import numpy as np
from scipy import stats

from service.config import SEQUENTIAL_TUNING

ALPHA = 0.05


@dataclass(frozen=True)
class Effect:
    """A variant against control: the estimate, its variance, the Welch degrees of freedom and
    the visitors in both arms (the sequential test's N)."""

    estimate: np.ndarray
    variance: np.ndarray
    dof: np.ndarray
    total: np.ndarray


def effect(control: tuple, variant: tuple, *, relative: bool = True) -> Effect:
    """`control` and `variant` are (exposed, converted), numbers or arrays. Where an arm has no
    visitors, or control no conversions (relative), the numbers are nan: callers check the
    minimums (service.content.analysis) before they read them."""
    with np.errstate(divide="ignore", invalid="ignore"):
        n_a, x_a = (np.asarray(value, dtype=float) for value in control)
        n_b, x_b = (np.asarray(value, dtype=float) for value in variant)
        mean_a, mean_b = x_a / n_a, x_b / n_b
        var_a, var_b = mean_a * (1 - mean_a), mean_b * (1 - mean_b)
        if relative:
            estimate = (mean_b - mean_a) / mean_a
            # gbstats' variance_of_ratios(mean_b, var_b / n_b, mean_a, var_a / n_a, 0)
            variance = var_b / n_b / mean_a**2 + var_a / n_a * mean_b**2 / mean_a**4
        else:
            estimate = mean_b - mean_a
            variance = var_b / n_b + var_a / n_a
        dof = (var_b / n_b + var_a / n_a) ** 2 / (
            var_b**2 / (n_b**2 * (n_b - 1)) + var_a**2 / (n_a**2 * (n_a - 1))
        )
    return Effect(estimate, variance, dof, n_a + n_b)


def fixed_horizon(found: Effect, alpha: float = ALPHA) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(p-value, low, high): valid when read once, at a sample size chosen in advance."""
    with np.errstate(all="ignore"):
        se = np.sqrt(found.variance)
        p_value = 2 * stats.t.sf(np.abs(found.estimate) / se, found.dof)
        half = stats.t.ppf(1 - alpha / 2, found.dof) * se
        return p_value, found.estimate - half, found.estimate + half


def sequential(
    found: Effect, alpha: float = ALPHA, tuning: float = SEQUENTIAL_TUNING
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(p-value, low, high), always valid: the chance that a null experiment ever crosses them,
    looked at after every visitor, stays below alpha."""
    n = found.total
    rho2 = (-2 * np.log(alpha) + np.log(-2 * np.log(alpha) + 1)) / tuning  # eq. 161
    with np.errstate(all="ignore"):
        s2 = found.variance * n
        half = np.sqrt(s2) * np.sqrt(2 * (n * rho2 + 1) / (n * rho2) * np.log(np.sqrt(n * rho2 + 1) / alpha))
        half = half / np.sqrt(n)  # eq. 9
        # eq. 155: the e-value of the mixture martingale; its inverse, capped at 1, is the p-value
        st2 = found.estimate**2 * n / s2
        tr2p1 = n * rho2 + 1
        evalue = np.exp(rho2 * st2 * n / (2 * tr2p1)) / np.sqrt(tr2p1)
        return np.minimum(1 / evalue, 1.0), found.estimate - half, found.estimate + half


def bayesian(found: Effect, alpha: float = ALPHA) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(chance to beat control, low, high) of the effect's posterior under the flat prior."""
    with np.errstate(all="ignore"):
        sd = np.sqrt(found.variance)
        chance = stats.norm.sf(0, found.estimate, sd)
        low, high = (stats.norm.ppf(q, found.estimate, sd) for q in (alpha / 2, 1 - alpha / 2))
        return chance, low, high


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment over the last axis (the variants compared with control):
    the family-wise error stays below alpha, with more power than Bonferroni."""
    p_values = np.asarray(p_values, dtype=float)
    m = p_values.shape[-1]
    order = np.argsort(p_values, axis=-1)
    ranked = np.take_along_axis(p_values, order, axis=-1) * (m - np.arange(m))
    adjusted = np.minimum(np.maximum.accumulate(ranked, axis=-1), 1.0)
    result = np.empty_like(adjusted)
    np.put_along_axis(result, order, adjusted, axis=-1)
    return result
