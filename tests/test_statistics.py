"""Experiment statistics against independent implementations: statsmodels for the
two-proportion tests and intervals, scipy for the chi-square, and Evan Miller's closed form
for the Bayesian chance to beat control. All to 1e-6."""

import math

import numpy as np
import pytest
from scipy import special, stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from service.content.statistics import compare, sample_ratio_p_value

CASES = [
    ((1000, 100), (1000, 120)),
    ((5000, 400), (4900, 455)),
    ((250, 12), (260, 25)),
    ((20000, 1800), (19800, 1750)),
    ((80, 40), (85, 60)),
]


def closed_form_chance_to_beat(n1, x1, n2, x2):
    """Evan Miller: P(B > A) = sum_{i<alpha_B} B(alpha_A+i, beta_A+beta_B) /
    ((beta_B+i) B(1+i, beta_B) B(alpha_A, beta_A)), with Beta(1+x, 1+n-x) posteriors."""
    a_a, b_a, a_b, b_b = 1 + x1, 1 + n1 - x1, 1 + x2, 1 + n2 - x2
    i = np.arange(a_b)
    log_terms = (
        special.betaln(a_a + i, b_a + b_b)
        - np.log(b_b + i)
        - special.betaln(1 + i, b_b)
        - special.betaln(a_a, b_a)
    )
    return float(np.exp(log_terms).sum())


@pytest.mark.parametrize(("control", "variant"), CASES)
def test_the_z_test_matches_statsmodels(control, variant):
    (n1, x1), (n2, x2) = control, variant
    _, expected = proportions_ztest([x2, x1], [n2, n1])
    assert compare(control, variant).p_value == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(("control", "variant"), CASES)
def test_the_uplift_intervals_match_statsmodels(control, variant):
    (n1, x1), (n2, x2) = control, variant
    result = compare(control, variant)

    low, high = confint_proportions_2indep(x2, n2, x1, n1, method="wald", compare="diff")
    assert result.uplift == pytest.approx(x2 / n2 - x1 / n1, abs=1e-12)
    assert result.uplift_interval == pytest.approx((low, high), abs=1e-6)

    low, high = confint_proportions_2indep(x2, n2, x1, n1, method="log", compare="ratio")
    assert result.relative_uplift_interval == pytest.approx((low - 1, high - 1), abs=1e-6)


@pytest.mark.parametrize(("control", "variant"), CASES)
def test_the_chance_to_beat_control_matches_the_closed_form(control, variant):
    (n1, x1), (n2, x2) = control, variant
    expected = closed_form_chance_to_beat(n1, x1, n2, x2)
    assert compare(control, variant).chance_to_beat_control == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("exposed", "weights"),
    [
        ([5000, 5000], [0.5, 0.5]),
        ([5100, 4900], [0.5, 0.5]),
        ([2000, 3100, 4900], [0.2, 0.3, 0.5]),
        ([900, 1100], [1, 1]),
    ],
)
def test_the_sample_ratio_check_matches_scipy(exposed, weights):
    total = sum(exposed)
    expected = stats.chisquare(exposed, [total * w / sum(weights) for w in weights]).pvalue
    assert sample_ratio_p_value(exposed, weights) == pytest.approx(expected, abs=1e-6)


def test_empty_groups_give_no_numbers_rather_than_errors():
    assert compare((0, 0), (10, 1)).p_value is None
    assert compare((10, 0), (10, 0)).relative_uplift is None
    assert sample_ratio_p_value([0, 0], [0.5, 0.5]) is None
    assert math.isclose(compare((10, 0), (10, 0)).uplift, 0.0)


@pytest.mark.parametrize(("exposed", "converted"), [(1000, 100), (250, 0), (80, 80), (20000, 1800)])
def test_the_rate_interval_matches_statsmodels_wilson(exposed, converted):
    from statsmodels.stats.proportion import proportion_confint

    from service.content.statistics import rate_interval

    expected = proportion_confint(converted, exposed, alpha=0.05, method="wilson")
    assert rate_interval(converted, exposed) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("control", "variant"),
    [((20, 0), (100000, 2000)), ((3, 1), (1000000, 300000)), ((100000, 2000), (20, 0))],
)
def test_the_chance_to_beat_control_holds_for_very_unequal_arms(control, variant):
    (n1, x1), (n2, x2) = control, variant
    expected = closed_form_chance_to_beat(n1, x1, n2, x2)
    assert compare(control, variant).chance_to_beat_control == pytest.approx(expected, abs=1e-6)
