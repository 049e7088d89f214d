"""Experiments end to end: configure, start, deliver variants to visitors, collect events,
read results, roll out the winner."""

from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
from growthbook import Experiment, GrowthBook

from service.content.assignment import assign
from service.content.statistics import compare
from tests.experiment_factories import EXPERIMENTS, SITE, event, experiment, visitors

DRAFTS = "/v1/manage/articles"
ARTICLE = "/v1/sites/clinic-austin/articles/are-all-types-of-back-pain-treatable-with-stem-cells"


def article_for(client, visitor=None, **params):
    query = "&".join(f"{k}={v}" for k, v in ({"visitor": visitor} if visitor else {} | params).items())
    return client.get(
        f"/v1/sites/clinic-austin/articles/are-all-types-of-back-pain-treatable-with-stem-cells?{query}"
    )


def test_visitors_get_their_variant_deterministically_as_a_growthbook_sdk_would(client, running):
    for visitor in ("visitor-1", "visitor-2", "visitor-3", "visitor-4", "visitor-5", "visitor-6"):
        first, again = article_for(client, visitor), article_for(client, visitor)
        assert first.json == again.json
        expected = ["control", "heading"][assign(running["seed"], visitor, [0.5, 0.5]).variant]
        assignment = first.json["assignment"]
        assert assignment == {
            "experiment": "cta-heading",
            "variant": expected,
            "in_experiment": True,
            "variant_url": f"{ARTICLE}/variants/cta-heading/{expected}",
        }
        heading = first.json["call_to_action"]["heading"]
        assert heading == (None if expected == "control" else "Talk to a spine specialist")
        assert first.headers["Cache-Control"].startswith("private")

        shared = client.get(assignment["variant_url"])
        assert shared.json["call_to_action"]["heading"] == heading
        assert shared.headers["Cache-Control"].startswith("public")


def test_outside_coverage_visitors_see_control_and_are_not_in_the_experiment(
    client, publisher, live_article, approve_variants
):
    client.post(EXPERIMENTS, json=experiment(live_article, coverage=0.0), headers=publisher)
    approve_variants("cta-heading")
    client.post(f"{EXPERIMENTS}/cta-heading/start", headers=publisher)

    assignment = article_for(client, "anyone").json["assignment"]

    assert (assignment["variant"], assignment["in_experiment"]) == ("control", False)
    refused = client.post("/v1/events", json={"events": [event("exposure", "anyone", "control")]}).json
    assert "outside the experiment's coverage" in refused["rejected"][0]["reason"]


def test_visitors_beyond_ascii_get_the_growthbook_sdks_variant_and_their_events_count(client, running):
    """An edge that assigns with GrowthBook's SDK reports what the service would have chosen,
    for ids with accents, CJK and emoji (beyond the BMP) alike."""
    sdk = GrowthBook(attributes={})
    sdk_experiment = Experiment(
        key="cta-heading", variations=["control", "heading"], hashVersion=2, seed=running["seed"]
    )
    for visitor in ("émilie-42", "患者-7", "😀-visitor", "𠀋🩺x", "v-🎉🎉"):
        sdk.set_attributes({"id": visitor})
        expected = sdk.run(sdk_experiment).value
        assignment = article_for(client, quote(visitor)).json["assignment"]
        assert assignment["variant"] == expected, visitor
        stored = client.post("/v1/events", json={"events": [event("exposure", visitor, expected)]}).json
        assert (stored["stored"], stored["rejected"]) == (1, []), visitor


def test_a_qa_override_forces_a_variant(client, running):
    forced = client.get(f"{ARTICLE}?variant=heading")
    assert forced.json["assignment"]["variant"] == "heading"
    unknown = client.get(f"{ARTICLE}?variant=nope")
    assert unknown.status_code == 404


def test_weights_variants_and_coverage_are_frozen_while_running(client, publisher, running, live_article):
    changed = experiment(live_article)
    changed["variants"][0]["weight"], changed["variants"][1]["weight"] = 0.7, 0.3
    assert client.put(f"{EXPERIMENTS}/cta-heading", json=changed, headers=publisher).status_code == 409
    assert (
        client.put(
            f"{EXPERIMENTS}/cta-heading",
            json=experiment(live_article, hypothesis="Sharper."),
            headers=publisher,
        ).json["hypothesis"]
        == "Sharper."
    )

    client.post(f"{EXPERIMENTS}/cta-heading/stop", headers=publisher)
    assert client.post(f"{EXPERIMENTS}/cta-heading/start", headers=publisher).status_code == 409
    restarted = client.post(f"{EXPERIMENTS}/cta-heading/restart", headers=publisher).json
    assert restarted["status"] == "running" and restarted["seed"] != running["seed"]


def test_one_experiment_runs_per_article(client, publisher, running, live_article):
    client.post(EXPERIMENTS, json=experiment(live_article, key="second"), headers=publisher)
    assert client.post(f"{EXPERIMENTS}/second/start", headers=publisher).status_code == 409


def test_a_variant_overlay_that_does_not_fit_the_article_is_422(client, publisher, live_article):
    bad = experiment(live_article)
    bad["variants"][1]["overlay"] = {"hide": {"faqs": ["nope"]}}
    bad["variants"][1]["weight"] = 0.6

    response = client.post(EXPERIMENTS, json=bad, headers=publisher)

    assert response.status_code == 422
    fields = {error["field"] for error in response.json["errors"]}
    assert fields == {"variants", "variants[1].overlay.hide.faqs"}


