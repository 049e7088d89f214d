"""The planner: fixed-horizon sample sizes equal statsmodels' power solver (to 1%), the
sequential plan reaches its power (simulated), days come from the sites' observed traffic or
a figure given, and an experiment that cannot finish in MAX_EXPERIMENT_DAYS does not start
unless forced with a reason, which the audit log keeps."""

import numpy as np
import pytest
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

from service.content import effects
from service.content.planning import PlanInput, visitors_needed
from tests.experiment_factories import EXPERIMENTS, experiment, post_counts

PLAN = f"{EXPERIMENTS}/plan"


@pytest.mark.parametrize(
    ("baseline", "mde", "weights"),
    [
        (0.05, 0.2, (0.5, 0.5)),
        (0.1, 0.1, (0.5, 0.5)),
        (0.02, 0.5, (0.3, 0.7)),
        (0.3, 0.05, (0.5, 0.5)),
        (0.08, 0.25, (0.34, 0.33, 0.33)),
    ],
)
def test_fixed_horizon_sizes_are_statsmodels_power_solvers(baseline, mde, weights):
    per_arm = visitors_needed(PlanInput(baseline, mde, weights, sequential=False))

    comparisons = len(weights) - 1
    control = NormalIndPower().solve_power(
        proportion_effectsize(baseline * (1 + mde), baseline),
        alpha=0.05 / comparisons,
        power=0.8,
        ratio=weights[1] / weights[0],
    )
    assert per_arm[0] == pytest.approx(control, rel=0.01)
    assert per_arm[1] == pytest.approx(control * weights[1] / weights[0], rel=0.01)


def test_a_sequential_plan_finds_its_effect_with_at_least_its_power():
    per_arm = visitors_needed(PlanInput(0.05, 0.2, (0.5, 0.5)))
    assert per_arm[0] > visitors_needed(PlanInput(0.05, 0.2, (0.5, 0.5), sequential=False))[0]

    rng = np.random.default_rng(3)
    n = per_arm[0]
    control, variant = rng.binomial(n, 0.05, 4000), rng.binomial(n, 0.06, 4000)
    _, low, _ = effects.sequential(effects.effect((n, control), (n, variant)))
    # At least the power planned for (the normal approximation is a little conservative here).
    assert 0.8 <= np.mean(low > 0) <= 0.88


def test_the_planner_answers_days_at_a_given_traffic(client, auth):
    body = {
        "baseline_rate": 0.05,
        "minimum_detectable_effect": 0.2,
        "method": "fixed",
        "visitors_per_day": 200,
    }

    plan = client.post(PLAN, json=body, headers=auth("viewer")).json

    expected = NormalIndPower().solve_power(proportion_effectsize(0.06, 0.05), alpha=0.05, power=0.8, ratio=1)
    assert plan["visitors_per_arm"][0] == pytest.approx(expected, rel=0.01)
    assert plan["days_needed"] == -(-plan["total_visitors"] // 200)  # 82 days
    assert plan["fits"] is False and plan["max_experiment_days"] == 56


def test_the_planner_uses_the_sites_traffic_over_the_last_28_days(client, auth, running):
    post_counts(
        client,
        running["seed"],
        {("clinic-austin", "control"): (140, 0), ("clinic-austin", "heading"): (140, 0)},
    )

    plan = client.post(
        PLAN,
        json={"baseline_rate": 0.3, "minimum_detectable_effect": 0.5, "sites": ["clinic-austin"]},
        headers=auth("viewer"),
    ).json
    elsewhere = client.post(
        PLAN,
        json={"baseline_rate": 0.3, "minimum_detectable_effect": 0.5, "sites": ["clinic-nowhere"]},
        headers=auth("viewer"),
    ).json

    assert plan["visitors_per_day"] == pytest.approx(280 / 28)
    assert plan["days_needed"] == -(-plan["total_visitors"] // 10)
    assert (elsewhere["visitors_per_day"], elsewhere["days_needed"], elsewhere["fits"]) == (None, None, None)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"baseline_rate": 1.5, "minimum_detectable_effect": 0.2},
        {"baseline_rate": 0.05, "minimum_detectable_effect": 0.2, "weights": [1]},
    ],
)
def test_a_bad_plan_is_422(client, auth, body):
    assert client.post(PLAN, json=body, headers=auth("viewer")).status_code == 422


def test_an_experiment_that_cannot_finish_in_time_does_not_start_unless_forced(
    client, auth, publisher, running, live_article, approve_variants
):
    post_counts(
        client,
        running["seed"],
        {("clinic-austin", "control"): (50, 0), ("clinic-austin", "heading"): (50, 0)},
    )
    client.post(f"{EXPERIMENTS}/cta-heading/stop", headers=publisher)
    planned = experiment(live_article, key="small-effect", baseline_rate=0.05, minimum_detectable_effect=0.05)
    assert client.post(EXPERIMENTS, json=planned, headers=publisher).status_code == 201
    approve_variants("small-effect")

    refused = client.post(f"{EXPERIMENTS}/small-effect/start", headers=publisher)
    unexplained = client.post(
        f"{EXPERIMENTS}/small-effect/start", json={"force_reason": " "}, headers=publisher
    )
    forced = client.post(
        f"{EXPERIMENTS}/small-effect/start", json={"force_reason": "Spring campaign"}, headers=publisher
    )

    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    assert refused.json["plan"]["fits"] is False and refused.json["plan"]["days_needed"] > 56
    assert unexplained.status_code == 422  # a blank reason is none
    assert forced.status_code == 200 and forced.json["status"] == "running"
    entry = client.get("/v1/manage/audit", headers=auth("admin")).json[0]
    assert entry["action"] == "experiment.start" and entry["details"]["forced"] == "Spring campaign"


def test_weights_too_uneven_to_plan_are_422(client, auth):
    body = {"baseline_rate": 0.05, "minimum_detectable_effect": 0.2, "weights": [0.99999, 1e-300]}
    response = client.post(PLAN, json=body, headers=auth("viewer"))
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "weights"


def test_no_experiment_may_be_keyed_like_the_planner(client, publisher, live_article):
    response = client.post(EXPERIMENTS, json=experiment(live_article, key="plan"), headers=publisher)
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "key"
    assert client.options(PLAN).headers["Allow"].split(", ").count("GET") == 0
