"""Experiment statistics for conversion rates, written out from their formulas (the tests
hold them to statsmodels and scipy's own tests):

- absolute uplift with a 95% Wald interval (unpooled standard error);
- relative uplift with a 95% interval on the log of the ratio (Katz);
- a two-sided two-proportion z-test (pooled standard error);
- the Bayesian chance to beat control, P(rate_variant > rate_control), with uniform Beta(1, 1)
  priors, by numerical integration;
- a sample-ratio-mismatch check: chi-square of the exposures against the weights;
- each rate's 95% Wilson interval, for the chart.
"""

import math
from dataclasses import dataclass

from scipy import integrate, stats

CONFIDENCE = 0.95
SRM_THRESHOLD = 0.001  # below this p-value the split is flagged: something is wrong upstream
_Z = stats.norm.ppf(1 - (1 - CONFIDENCE) / 2)


@dataclass(frozen=True)
class Comparison:
    """A variant against control. None where the numbers cannot say (no exposures, say)."""

    uplift: float | None
    uplift_interval: tuple[float, float] | None
    relative_uplift: float | None
    relative_uplift_interval: tuple[float, float] | None
    p_value: float | None
    chance_to_beat_control: float | None


def rate(converted: int, exposed: int) -> float | None:
    return converted / exposed if exposed else None


def rate_interval(converted: int, exposed: int) -> tuple[float, float] | None:
    """The 95% Wilson score interval of a conversion rate (sound near 0, unlike Wald)."""
    if not exposed:
        return None
    p, n = converted / exposed, exposed
    centre = (p + _Z**2 / (2 * n)) / (1 + _Z**2 / n)
    half = _Z * math.sqrt(p * (1 - p) / n + _Z**2 / (4 * n**2)) / (1 + _Z**2 / n)
    return (centre - half, centre + half)


def compare(control: tuple[int, int], variant: tuple[int, int]) -> Comparison:
    """`control` and `variant` are (exposed, converted)."""
    (n1, x1), (n2, x2) = control, variant
    if not n1 or not n2:
        return Comparison(None, None, None, None, None, None)
    p1, p2 = x1 / n1, x2 / n2
    uplift = p2 - p1
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    interval = (uplift - _Z * se, uplift + _Z * se)
    pooled = (x1 + x2) / (n1 + n2)
    se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    p_value = 2 * stats.norm.sf(abs(uplift) / se_pooled) if se_pooled else None
    relative = relative_interval = None
    if x1 and x2:
        relative = p2 / p1 - 1
        log_se = math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2)
        log_ratio = math.log(p2 / p1)
        relative_interval = (math.exp(log_ratio - _Z * log_se) - 1, math.exp(log_ratio + _Z * log_se) - 1)
    return Comparison(uplift, interval, relative, relative_interval, p_value, chance_to_beat(n1, x1, n2, x2))


def chance_to_beat(n1: int, x1: int, n2: int, x2: int) -> float:
    """P(p2 > p1) for p1 ~ Beta(1 + x1, 1 + n1 - x1), p2 ~ Beta(1 + x2, 1 + n2 - x2).

    Integrated against the narrower posterior, over where its mass is, so its peak is never
    missed however unequal the arms: P = integral of density2 * cdf1, or 1 - that of
    density1 * cdf2 when control is the narrower."""
    control = stats.beta(1 + x1, 1 + n1 - x1)
    variant = stats.beta(1 + x2, 1 + n2 - x2)
    narrow, wide, flip = (
        (variant, control, False) if variant.std() <= control.std() else (control, variant, True)
    )
    value, _ = integrate.quad(
        lambda t: narrow.pdf(t) * wide.cdf(t),
        narrow.ppf(1e-13),
        narrow.isf(1e-13),
        points=[narrow.mean()],
        epsabs=1e-12,
        epsrel=1e-10,
        limit=200,
    )
    chance = 1 - value if flip else value
    return min(max(chance, 0.0), 1.0)


def sample_ratio_p_value(exposed: list[int], weights: list[float]) -> float | None:
    """Chi-square goodness of fit of the exposures to the weights; None with no exposures."""
    total = sum(exposed)
    if not total:
        return None
    share = sum(weights)
    expected = [total * weight / share for weight in weights]
    statistic = sum((o - e) ** 2 / e for o, e in zip(exposed, expected, strict=True) if e)
    return float(stats.chi2.sf(statistic, len(exposed) - 1))
