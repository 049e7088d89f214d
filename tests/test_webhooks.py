"""Webhooks: an outbox written with each change, signed deliveries to a real local server,
retries with backoff, and publishing that never waits on an endpoint."""

import json

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from service.content.webhooks import MAX_ATTEMPTS, send_due
from service.extensions import db
from tests.receivers import ANSWER, HOOKS, closed_port, make_due

# The receivers listen on 127.0.0.1: a private target, allowed as for receivers on premises.
pytestmark = pytest.mark.usefixtures("private_targets")


def test_a_publish_is_delivered_signed_and_retried_after_a_failure(
    app, client, runner, auth, receiver, create_published, seed_document
):
    admin = auth("admin")
    endpoint = receiver(503)
    hook = client.post(HOOKS, json={"url": endpoint.url, "events": ["article.published"]}, headers=admin).json
    create_published(headers=admin)
    deliveries = f"{HOOKS}/{hook['id']}/deliveries"
    (pending,) = client.get(deliveries, headers=admin).json
    assert (pending["status"], pending["attempts"]) == ("pending", 0)

    first = runner.invoke(args=["send-webhooks"])
    assert "pending (HTTP 503)" in first.output
    (retrying,) = client.get(deliveries, headers=admin).json
    assert retrying["attempts"] == 1 and retrying["attempt_log"][0]["status_code"] == 503
    assert runner.invoke(args=["send-webhooks"]).output == ""  # backing off: not due yet

    make_due(app)
    assert "delivered (HTTP 200)" in runner.invoke(args=["send-webhooks"]).output

    (delivered,) = client.get(deliveries, headers=admin).json
    assert delivered["status"] == "delivered" and delivered["attempts"] == 2
    assert [(a["status_code"], a["error"]) for a in delivered["attempt_log"]] == [
        (503, "HTTP 503"),
        (200, None),
    ]
    assert ANSWER.decode() not in json.dumps(delivered)  # the receiver's answer is not shown back
    (_, first_body), (headers, body) = endpoint.received
    event = Webhook(hook["secret"]).verify(body, headers)  # the Standard Webhooks library's own check
    assert event["type"] == "article.published"
    assert (
        event["data"]["article"]["slug"] == seed_document["slug"]
        and event["data"]["article"]["revision"] == 1
    )
    assert event["data"]["purge_keys"] == [f"article-{event['data']['article']['id']}", "articles"]
    assert first_body == body  # a retry is the same message: same webhook-id, same body
    assert headers["webhook-id"] == endpoint.received[0][0]["webhook-id"]
    with pytest.raises(WebhookVerificationError):
        Webhook(hook["secret"]).verify(body.replace(b"published", b"unpublished"), headers)


def test_only_subscribed_events_are_queued(client, auth, receiver, create_published):
    admin = auth("admin")
    endpoint = receiver()
    hook = client.post(HOOKS, json={"url": endpoint.url, "events": ["article.deleted"]}, headers=admin).json
    url = create_published(headers=admin).url
    client.post(f"{url}/unpublish", headers={**admin, "If-Match": "*"})
    assert client.get(f"{HOOKS}/{hook['id']}/deliveries", headers=admin).json == []

    client.delete(url, headers={**admin, "If-Match": "*"})
    (deleted,) = client.get(f"{HOOKS}/{hook['id']}/deliveries", headers=admin).json
    assert deleted["event"] == "article.deleted"


def test_a_dead_endpoint_never_blocks_publishing_and_is_given_up_on(app, client, auth, create_published):
    admin = auth("admin")
    dead = f"http://127.0.0.1:{closed_port()}/hook"
    hook = client.post(HOOKS, json={"url": dead, "events": ["article.published"]}, headers=admin).json

    create_published(headers=admin)  # answers at once, whatever the endpoint does

    for _ in range(MAX_ATTEMPTS):
        make_due(app)
        with app.app_context():
            (outcome,) = send_due(db.session, allow_private=True)
    assert outcome.status == "failed"
    (failed,) = client.get(f"{HOOKS}/{hook['id']}/deliveries", headers=admin).json
    assert failed["attempts"] == MAX_ATTEMPTS
    assert all(a["error"].startswith("ConnectError") for a in failed["attempt_log"])
    make_due(app)
    with app.app_context():
        assert send_due(db.session, allow_private=True) == []


def test_webhooks_are_for_admins_and_validated(client, auth):
    assert client.get(HOOKS, headers=auth("publisher")).status_code == 403
    bad = client.post(HOOKS, json={"url": "ftp://x", "events": ["article.renamed"]}, headers=auth())
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json["errors"]} == {"url", "events[0]"}
