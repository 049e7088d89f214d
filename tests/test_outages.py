"""Outages of what the service depends on. Redis: rate limits count in each process while it
is down, and in Redis again once it answers; nothing else needs it."""

import logging
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import redis

from service import create_app
from service.ratelimits import RateLimits
from tests import servers
from tests.test_rate_limits import EVENT


def within(seconds: float, act: Callable[[], Any]) -> Any:
    """What `act` returns, failing (not hanging) if it takes longer than `seconds`."""
    outcome: list[Any] = []
    worker = threading.Thread(target=lambda: outcome.append(act()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert outcome, f"no answer within {seconds} s"
    return outcome[0]


@pytest.fixture
def private_redis():
    """A Redis of this test's own (never the shared one), killed by PID at the end."""
    if shutil.which("redis-server") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install redis-server (see .ci/run) for the Redis outage tests")
        pytest.skip("no redis-server here: the Redis outage tests need one")
    server = servers.RedisServer()
    server.start()
    yield server
    server.kill()


def test_while_redis_is_down_limits_count_in_process_and_return_to_redis(
    private_redis, database_url, app, auth, caplog
):
    limited = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATE_LIMIT_STORAGE_URI": private_redis.url,
            "EVENTS_RATE_LIMIT": "4/minute",
            "RATE_LIMIT_STORAGE_RETRY_SECONDS": 0.2,
        }
    )
    client, limits, good = limited.test_client(), limited.extensions["rate_limits"], auth("viewer")
    assert client.post("/v1/events", json=EVENT).status_code == 200  # counted in Redis

    private_redis.kill()
    with caplog.at_level(logging.WARNING, logger="service.ratelimits"):
        managed = [client.get("/v1/manage/articles", headers=good).status_code for _ in range(3)]
        wrong = client.get("/v1/manage/articles", headers={"Authorization": "Bearer wrong"})
        events = [client.post("/v1/events", json=EVENT).status_code for _ in range(5)]

    assert managed == [200, 200, 200] and wrong.status_code == 401
    assert events == [200, 200, 200, 200, 429]  # the limit holds, counted in this process
    warnings = [record.getMessage() for record in caplog.records if record.name == "service.ratelimits"]
    assert len(warnings) == 1 and "counting in this process" in warnings[0]  # once, not per request
    assert limits.counting_in_process and limits.storage_failures >= 1

    private_redis.start()  # the same port, empty
    deadline = time.monotonic() + 10
    while limits.counting_in_process and time.monotonic() < deadline:
        assert (
            client.post("/v1/events", json=EVENT, environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code
            == 200
        )
        time.sleep(0.05)
    assert not limits.counting_in_process
    assert redis.Redis(port=private_redis.port).keys("LIMITS*")  # counted in Redis again


def test_without_redis_delivery_never_asks_for_it(database_url, published):
    """Even an app started while Redis is unreachable serves delivery without trying it."""
    nowhere = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATE_LIMIT_STORAGE_URI": f"redis://127.0.0.1:{servers.free_port()}",
        }
    )
    client, limits = nowhere.test_client(), nowhere.extensions["rate_limits"]

    assert client.get(f"/v1/articles/{published['slug']}").status_code == 200
    assert limits.storage_failures == 0
    assert client.post("/v1/events", json=EVENT).status_code == 200
    assert limits.storage_failures == 1


def test_a_redis_that_never_answers_delays_one_request_per_retry_by_the_timeout():
    with socket.create_server(("127.0.0.1", 0)) as silent:  # connects, then never answers
        limits = RateLimits(
            f"redis://127.0.0.1:{silent.getsockname()[1]}",
            {"events": "5/minute"},
            retry_seconds=60,
            timeout=0.2,
        )
        started = time.monotonic()
        outcomes = within(10, lambda: [limits.hit("events", "203.0.113.1") for _ in range(6)])
        elapsed = time.monotonic() - started

    assert outcomes[:5] == [None] * 5 and outcomes[5].retry_after >= 1
    assert elapsed < 2 and limits.storage_failures == 1
