"""Webhooks: an outbox written with each change, signed deliveries to a real local server,
retries with backoff, and publishing that never waits on an endpoint."""

import hashlib
import hmac
import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import update

from service.content.webhooks import MAX_ATTEMPTS, send_due
from service.extensions import db
from service.models import WebhookDelivery
from service.models.base import utcnow

DRAFTS = "/v1/manage/articles"
HOOKS = "/v1/manage/webhooks"


class Receiver:
    """An HTTP server on 127.0.0.1 that records what it is sent and answers given statuses."""

    def __init__(self, statuses):
        self.statuses, self.received = list(statuses), []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver():
    made = []

    def start(*statuses):
        made.append(Receiver(statuses))
        return made[-1]

    yield start
    for each in made:
        each.server.shutdown()


def make_due(app):
    with app.app_context():
        db.session.execute(update(WebhookDelivery).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()


def publish_seed(client, headers, seed_document):
    url = client.post(DRAFTS, json=seed_document, headers=headers).headers["Location"]
    response = client.post(f"{url}/publish", json={}, headers={**headers, "If-Match": "*"})
    assert response.status_code == 200
    return url


def test_a_publish_is_delivered_signed_and_retried_after_a_failure(
    app, client, runner, auth, receiver, seed_document
):
    admin = auth("admin")
    endpoint = receiver(503)
    hook = client.post(HOOKS, json={"url": endpoint.url, "events": ["article.published"]}, headers=admin).json
    publish_seed(client, admin, seed_document)
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
    assert [a["status_code"] for a in delivered["attempt_log"]] == [503, 200]
    headers, body = endpoint.received[-1]
    timestamp, digest = (part.split("=", 1)[1] for part in headers["X-CMS-Signature"].split(","))
    expected = hmac.new(hook["secret"].encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(digest, expected)
    event = json.loads(body)
    assert event["event"] == headers["X-CMS-Event"] == "article.published"
    assert event["article"]["slug"] == seed_document["slug"] and event["article"]["revision"] == 1


def test_only_subscribed_events_are_queued(client, auth, receiver, seed_document):
    admin = auth("admin")
    endpoint = receiver()
    hook = client.post(HOOKS, json={"url": endpoint.url, "events": ["article.deleted"]}, headers=admin).json
    url = publish_seed(client, admin, seed_document)
    client.post(f"{url}/unpublish", headers={**admin, "If-Match": "*"})
    assert client.get(f"{HOOKS}/{hook['id']}/deliveries", headers=admin).json == []

    client.delete(url, headers={**admin, "If-Match": "*"})
    (deleted,) = client.get(f"{HOOKS}/{hook['id']}/deliveries", headers=admin).json
    assert deleted["event"] == "article.deleted"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_dead_endpoint_never_blocks_publishing_and_is_given_up_on(app, client, auth, seed_document):
    admin = auth("admin")
    dead = f"http://127.0.0.1:{closed_port()}/hook"
    hook = client.post(HOOKS, json={"url": dead, "events": ["article.published"]}, headers=admin).json

    publish_seed(client, admin, seed_document)  # answers at once, whatever the endpoint does

    for _ in range(MAX_ATTEMPTS):
        make_due(app)
        with app.app_context():
            (outcome,) = send_due(db.session)
    assert outcome.status == "failed"
    (failed,) = client.get(f"{HOOKS}/{hook['id']}/deliveries", headers=admin).json
    assert failed["attempts"] == MAX_ATTEMPTS
    assert all(a["error"].startswith("ConnectError") for a in failed["attempt_log"])
    make_due(app)
    with app.app_context():
        assert send_due(db.session) == []


def test_webhooks_are_for_admins_and_validated(client, auth):
    assert client.get(HOOKS, headers=auth("publisher")).status_code == 403
    bad = client.post(HOOKS, json={"url": "ftp://x", "events": ["article.renamed"]}, headers=auth())
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json["errors"]} == {"url", "events[0]"}
