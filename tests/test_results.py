"""Results through the API: the sequential default and the other analyses on request, the
minimums and verdicts, several sites with skewed allocations (per-site rows, sample-ratio
checks, the stratified estimate), day by day, and the chart."""

import numpy as np
import pytest
from gbstats.frequentist.tests import (
    FrequentistConfig,
    SequentialConfig,
    SequentialTwoSidedTTest,
    TwoSidedTTest,
)
from gbstats.models.statistics import ProportionStatistic
from statsmodels.stats.contingency_tables import StratifiedTable

from bench.floors import RESULTS_SQL
from service.content.results import count_visitors
from service.content.statistics import compare
from service.models import Experiment
from tests.experiment_factories import EXPERIMENTS, experiment, post_counts


def results_of(client, auth, **query):
    response = client.get(f"{EXPERIMENTS}/cta-heading/results", query_string=query, headers=auth("viewer"))
    assert response.status_code == 200, response.json
    return response.json


def gbstats(control, variant, test=SequentialTwoSidedTTest, config=None):
    stat = [ProportionStatistic(n=n, sum=x) for n, x in (control, variant)]
    return test(*stat, config or SequentialConfig()).compute_result()


def test_by_default_results_are_gbstats_sequential_test_on_relative_uplift(client, auth, running):
    post_counts(
        client,
        running["seed"],
        {("clinic-austin", "control"): (300, 30), ("clinic-austin", "heading"): (320, 52)},
    )

    results = results_of(client, auth)

    assert results["analysis"]["method"] == "sequential" and results["analysis"]["sequential_tuning"] == 5000
    heading = results["variants"][1]
    expected = gbstats((300, 30), (320, 52))
    assert heading["uplift"] == pytest.approx(expected.expected, abs=1e-9)
    assert heading["uplift_interval"] == pytest.approx(expected.ci, abs=1e-9)
    assert heading["p_value"] == pytest.approx(expected.p_value, abs=1e-9)
    assert results["summary"].startswith(("No winner yet", "heading beats control"))


def test_fixed_absolute_and_exact_analyses_come_on_request(client, auth, running):
    post_counts(
        client,
        running["seed"],
        {("clinic-austin", "control"): (200, 20), ("clinic-austin", "heading"): (220, 35)},
    )

    fixed = results_of(client, auth, analysis="fixed", difference="absolute")["variants"][1]
    exact = results_of(client, auth, analysis="exact")["variants"][1]

    expected = gbstats((200, 20), (220, 35), TwoSidedTTest, FrequentistConfig(difference_type="absolute"))
    assert fixed["uplift_interval"] == pytest.approx(expected.ci, abs=1e-9)
    assert fixed["p_value"] == pytest.approx(expected.p_value, abs=1e-9)
    old = compare((200, 20), (220, 35))
    assert exact["p_value"] == pytest.approx(old.p_value, abs=1e-12)
    assert exact["uplift_interval"] == pytest.approx(list(old.relative_uplift_interval), abs=1e-12)
    assert exact["chance_to_beat_control"] == pytest.approx(old.chance_to_beat_control, abs=1e-12)


def test_an_unknown_analysis_is_422(client, auth, running):
    response = client.get(f"{EXPERIMENTS}/cta-heading/results?analysis=magic", headers=auth("viewer"))
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "analysis"


@pytest.mark.parametrize(
    "counts", [((1, 1), (1, 0)), ((99, 30), (150, 40)), ((400, 4), (400, 30)), ((300, 298), (300, 250))]
)
def test_below_the_minimums_the_verdict_is_not_enough_data_and_no_interval_is_given(
    client, auth, running, counts
):
    control, heading = counts
    post_counts(
        client,
        running["seed"],
        {("clinic-austin", "control"): control, ("clinic-austin", "heading"): heading},
    )

    for analysis in ("sequential", "fixed", "bayesian", "exact"):
        results = results_of(client, auth, analysis=analysis)
        row = results["variants"][1]
        assert (results["verdict"], results["winner"]) == ("not enough data", None)
        assert row["verdict"] == "not enough data"
        assert row["uplift_interval"] is None and row["chance_to_beat_control"] is None
        assert results["stratified"][0]["relative_uplift_interval"] is None
        assert all(point["uplift_interval"] == [None] for point in results["timeline"])
        assert results["summary"].startswith("Not enough data yet")
        for arm in results["variants"]:  # the rates' own intervals are never a point
            low, high = arm["conversion_rate_interval"]
            assert high - low > 0.01


def test_a_clear_winner_is_named_in_plain_words(client, auth, running):
    post_counts(
        client,
        running["seed"],
        {("clinic-austin", "control"): (900, 45), ("clinic-austin", "heading"): (900, 130)},
    )

    results = results_of(client, auth)

    assert (results["verdict"], results["winner"]) == ("winner", "heading")
    assert results["variants"][1]["verdict"] == "better than control"
    assert results["summary"].startswith("heading beats control: +188.9%")
    absolute = results_of(client, auth, difference="absolute")  # 14.4% against 5.0%
    assert absolute["summary"].startswith("heading beats control: +9.4 points (somewhere between +")


