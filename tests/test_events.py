"""Events from frontends, POST /v1/events: each event of a batch is checked on its own, the
good ones stored once, each bad one named with its index and reason."""

from tests.experiment_factories import EXPERIMENTS, event, visitors


def test_a_batch_stores_the_good_events_and_names_the_bad_ones(client, running):
    (seen_control,) = visitors(running["seed"], "control", 1)
    good = event("exposure", seen_control, "control")
    batch = [
        good,
        event("exposure", seen_control, "nope"),
        {"type": "exposure"},
        event("conversion", seen_control, "control", name="call"),
        event("exposure", seen_control, "heading"),
    ]

    response = client.post("/v1/events", json={"events": batch})

    assert response.status_code == 200
    body = response.json
    assert (body["accepted"], body["stored"], body["duplicates"]) == (1, 1, 0)
    assert [problem["index"] for problem in body["rejected"]] == [1, 2, 3, 4]
    assert "no variant 'nope'" in body["rejected"][0]["reason"]
    assert "event_id" in body["rejected"][1]["reason"]
    assert "conversions named 'booking'" in body["rejected"][2]["reason"]
    assert f"{seen_control!r} is assigned to 'control', not 'heading'" in body["rejected"][3]["reason"]

    again = client.post("/v1/events", json={"events": [good, good]}).json
    assert (again["accepted"], again["stored"], again["duplicates"]) == (2, 0, 2)


def test_events_for_an_experiment_that_is_not_running_are_rejected(client, publisher, running):
    client.post(f"{EXPERIMENTS}/cta-heading/pause", headers=publisher)
    body = client.post("/v1/events", json={"events": [event("exposure", "v1", "control")]}).json
    assert body["accepted"] == 0 and "is paused, not running" in body["rejected"][0]["reason"]
    assert client.post("/v1/events", json={"events": [event("exposure", "v", "x")] * 501}).status_code == 422


def test_a_null_in_a_batch_is_rejected_alone(client, running):
    visitor = visitors(running["seed"], "control", 1)[0]
    body = client.post("/v1/events", json={"events": [None, event("exposure", visitor, "control")]}).json
    assert body["accepted"] == 1
    assert [problem["index"] for problem in body["rejected"]] == [0]
