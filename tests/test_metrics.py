"""/metrics: Prometheus' exposition, read by prometheus-client's own parser, counting what an
operator watches (requests by route and status, delivery's cache, events, refusals, failures,
the webhook outbox, schedule lag), for the allowed networks only, added up across the server's
workers."""

from datetime import timedelta

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from service.extensions import db
from service.models import Schedule
from service.models.base import utcnow
from tests.receivers import HOOKS, closed_port
from tests.servers import start

ARTICLE_ROUTE = "/v1/articles/<slug:slug>"


def scrape(client) -> dict[tuple[str, frozenset], float]:
    answer = client.get("/metrics")
    assert answer.status_code == 200, answer.text
    assert answer.mimetype == "text/plain"
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(answer.get_data(as_text=True))
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def grown(before: dict, after: dict, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def test_requests_are_counted_and_timed_by_route_template_and_status(client, published):
    before = scrape(client)
    for _ in range(3):
        assert client.get(f"/v1/articles/{published['slug']}").status_code == 200
    client.get("/v1/articles/no-such-article")
    client.get("/wp-login.php")
    client.open("/v1/articles", method="BREW")
    after = scrape(client)

    ok = {"route": ARTICLE_ROUTE, "method": "GET", "status": "200"}
    assert grown(before, after, "cms_http_requests_total", **ok) == 3
    assert grown(before, after, "cms_http_request_duration_seconds_count", **ok) == 3
    assert grown(before, after, "cms_http_requests_total", **ok | {"status": "404"}) == 1
    assert (
        grown(before, after, "cms_http_requests_total", route="(unmatched)", method="GET", status="404") == 1
    )
    assert not any("wp-login" in str(labels) or "BREW" in str(labels) for _, labels in after)
    assert (
        grown(before, after, "cms_http_requests_total", route="(unmatched)", method="other", status="405")
        == 1
    )


def test_the_delivery_cache_counts_hits_misses_evictions_bytes_and_freshness_reads(
    app_with, client, create_published, reviewed_document
):
    small = app_with(DELIVERY_CACHE_BYTES=40_000, DELIVERY_FRESHNESS_SECONDS=0)
    slugs = [create_published(reviewed_document, slug=f"article-{n}").body["slug"] for n in range(3)]
    visitor = small.test_client()
    before = scrape(visitor)
    for slug in slugs * 2:
        assert visitor.get(f"/v1/articles/{slug}").status_code == 200
    after = scrape(visitor)

    assert grown(before, after, "cms_delivery_cache_lookups_total", outcome="miss") >= 6  # evicted each time
    assert grown(before, after, "cms_delivery_cache_evictions_total") >= 3
    assert value(after, "cms_delivery_cache_bytes") > 0
    assert grown(before, after, "cms_delivery_freshness_reads_total", changed="false") >= 6

    visitor.get(f"/v1/articles/{slugs[0]}")
    visitor.get(f"/v1/articles/{slugs[0]}")  # kept, the one before having been evicted
    again = scrape(visitor)
    assert grown(after, again, "cms_delivery_cache_lookups_total", outcome="hit") >= 1


def test_events_are_counted_by_outcome_and_reason_and_refusals_by_limit(app_with):
    client = app_with(EVENTS_RATE_LIMIT="1/minute").test_client()
    before = scrape(client)
    event = {
        "event_id": "e-00000001",
        "type": "exposure",
        "experiment": "none",
        "variant": "a",
        "visitor": "v",
    }
    batch = {"events": [event, "not an event"]}
    assert client.post("/v1/events", json=batch).json["rejected"][1]["code"] == "invalid"
    assert client.post("/v1/events", json=batch).status_code == 429
    after = scrape(client)

    assert grown(before, after, "cms_events_total", outcome="rejected", reason="unknown_experiment") == 1
    assert grown(before, after, "cms_events_total", outcome="rejected", reason="invalid") == 1
    assert grown(before, after, "cms_events_total", outcome="stored", reason="") == 0
    assert grown(before, after, "cms_rate_limit_refusals_total", limit="events") == 1


def test_an_unreachable_database_is_counted_and_metrics_still_answer(app_with, tmp_path):
    gone = app_with(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'no-such-dir' / 'cms.db'}")
    client = gone.test_client()
    before = scrape(client)
    assert client.get("/v1/articles").status_code == 503
    after = scrape(client)
    assert grown(before, after, "cms_dependency_failures_total", dependency="database") >= 1
    assert ("cms_webhook_outbox_depth", frozenset()) not in after  # unknown, not a made-up 0


def test_the_outbox_and_schedule_lag_are_read_from_the_database(
    app, client, admin, runner, draft, private_targets, publish_reviewed
):
    dead = f"http://127.0.0.1:{closed_port()}/hook"
    client.post(HOOKS, json={"url": dead, "events": ["article.published"]}, headers=admin)
    assert publish_reviewed(draft.url, headers=admin).status_code == 200
    with app.app_context():
        db.session.add(
            Schedule(article_id=draft.body["id"], action="unpublish", at=utcnow() - timedelta(minutes=5))
        )
        db.session.commit()

    queued = scrape(client)
    assert value(queued, "cms_webhook_outbox_depth") == 1
    assert value(queued, "cms_webhook_outbox_oldest_age_seconds") >= 0
    assert value(queued, "cms_schedule_lag_seconds") >= 300
    runner.invoke(args=["send-webhooks"])
    tried = scrape(client)
    assert grown(queued, tried, "cms_webhook_attempts_failed_total") == 1
    assert value(tried, "cms_webhook_outbox_depth") == 1  # to be retried


def test_only_allowed_networks_may_read_the_metrics(client, app_with):
    refused = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    opened = app_with(METRICS_ALLOWED_NETWORKS="203.0.113.0/24").test_client()
    assert opened.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 200
    assert opened.get("/metrics").status_code == 403  # the host itself is no longer listed


@pytest.mark.servers
def test_every_workers_requests_are_added_up(database_url, published, tmp_path):
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    server = start(
        database_url, tmp_path / "server.log", workers=2, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir)
    )
    try:
        for _ in range(40):  # a new connection each, so both workers take some
            assert httpx.get(f"{server.url}/v1/articles/{published['slug']}").status_code == 200
        families = text_string_to_metric_families(httpx.get(f"{server.url}/metrics").text)
        counts = {
            sample.labels["route"]: sample.value
            for family in families
            for sample in family.samples
            if sample.name == "cms_http_requests_total" and sample.labels["status"] == "200"
        }
    finally:
        server.stop()
    assert counts[ARTICLE_ROUTE] == 40
    assert len({path.stem.rsplit("_", 1)[-1] for path in metrics_dir.glob("counter_*.db")}) == 2
