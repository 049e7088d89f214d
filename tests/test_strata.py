"""Pooling across sites: the Mantel-Haenszel estimates are statsmodels' StratifiedTable's to
1e-6, the risk ratio's interval reduces to the log-ratio interval on one site, and in a
simulation where sites differ in base rate and in allocation (bench/strata.py) the stratified
estimate finds the true uplift where naive pooling does not."""

import numpy as np
import pytest
from statsmodels.stats.contingency_tables import StratifiedTable
from statsmodels.stats.proportion import confint_proportions_2indep

from bench.strata import TRUE_UPLIFT, simulate
from service.content.strata import mantel_haenszel

# Per site: (control exposed, converted), (variant exposed, converted).
SETS = [
    [((1000, 120), (4000, 520)), ((3000, 90), (800, 30)), ((1500, 100), (1500, 112))],
    [((200, 20), (180, 25)), ((50, 5), (60, 9))],
    [((20000, 1800), (19800, 1750)), ((300, 12), (350, 20)), ((40, 3), (45, 6)), ((900, 45), (300, 20))],
]


def tables(sites):
    """statsmodels' shape: 2 x 2 x sites, [[variant converted, not], [control converted, not]]."""
    return np.array([[[xv, nv - xv], [xc, nc - xc]] for (nc, xc), (nv, xv) in sites]).transpose(1, 2, 0)


def ours(sites):
    control = np.array([site[0] for site in sites]).T
    variant = np.array([site[1] for site in sites]).T
    return mantel_haenszel(tuple(control), tuple(variant))


@pytest.mark.parametrize("sites", SETS)
def test_the_pooled_estimates_are_statsmodels_stratified_table(sites):
    expected = StratifiedTable(tables(sites))
    found = ours(sites)

    assert float(found["risk_ratio"]) == pytest.approx(expected.riskratio_pooled, abs=1e-6)
    assert float(found["odds_ratio"]) == pytest.approx(expected.oddsratio_pooled, abs=1e-6)
    assert [float(v) for v in found["odds_ratio_interval"]] == pytest.approx(
        expected.oddsratio_pooled_confint(), abs=1e-6
    )
    assert float(found["p_value"]) == pytest.approx(
        expected.test_null_odds(correction=False).pvalue, abs=1e-6
    )


def test_on_one_site_the_risk_ratio_interval_is_the_log_ratio_interval():
    (control, variant) = SETS[0][0]
    found = ours([(control, variant)])
    low, high = confint_proportions_2indep(
        variant[1], variant[0], control[1], control[0], compare="ratio", method="log"
    )
    assert [float(v) for v in found["risk_ratio_interval"]] == pytest.approx((low, high), abs=1e-9)


def test_a_site_where_an_arm_has_no_visitors_is_left_out():
    with_empty = SETS[1] + [((0, 0), (25, 4))]
    assert float(ours(with_empty)["risk_ratio"]) == pytest.approx(
        float(ours(SETS[1])["risk_ratio"]), abs=1e-12
    )
    assert int(ours(with_empty)["sites"]) == 2


def test_stratifying_by_site_removes_the_bias_that_naive_pooling_has():
    found = simulate(experiments=4000, seed=6)

    assert found["stratified, geometric mean"] == pytest.approx(TRUE_UPLIFT, abs=0.008)
    assert found["naive pooling"] > TRUE_UPLIFT + 0.3  # the better site got more of the variant
    assert 0.93 <= found["stratified interval covers the truth"] <= 0.97
