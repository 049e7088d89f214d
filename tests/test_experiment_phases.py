"""An experiment's phases, as GrowthBook counts them: a start opens one with the seed,
coverage and weights visitors are dealt by; a stop ends it; a restart (after a change of
weights, say) opens the next. A pause stays in one phase."""

from tests.experiment_factories import EXPERIMENTS, experiment

URL = f"{EXPERIMENTS}/cta-heading"


def test_a_start_opens_a_phase_a_stop_ends_it_and_a_restart_with_new_weights_opens_the_next(
    client, publisher, running, live_article, approve_variants
):
    (first,) = running["phases"]
    assert (first["number"], first["ended_at"], first["seed"], first["coverage"]) == (
        1,
        None,
        running["seed"],
        1.0,
    )
    assert first["started_at"] == running["started_at"]
    assert first["weights"] == [{"variant": "control", "weight": 0.5}, {"variant": "heading", "weight": 0.5}]
    client.post(f"{URL}/pause", headers=publisher)
    assert client.post(f"{URL}/start", headers=publisher).json["phases"] == [first]  # resumed: one phase

    stopped = client.post(f"{URL}/stop", headers=publisher).json
    assert stopped["phases"] == [first | {"ended_at": stopped["stopped_at"]}]
    reweighted = experiment(live_article, coverage=0.5)
    reweighted["variants"][0]["weight"], reweighted["variants"][1]["weight"] = 0.7, 0.3
    assert client.put(URL, json=reweighted, headers=publisher).status_code == 200
    approve_variants("cta-heading")
    restarted = client.post(f"{URL}/restart", headers=publisher).json

    ended, second = client.get(URL, headers=publisher).json["phases"]
    assert ended == stopped["phases"][0]
    assert (second["number"], second["seed"], second["coverage"], second["ended_at"]) == (
        2,
        restarted["seed"],
        0.5,
        None,
    )
    assert second["weights"] == [{"variant": "control", "weight": 0.7}, {"variant": "heading", "weight": 0.3}]
    assert second["started_at"] == restarted["started_at"] and second["seed"] != first["seed"]
    assert second["variants_version"] == restarted["live_variants_version"] != first["variants_version"]


def test_an_experiment_never_started_has_no_phase(client, publisher, live_article):
    created = client.post(EXPERIMENTS, json=experiment(live_article), headers=publisher).json
    assert created["phases"] == []