def test_three_variants_get_holm_adjusted_p_values(client, auth, publisher, live_article):
    config = experiment(live_article)
    config["variants"] = [
        {"key": "control", "name": "Control", "weight": 0.34},
        {"key": "heading", "name": "Heading", "weight": 0.33},
        {"key": "third", "name": "Third", "weight": 0.33},
    ]
    client.post(EXPERIMENTS, json=config, headers=publisher)
    seed = client.post(f"{EXPERIMENTS}/cta-heading/start", headers=publisher).json["seed"]
    post_counts(
        client,
        seed,
        {
            ("clinic-austin", "control"): (300, 30),
            ("clinic-austin", "heading"): (300, 45),
            ("clinic-austin", "third"): (300, 33),
        },
        arms={"control": 0.34, "heading": 0.33, "third": 0.33},
    )

    rows = results_of(client, auth)["variants"][1:]

    raw = [row["p_value"] for row in rows]
    expected = [gbstats((300, 30), counts).p_value for counts in ((300, 45), (300, 33))]
    assert raw == pytest.approx(expected, abs=1e-9)
    low, high = sorted(raw)
    assert sorted(row["adjusted_p_value"] for row in rows) == pytest.approx(
        [min(2 * low, 1), max(min(2 * low, 1), high)]
    )


@pytest.fixture
def two_sites(two_site_experiment):
    """Austin converts better and got mostly the heading; Denver mostly control (an
    allocation gone wrong on each)."""
    return two_site_experiment(
        {
            ("clinic-austin", "control"): (200, 30),
            ("clinic-austin", "heading"): (800, 128),
            ("clinic-denver", "control"): (800, 24),
            ("clinic-denver", "heading"): (200, 7),
        }
    )


def test_several_sites_get_their_own_rows_checks_and_a_stratified_estimate(client, auth, two_sites):
    results = results_of(client, auth)

    sites = {site["site"]: site for site in results["sites"]}
    assert set(sites) == {"clinic-austin", "clinic-denver"}
    for key, site in sites.items():
        assert [(row["exposed"], row["converted"]) for row in site["variants"]] == [
            two_sites[(key, "control")],
            two_sites[(key, "heading")],
        ]
        assert site["sample_ratio_mismatch"] is True  # 200 against 800 at 50/50
    tables = np.array(
        [
            [
                [two_sites[(s, "heading")][1], two_sites[(s, "heading")][0] - two_sites[(s, "heading")][1]],
                [two_sites[(s, "control")][1], two_sites[(s, "control")][0] - two_sites[(s, "control")][1]],
            ]
            for s in ("clinic-austin", "clinic-denver")
        ]
    ).transpose(1, 2, 0)
    expected = StratifiedTable(tables)
    (stratified,) = results["stratified"]
    assert stratified["relative_uplift"] == pytest.approx(expected.riskratio_pooled - 1, abs=1e-6)
    assert stratified["odds_ratio_interval"] == pytest.approx(expected.oddsratio_pooled_confint(), abs=1e-6)
    assert stratified["p_value"] == pytest.approx(expected.test_null_odds().pvalue, abs=1e-6)
    # Pooled naively, the heading looks far better than within either site.
    naive = results["variants"][1]["uplift"]
    assert naive > 1.0 and abs(stratified["relative_uplift"]) < 0.2


def test_the_timeline_is_cumulative_by_day(client, auth, running):
    post_counts(
        client,
        running["seed"],
        {("clinic-austin", "control"): (300, 30), ("clinic-austin", "heading"): (300, 40)},
    )

    (today,) = results_of(client, auth)["timeline"]

    assert (today["exposed"], today["converted"]) == ([300, 300], [30, 40])
    assert today["uplift"] == [pytest.approx(gbstats((300, 30), (300, 40)).expected, abs=1e-9)]


def test_the_chart_has_an_axis_and_draws_no_bar_for_an_arm_below_the_minimums(client, auth, running):
    post_counts(
        client,
        running["seed"],
        {("clinic-austin", "control"): (1, 1), ("clinic-austin", "heading"): (400, 40)},
    )

    svg = client.get(f"{EXPERIMENTS}/cta-heading/results.svg", headers=auth("viewer")).get_data(as_text=True)

    assert svg.count("<rect") == 1  # the heading's bar only: 1/1 is not a rate to draw
    assert "not enough data" in svg and "conversion rate" in svg
    assert svg.count('class="tick"') >= 4
    assert 'class="rate"' in svg and ">10.0%</text>" in svg


def test_each_experiment_may_tune_its_sequential_test(
    client, auth, publisher, live_article, approve_variants
):
    client.post(EXPERIMENTS, json=experiment(live_article, sequential_tuning=500), headers=publisher)
    approve_variants("cta-heading")
    seed = client.post(f"{EXPERIMENTS}/cta-heading/start", headers=publisher).json["seed"]
    post_counts(
        client, seed, {("clinic-austin", "control"): (300, 30), ("clinic-austin", "heading"): (320, 52)}
    )

    results = results_of(client, auth)

    assert results["analysis"]["sequential_tuning"] == 500
    expected = gbstats((300, 30), (320, 52), config=SequentialConfig(sequential_tuning_parameter=500))
    assert results["variants"][1]["p_value"] == pytest.approx(expected.p_value, abs=1e-9)
    assert results["variants"][1]["uplift_interval"] == pytest.approx(expected.ci, abs=1e-9)
    changed = client.put(
        f"{EXPERIMENTS}/cta-heading", json=experiment(live_article, sequential_tuning=5000), headers=publisher
    )
    assert changed.status_code == 409  # not while it runs: the guarantee holds for one tuning


def test_the_bench_floor_is_the_very_aggregate_results_count(app, session, two_sites):
    """make bench holds results to one raw statement (bench.floors): it must count what the
    service counts, per variant, site and day, or the ratio compares unlike work."""
    experiment = session.query(Experiment).filter_by(key="cta-heading").one()
    ours = count_visitors(session, experiment)
    floor = session.execute(
        RESULTS_SQL, {"goal": experiment.goal, "experiment_id": experiment.id, "since": experiment.started_at}
    ).all()

    assert {(variant, site, str(day)[:10]): (n, x) for variant, site, day, n, x in floor} == ours
    assert {(site, variant): counts for (variant, site, _), counts in ours.items()} == two_sites
