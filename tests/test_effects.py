"""The service's experiment statistics held to GrowthBook's own engine, the gbstats package
(a test-only dependency), to 1e-6: the frequentist t-test on relative (and absolute) uplift,
the sequential test, and the Bayesian Gaussian effect model with its default prior; on the
fixtures gbstats' tests publish and on generated count sets (uneven arms, three or more
variants). Holm's adjustment is held to statsmodels."""

import numpy as np
import pytest
from gbstats.bayesian.tests import EffectBayesianABTest, EffectBayesianConfig
from gbstats.frequentist.tests import (
    FrequentistConfig,
    SequentialConfig,
    SequentialTwoSidedTTest,
    TwoSidedTTest,
)
from gbstats.models.statistics import ProportionStatistic
from statsmodels.stats.multitest import multipletests

from service.content import effects

# (control, variant), each (exposed, converted). The first three are gbstats' own test
# fixtures (tests/frequentist/test_tests.py, tests/bayesian/test_tests.py); the fourth is the
# issue's; then uneven arms and small and large samples.
PUBLISHED = [((28, 14), (30, 16)), ((1471, 62), (1529, 87)), ((100, 49), (100, 51))]
CASES = [
    *PUBLISHED,
    ((1000, 100), (1000, 130)),
    ((5000, 400), (4900, 455)),
    ((250, 12), (2600, 250)),
    ((20000, 1800), (19800, 1750)),
    ((120, 7), (110, 9)),
]


def generated_cases(count=40, seed=20261202):
    """Count sets as clinics see them: a few hundred to tens of thousands of visitors, rates
    from 1% to 40%, arms split evenly or not."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        n_a, n_b = rng.integers(100, 30000, size=2)
        rate = rng.uniform(0.01, 0.4)
        x_a = max(int(rng.binomial(n_a, rate)), 1)
        x_b = max(int(rng.binomial(n_b, rate * rng.uniform(0.8, 1.3))), 1)
        cases.append(((int(n_a), x_a), (int(n_b), x_b)))
    return cases


ALL = CASES + generated_cases()


def stats_of(arm):
    exposed, converted = arm
    return ProportionStatistic(n=exposed, sum=converted)


def ours(control, variant, relative=True):
    return effects.effect(control, variant, relative=relative)


@pytest.mark.parametrize("difference", ["relative", "absolute"])
@pytest.mark.parametrize(("control", "variant"), ALL)
def test_the_fixed_horizon_test_is_gbstats_two_sided_ttest(control, variant, difference):
    expected = TwoSidedTTest(
        stats_of(control), stats_of(variant), FrequentistConfig(difference_type=difference)
    ).compute_result()

    p_value, low, high = effects.fixed_horizon(ours(control, variant, difference == "relative"))

    assert float(ours(control, variant, difference == "relative").estimate) == pytest.approx(
        expected.expected, abs=1e-6
    )
    assert float(p_value) == pytest.approx(expected.p_value, abs=1e-6)
    assert [float(low), float(high)] == pytest.approx(expected.ci, abs=1e-6)


@pytest.mark.parametrize("tuning", [5000, 500, 50000])
@pytest.mark.parametrize(("control", "variant"), ALL)
def test_the_sequential_test_is_gbstats_sequential_two_sided_ttest(control, variant, tuning):
    expected = SequentialTwoSidedTTest(
        stats_of(control), stats_of(variant), SequentialConfig(sequential_tuning_parameter=tuning)
    ).compute_result()

    p_value, low, high = effects.sequential(ours(control, variant), tuning=tuning)

    assert float(p_value) == pytest.approx(expected.p_value, abs=1e-6)
    assert [float(low), float(high)] == pytest.approx(expected.ci, abs=1e-6)


@pytest.mark.parametrize("difference", ["relative", "absolute"])
@pytest.mark.parametrize(("control", "variant"), ALL)
def test_the_bayesian_analysis_is_gbstats_effect_model_with_its_default_prior(control, variant, difference):
    expected = EffectBayesianABTest(
        stats_of(control), stats_of(variant), EffectBayesianConfig(difference_type=difference)
    ).compute_result()

    found = ours(control, variant, difference == "relative")
    chance, low, high = effects.bayesian(found)

    assert float(found.estimate) == pytest.approx(expected.expected, abs=1e-6)
    assert float(chance) == pytest.approx(expected.chance_to_win, abs=1e-6)
    assert [float(low), float(high)] == pytest.approx(expected.ci, abs=1e-6)


def test_the_issues_example_gets_growthbooks_verdict():
    """1000/100 against 1000/130: p = 0.066 and an interval including 0, as GrowthBook says."""
    p_value, low, high = effects.fixed_horizon(ours((1000, 100), (1000, 130)))
    assert round(float(p_value), 3) == 0.066
    assert low < 0 < high


def test_arrays_of_experiments_give_what_each_gives_alone():
    """The simulations run many experiments at once through the same functions."""
    controls, variants = zip(*ALL, strict=True)
    together = effects.sequential(ours(np.array(controls).T, np.array(variants).T))
    for index, (control, variant) in enumerate(ALL):
        alone = effects.sequential(ours(control, variant))
        assert [float(v[index]) for v in together] == pytest.approx([float(v) for v in alone], abs=1e-12)


@pytest.mark.parametrize(
    "p_values",
    [[0.01, 0.04, 0.03], [0.2, 0.001], [0.04, 0.04, 0.04, 0.5], [0.5], [0.01, 0.02, 0.03, 0.04, 0.05]],
)
def test_holm_is_statsmodels_holm(p_values):
    _, expected, _, _ = multipletests(p_values, method="holm")
    assert effects.holm(np.array(p_values)) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("arms", [3, 4, 6])
def test_each_of_several_variants_is_gbstats_against_control(arms):
    rng = np.random.default_rng(arms)
    exposed = rng.integers(500, 5000, size=arms)
    converted = rng.binomial(exposed, 0.08)
    control = (exposed[0], converted[0])
    p_values, lows, highs = effects.sequential(ours(control, (exposed[1:], converted[1:])))
    for index in range(1, arms):
        expected = SequentialTwoSidedTTest(
            stats_of(control), stats_of((exposed[index], converted[index])), SequentialConfig()
        ).compute_result()
        assert float(p_values[index - 1]) == pytest.approx(expected.p_value, abs=1e-6)
        assert [float(lows[index - 1]), float(highs[index - 1])] == pytest.approx(expected.ci, abs=1e-6)
