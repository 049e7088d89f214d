"""An experiment's variant overlays change medical text for the visitors dealt them: they go
live, when the experiment starts, only as a reviewer approved them."""

from tests.conftest import REVIEWS
from tests.experiment_factories import EXPERIMENTS, experiment, visitors

SLUG = "are-all-types-of-back-pain-treatable-with-stem-cells"
HEADING = "Talk to a spine specialist"


def test_an_experiment_starts_only_with_its_variants_approved(client, publisher, reviewer, live_article):
    assert client.post(EXPERIMENTS, json=experiment(live_article), headers=publisher).status_code == 201
    refused = client.post(f"{EXPERIMENTS}/cta-heading/start", headers=publisher)
    assert refused.status_code == 409 and "approved version" in refused.json["detail"]

    review = client.post(f"{EXPERIMENTS}/cta-heading/reviews", json={}, headers=publisher).json
    assert review["experiment_id"] is not None and review["status"] == "in_review"
    pinned = client.get(f"{REVIEWS}/{review['id']}", headers=reviewer).json["document"]
    assert pinned["variants"][1]["overlay"]["fields"]["call_to_action"]["heading"] == HEADING
    assert client.post(f"{REVIEWS}/{review['id']}/approve", json={}, headers=reviewer).status_code == 200

    started = client.post(f"{EXPERIMENTS}/cta-heading/start", headers=publisher)
    assert started.status_code == 200
    assert client.get(f"{REVIEWS}/{review['id']}", headers=reviewer).json["status"] == "published"
    (visitor,) = visitors(started.json["seed"], "heading", 1)
    shown = client.get(f"/v1/sites/clinic-austin/articles/{SLUG}?visitor={visitor}").json
    assert shown["call_to_action"]["heading"] == HEADING


def test_changing_the_variants_voids_their_approval_and_is_diffed(
    client, publisher, reviewer, live_article, approve_variants
):
    config = experiment(live_article)
    client.post(EXPERIMENTS, json=config, headers=publisher)
    approved = approve_variants("cta-heading")
    config["variants"][1]["overlay"] = {"fields": {"call_to_action": {"heading": "Cured in a week"}}}

    assert client.put(f"{EXPERIMENTS}/cta-heading", json=config, headers=publisher).status_code == 200

    assert client.get(f"{REVIEWS}/{approved['id']}", headers=reviewer).json["status"] == "voided"
    assert client.post(f"{EXPERIMENTS}/cta-heading/start", headers=publisher).status_code == 409
    entry = client.get("/v1/manage/audit", headers=publisher).json[0]
    assert entry["action"] == "experiment.updated" and entry["details"]["voided_reviews"] == [approved["id"]]
    assert entry["details"]["diff"] == [
        {
            "field": "variants.heading.overlay.fields.call_to_action.heading",
            "before": HEADING,
            "after": "Cured in a week",
        }
    ]


def test_a_restart_of_the_same_variants_needs_no_new_review(client, publisher, running):
    client.post(f"{EXPERIMENTS}/cta-heading/stop", headers=publisher)
    assert client.post(f"{EXPERIMENTS}/cta-heading/restart", headers=publisher).status_code == 200


def test_comments_on_variants_point_at_a_variant_or_its_overlay(client, publisher, reviewer, live_article):
    client.post(EXPERIMENTS, json=experiment(live_article), headers=publisher)
    review = client.post(f"{EXPERIMENTS}/cta-heading/reviews", json={}, headers=publisher).json
    url = f"{REVIEWS}/{review['id']}/request-changes"
    target = "variants.heading.overlay.fields.call_to_action.heading"

    bad = client.post(url, json={"comments": [{"target": "variants.nope", "body": "?"}]}, headers=reviewer)
    good = client.post(url, json={"comments": [{"target": target, "body": "Softer."}]}, headers=reviewer)

    assert bad.status_code == 422 and good.status_code == 200
    assert good.json["comments"][0]["target"] == target


def test_variants_that_change_nothing_start_without_review(client, publisher, live_article):
    config = experiment(live_article)
    config["variants"][1].pop("overlay")
    client.post(EXPERIMENTS, json=config, headers=publisher)
    nothing = client.post(f"{EXPERIMENTS}/cta-heading/reviews", json={}, headers=publisher)
    assert nothing.status_code == 409
    assert client.post(f"{EXPERIMENTS}/cta-heading/start", headers=publisher).status_code == 200


def test_comments_on_variants_may_point_at_the_article_as_a_variant_shows_it(
    client, publisher, reviewer, live_article, seed_document
):
    client.post(EXPERIMENTS, json=experiment(live_article), headers=publisher)
    review = client.post(f"{EXPERIMENTS}/cta-heading/reviews", json={}, headers=publisher).json
    url = f"{REVIEWS}/{review['id']}/request-changes"
    faq = seed_document["faqs"][0]["key"]
    shown = [f"faqs.{faq}.answer", "call_to_action.heading", "title"]

    good = client.post(
        url, json={"comments": [{"target": t, "body": "Softer."} for t in shown]}, headers=reviewer
    )
    bad = client.post(url, json={"comments": [{"target": "faqs.nope.answer", "body": "?"}]}, headers=reviewer)

    assert good.status_code == 200, good.json
    assert [c["target"] for c in good.json["comments"]] == shown
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "comments[0].target"