def test_results_count_visitors_who_converted_after_exposure(client, auth, running):
    started = datetime.fromisoformat(running["started_at"])

    def seconds_in(seconds: int) -> str:
        """A time of the run: after the start, and within the clock skew allowed ahead of now."""
        return (started + timedelta(seconds=seconds)).isoformat()

    events = []
    exposed = {"control": 200, "heading": 220}
    converting = {"control": 20, "heading": 35}
    assigned = {variant: visitors(running["seed"], variant, count) for variant, count in exposed.items()}
    for variant in exposed:
        for n, visitor in enumerate(assigned[variant]):
            events.append(event("exposure", visitor, variant, at=seconds_in(10)))
            events.append(event("exposure", visitor, variant, at=seconds_in(20)))  # seen twice
            if n < converting[variant]:
                events.append(event("conversion", visitor, variant, name="booking", at=seconds_in(30)))
    early = assigned["control"][150]  # converted before being exposed: not counted
    events.append(event("conversion", early, "control", name="booking", at=seconds_in(0)))
    for start in range(0, len(events), 500):
        assert client.post("/v1/events", json={"events": events[start : start + 500]}).json["rejected"] == []

    results = client.get(
        f"{EXPERIMENTS}/cta-heading/results?analysis=exact&difference=absolute", headers=auth("viewer")
    ).json

    control, heading = results["variants"]
    assert (control["exposed"], control["converted"]) == (200, 20)  # the early conversion does not count
    assert (heading["exposed"], heading["converted"]) == (220, 35)
    expected = compare((200, 20), (220, 35))
    assert heading["p_value"] == pytest.approx(expected.p_value, abs=1e-12)
    assert heading["chance_to_beat_control"] == pytest.approx(expected.chance_to_beat_control, abs=1e-12)
    assert heading["uplift_interval"] == pytest.approx(list(expected.uplift_interval), abs=1e-12)
    assert results["sample_ratio_mismatch"] is False


def test_the_winner_is_rolled_out_to_the_draft(client, publisher, running, live_article):
    assert (
        client.post(
            f"{EXPERIMENTS}/cta-heading/rollout", json={"variant": "heading"}, headers=publisher
        ).status_code
        == 409
    )
    client.post(f"{EXPERIMENTS}/cta-heading/stop", headers=publisher)

    rolled = client.post(f"{EXPERIMENTS}/cta-heading/rollout", json={"variant": "heading"}, headers=publisher)

    assert rolled.json["winner"] == "heading"
    draft = client.get(f"{DRAFTS}/{live_article}", headers=publisher).json
    assert draft["call_to_action"]["heading"] == "Talk to a spine specialist"


def test_results_come_as_a_chart_too(client, auth, running):
    client.post(
        "/v1/events",
        json={
            "events": [
                event("exposure", visitors(running["seed"], "control", 1)[0], "control"),
                event("exposure", visitors(running["seed"], "heading", 1)[0], "heading"),
            ]
        },
    )

    chart = client.get(f"{EXPERIMENTS}/cta-heading/results.svg", headers=auth("viewer"))

    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    svg = chart.get_data(as_text=True)
    assert svg.startswith("<svg") and "control (0/1)" in svg and "heading (0/1)" in svg


def test_an_experiment_naming_an_unknown_site_is_422(client, publisher, live_article):
    response = client.post(
        EXPERIMENTS, json=experiment(live_article, sites=["clinic-nowhere"]), headers=publisher
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "sites"


def test_variant_text_is_filled_with_the_sites_variables(
    client, auth, publisher, live_article, approve_variants
):
    client.put(
        "/v1/manage/sites/clinic-austin",
        json={**SITE, "variables": {"phone": "512-555-0100"}},
        headers=auth("admin"),
    )
    config = experiment(live_article)
    config["variants"][1]["overlay"] = {"fields": {"call_to_action": {"heading": "Call {{site.phone}}"}}}
    assert client.post(EXPERIMENTS, json=config, headers=publisher).status_code == 201
    approve_variants("cta-heading")
    client.post(f"{EXPERIMENTS}/cta-heading/start", headers=publisher)

    forced = client.get(f"{ARTICLE}?variant=heading")

    assert forced.json["call_to_action"]["heading"] == "Call 512-555-0100"
    assert forced.json["assignment"]["in_experiment"] is False  # QA views are not exposures


def test_a_variant_using_a_variable_a_site_lacks_is_refused(client, publisher, live_article):
    config = experiment(live_article)
    config["variants"][1]["overlay"] = {"fields": {"call_to_action": {"heading": "In {{site.city}}"}}}
    response = client.post(EXPERIMENTS, json=config, headers=publisher)
    assert response.status_code == 409
    assert "clinic-austin lacks city" in response.json["detail"]


def test_a_paused_experiment_is_frozen_too(client, publisher, running, live_article):
    client.post(f"{EXPERIMENTS}/cta-heading/pause", headers=publisher)
    changed = experiment(live_article, coverage=0.5)
    response = client.put(f"{EXPERIMENTS}/cta-heading", json=changed, headers=publisher)
    assert response.status_code == 409
    assert "Coverage cannot change while the experiment is paused" in response.json["detail"]


def test_after_a_restart_results_count_only_the_new_run(client, auth, publisher, running):
    (before,) = visitors(running["seed"], "control", 1)
    old = [event("exposure", before, "control"), event("conversion", before, "control", name="booking")]
    assert client.post("/v1/events", json={"events": old}).json["stored"] == 2
    client.post(f"{EXPERIMENTS}/cta-heading/stop", headers=publisher)
    seed = client.post(f"{EXPERIMENTS}/cta-heading/restart", headers=publisher).json["seed"]
    (after,) = visitors(seed, "control", 1)
    assert (
        client.post("/v1/events", json={"events": [event("exposure", after, "control")]}).json["stored"] == 1
    )

    control = client.get(f"{EXPERIMENTS}/cta-heading/results", headers=auth("viewer")).json["variants"][0]

    assert (control["exposed"], control["converted"]) == (1, 0)
