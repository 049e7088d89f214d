"""Webhooks for every change that alters delivery, each naming the surrogate keys a CDN must
purge: the very keys the stale delivery answers carry (Surrogate-Key, Cache-Tag). Signatures
checked by the `standardwebhooks` package's own verifier, through a secret rotation."""

import json

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from service.content.webhooks import EVENTS
from tests.experiment_factories import EXPERIMENTS, SITE
from tests.receivers import HOOKS

pytestmark = pytest.mark.usefixtures("private_targets")
SITES = "/v1/manage/sites"


@pytest.fixture
def listening(client, admin, receiver, runner):
    """A webhook for every event, and a way to send what is due and read what it received."""
    endpoint = receiver()
    hook = client.post(HOOKS, json={"url": endpoint.url, "events": list(EVENTS)}, headers=admin).json

    def received() -> list[dict]:
        runner.invoke(args=["send-webhooks"])
        events = [Webhook(hook["secret"]).verify(body, headers) for headers, body in endpoint.received]
        endpoint.received.clear()
        return events

    received.hook, received.endpoint = hook, endpoint
    return received


def purge_keys(response) -> set[str]:
    return set(response.headers["Surrogate-Key"].split(" "))


def test_a_site_edit_names_the_keys_its_stale_answers_carry(client, admin, listening, create_published):
    client.post(SITES, json=SITE, headers=admin)
    slug = create_published(headers=admin).body["slug"]
    listening()
    answer = client.get(f"/v1/sites/clinic-austin/articles/{slug}")
    listing = client.get("/v1/sites/clinic-austin/articles")
    assert "stale-if-error=86400" in answer.headers["Cache-Control"]

    client.put(f"{SITES}/clinic-austin", json={**SITE, "name": "Renova Austin North"}, headers=admin)
    (event,) = listening()
    assert event["type"] == "site.updated" and event["data"]["site"] == {"key": "clinic-austin"}
    assert set(event["data"]["purge_keys"]) <= purge_keys(answer) & purge_keys(listing)


def test_publishing_purges_the_article_and_every_list(client, admin, listening, create_published):
    article = create_published(headers=admin)
    (event,) = listening()
    article_id = article.body["id"]
    single = client.get(f"/v1/articles/{article.body['slug']}")
    assert {f"article-{article_id}"} <= purge_keys(single)
    assert "articles" in purge_keys(client.get("/v1/articles"))
    assert event["type"] == "article.published"
    assert event["data"]["purge_keys"] == [f"article-{article_id}", "articles"]


def test_an_overlay_purges_that_article_on_that_site_only(
    client, admin, listening, create_published, publish_overlay
):
    client.post(SITES, json=SITE, headers=admin)
    article = create_published(headers=admin)
    listening()
    answer = client.get(f"/v1/sites/clinic-austin/articles/{article.body['slug']}")
    overlay = {"fields": {"call_to_action": {"heading": "Austin's spine team"}}}
    publish_overlay("clinic-austin", article.body["id"], overlay, headers=admin)

    (event,) = listening()
    assert event["type"] == "site.overlay_published"
    assert event["data"]["purge_keys"] == [f"site-clinic-austin-article-{article.body['id']}"]
    assert set(event["data"]["purge_keys"]) <= purge_keys(answer)


def test_an_experiment_tells_of_its_start_stop_and_rollout(client, publisher, listening, running):
    assert [event["type"] for event in listening()][-1] == "experiment.started"  # after its article's
    client.post(f"{EXPERIMENTS}/cta-heading/stop", headers=publisher)
    client.post(f"{EXPERIMENTS}/cta-heading/rollout", json={"variant": "heading"}, headers=publisher)
    stopped, rolled_out = listening()
    assert (stopped["type"], rolled_out["type"]) == ("experiment.stopped", "experiment.rolled_out")
    assert stopped["data"]["experiment"] == {"key": "cta-heading"}
    assert stopped["data"]["purge_keys"] == [f"article-{running['article_id']}", "experiment-cta-heading"]


def test_a_variants_answer_carries_its_experiments_key(client, running, seed_document):
    variant = client.get(
        f"/v1/sites/clinic-austin/articles/{seed_document['slug']}/variants/cta-heading/heading"
    )
    assert "experiment-cta-heading" in purge_keys(variant)


def test_after_a_rotation_both_secrets_verify_until_the_overlap_ends(
    client, admin, receiver, runner, create_published
):
    endpoint = receiver()
    hook = client.post(HOOKS, json={"url": endpoint.url, "events": ["article.published"]}, headers=admin).json
    rotated = client.post(f"{HOOKS}/{hook['id']}/rotate-secret", json={}, headers=admin)
    assert rotated.status_code == 200
    new = rotated.json["secret"]
    assert new.startswith("whsec_") and new != hook["secret"]
    create_published(headers=admin)
    runner.invoke(args=["send-webhooks"])
    ((headers, body),) = endpoint.received
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (hook["secret"], new):  # the receiver may switch whenever it likes
        assert Webhook(secret).verify(body, headers)["type"] == "article.published"


def test_rotation_with_no_overlap_retires_the_old_secret_at_once(
    client, admin, receiver, runner, create_published
):
    endpoint = receiver()
    hook = client.post(HOOKS, json={"url": endpoint.url, "events": ["article.published"]}, headers=admin).json
    rotated = client.post(
        f"{HOOKS}/{hook['id']}/rotate-secret", json={"previous_valid_for_seconds": 0}, headers=admin
    ).json
    create_published(headers=admin)
    runner.invoke(args=["send-webhooks"])
    ((headers, body),) = endpoint.received
    assert json.loads(body)["type"] == "article.published"
    Webhook(rotated["secret"]).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(hook["secret"]).verify(body, headers)
    assert len(headers["webhook-signature"].split(" ")) == 1
