"""Rate limits on event ingestion and on failed authentication: 429 problems with
Retry-After, counted per client, and shared across processes through Redis."""

import pytest

from service.ratelimits import RateLimits

EVENT = {
    "events": [
        {"event_id": "e-00000001", "type": "exposure", "experiment": "x", "variant": "a", "visitor": "v"}
    ]
}


@pytest.fixture
def limited_app(app_with):
    """The suite's database, served with small limits."""
    return app_with(EVENTS_RATE_LIMIT="3/minute", FAILED_AUTH_RATE_LIMIT="2/minute")


def test_events_over_the_limit_are_429_with_retry_after(limited_app):
    client = limited_app.test_client()
    statuses = [client.post("/v1/events", json=EVENT).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    refused = client.post("/v1/events", json=EVENT)
    assert refused.mimetype == "application/problem+json"
    assert refused.json["status"] == 429 and "3 per 1 minute" in refused.json["detail"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_invalid_event_batches_count_too(limited_app):
    client = limited_app.test_client()
    statuses = [client.post("/v1/events", json={"events": []}).status_code for _ in range(4)]

    assert statuses == [422, 422, 422, 429]


def test_each_client_address_has_its_own_count(limited_app):
    client = limited_app.test_client()
    for _ in range(3):
        client.post("/v1/events", json=EVENT, environ_base={"REMOTE_ADDR": "203.0.113.1"})

    assert (
        client.post("/v1/events", json=EVENT, environ_base={"REMOTE_ADDR": "203.0.113.1"}).status_code == 429
    )
    assert (
        client.post("/v1/events", json=EVENT, environ_base={"REMOTE_ADDR": "203.0.113.2"}).status_code == 200
    )


def test_wrong_keys_are_limited_and_then_even_a_right_key_waits(limited_app, auth):
    client = limited_app.test_client()
    good = auth("viewer")
    wrong = {"Authorization": "Bearer not-a-key"}

    assert [client.get("/v1/manage/articles", headers=wrong).status_code for _ in range(2)] == [401, 401]
    refused = client.get("/v1/manage/articles", headers=good)
    assert refused.status_code == 429 and "Retry-After" in refused.headers


def test_right_keys_and_missing_keys_are_not_counted_as_failures(limited_app, auth):
    client = limited_app.test_client()
    good = auth("viewer")
    for _ in range(5):
        assert client.get("/v1/manage/articles", headers=good).status_code == 200
        assert client.get("/v1/manage/articles").status_code == 401

    assert client.get("/v1/manage/articles", headers=good).status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(app_with):
    proxied = app_with(EVENTS_RATE_LIMIT="1/minute", PROXY_COUNT=1).test_client()

    def send(address):
        return proxied.post("/v1/events", json=EVENT, headers={"X-Forwarded-For": address}).status_code

    assert [send("198.51.100.1"), send("198.51.100.1"), send("198.51.100.2")] == [200, 429, 200]


def test_the_spec_documents_429_with_retry_after(client):
    spec = client.get("/openapi.json").json
    assert "429" in spec["paths"]["/v1/events"]["post"]["responses"]
    assert "429" in spec["paths"]["/v1/manage/articles"]["get"]["responses"]
    assert "Retry-After" in spec["components"]["responses"]["TOO_MANY_REQUESTS"]["headers"]


def test_with_redis_two_processes_share_one_count(shared_storage):
    """Two RateLimits on one Redis stand for two workers or hosts: the limit is for all."""
    first = RateLimits(shared_storage, {"events": "5/minute"})
    second = RateLimits(shared_storage, {"events": "5/minute"})
    outcomes = [(first if n % 2 else second).hit("events", "203.0.113.9") for n in range(6)]

    assert outcomes[:5] == [None] * 5
    assert outcomes[5] is not None and outcomes[5].retry_after >= 1
    assert first.hit("events", "203.0.113.10") is None  # another client, another count
