"""Outages of what the service depends on. Redis: rate limits count in each process while it
is down, and in Redis again once it answers; nothing else needs it. The database: unreachable,
locked, read-only, out of connections or disconnected mid-request, each request answers a 503
problem with Retry-After, never a 500 or the server's own page. Every answer carries the
security headers."""

import logging
import os
import shutil
import socket
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import closing
from typing import Any

import httpx
import pytest
import redis
from sqlalchemy import create_engine, text

from service import create_app
from service.content.keys import create_key
from service.extensions import db
from service.ratelimits import RateLimits
from service.security import SECURITY_HEADERS
from tests import servers
from tests.test_rate_limits import EVENT

ON_POSTGRESQL = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
RETRY_AFTER = 7  # not the default, so the answers show the setting is used
PROBLEM = "application/problem+json"
WAITING_FOR_A_LOCK = text(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


def outage_app(database_url: str, **config: Any):
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "DATABASE_RETRY_AFTER_SECONDS": RETRY_AFTER, **config}
    )


def assert_unavailable(response) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM and response.json["status"] == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER)
    for name, value in SECURITY_HEADERS:
        assert response.headers[name] == value


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


@pytest.mark.servers
def test_while_redis_is_down_limits_count_in_process_and_return_to_redis(
    private_redis, app_with, auth, caplog
):
    limited = app_with(
        RATE_LIMIT_STORAGE_URI=private_redis.url,
        EVENTS_RATE_LIMIT="4/minute",
        RATE_LIMIT_STORAGE_RETRY_SECONDS=0.2,
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
        assert client.get("/v1/manage/articles", headers=good).status_code == 200
        time.sleep(0.05)
    assert not limits.counting_in_process
    # Counted in Redis again, which restarted empty: the client refused above starts afresh.
    assert client.post("/v1/events", json=EVENT).status_code == 200
    assert redis.Redis(port=private_redis.port).keys("LIMITS*")


def test_without_redis_delivery_never_asks_for_it(app_with, published):
    """Even an app started while Redis is unreachable serves delivery without trying it."""
    nowhere = app_with(RATE_LIMIT_STORAGE_URI=f"redis://127.0.0.1:{servers.free_port()}")
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


def editor_key(app) -> dict[str, str]:
    with app.app_context():
        editor = {"Authorization": f"Bearer {create_key(db.session, 'editor', 'editor').secret}"}
        db.session.commit()
    return editor


def test_a_locked_sqlite_database_is_a_503_to_writers_while_readers_go_on(
    sqlite_app, sqlite_file, seed_document, caplog
):
    editor = editor_key(sqlite_app)
    impatient = outage_app(f"sqlite:///{sqlite_file}", SQLITE_BUSY_TIMEOUT_MS=50).test_client()
    with closing(sqlite3.connect(sqlite_file, isolation_level=None)) as other:
        other.execute("BEGIN EXCLUSIVE")
        with caplog.at_level(logging.WARNING, logger="service.errors"):
            written = impatient.post("/v1/manage/articles", json=seed_document, headers=editor)
        read = impatient.get("/v1/articles")
        # A batch of events is judged before it waits for the lock: one with nothing to store
        # (here an unknown experiment's) is answered all the same.
        judged = impatient.post("/v1/events", json=EVENT)
        other.execute("ROLLBACK")

    assert_unavailable(written)
    assert "database is locked" in caplog.text
    assert read.status_code == 200  # write-ahead logging: readers never wait for a writer
    assert judged.status_code == 200 and judged.json["rejected"][0]["code"] == "unknown_experiment"


def test_a_read_only_sqlite_database_is_a_503_to_writers(sqlite_app, sqlite_file, seed_document):
    editor = editor_key(sqlite_app)
    # Opened read-only, as SQLite opens a file its process may not write (root may write any).
    read_only = outage_app(f"sqlite:///file:{sqlite_file}?mode=ro&uri=true").test_client()

    assert_unavailable(read_only.post("/v1/manage/articles", json=seed_document, headers=editor))
    assert read_only.get("/v1/manage/articles", headers=editor).status_code == 200


def test_every_pooled_connection_busy_is_a_503(database_url, app):
    crowded = outage_app(
        database_url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0, "pool_timeout": 0.1}
    )
    with crowded.app_context():
        engine = db.engine
    with engine.connect():  # the pool's only connection, taken
        assert_unavailable(crowded.test_client().get("/v1/articles"))


def unreachable_postgresql(port: int, **config: Any):
    return outage_app(f"postgresql+psycopg://postgres@127.0.0.1:{port}/cms", **config).test_client()


def test_an_unreachable_postgresql_is_a_503_to_management_delivery_and_events():
    client = unreachable_postgresql(servers.free_port())  # nothing listens there
    answers = [
        client.get("/v1/manage/articles", headers={"Authorization": "Bearer cms_abcdefgh_x"}),
        client.get("/v1/articles/back-pain"),
        client.get("/v1/sites/clinic-austin/articles/back-pain", headers={"Origin": "https://a.example"}),
        client.post("/v1/events", json=EVENT),
    ]
    for answer in answers:
        assert_unavailable(answer)


def test_a_postgresql_that_never_answers_is_a_503_after_the_connect_timeout():
    with socket.create_server(("127.0.0.1", 0)) as silent:
        client = unreachable_postgresql(silent.getsockname()[1], DATABASE_CONNECT_TIMEOUT=2)
        assert_unavailable(within(20, lambda: client.get("/v1/articles/back-pain")))


def test_a_connection_lost_before_the_rollback_still_sends_the_answer(database_url, app, auth, caplog):
    """The teardown's rollback on a dead connection used to escape every error handler."""
    fragile = outage_app(database_url)
    headers = auth("viewer")

    @fragile.after_request
    def lose_the_connection(response):
        db.session.connection().connection.dbapi_connection.close()
        return response

    with caplog.at_level(logging.WARNING, logger="service.app"):
        response = fragile.test_client().get("/v1/manage/articles", headers=headers)

    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "Rolling back after GET /v1/manage/articles failed" in caplog.text


@pytest.mark.servers
@pytest.mark.skipif(not ON_POSTGRESQL, reason="terminates a PostgreSQL backend (TEST_DATABASE_URL)")
def test_a_backend_terminated_mid_request_is_a_503_problem_from_the_server(database_url, auth, tmp_path):
    headers = auth("viewer")
    server = servers.start(database_url, tmp_path / "server.log", workers=1)
    engine = create_engine(database_url)
    try:
        with (
            engine.connect() as locker,
            engine.connect().execution_options(isolation_level="AUTOCOMMIT") as admin,
        ):
            locker.execute(text("LOCK TABLE articles IN ACCESS EXCLUSIVE MODE"))  # the list waits
            answers: list[httpx.Response] = []
            request = threading.Thread(
                target=lambda: answers.append(
                    httpx.get(f"{server.url}/v1/manage/articles", headers=headers, timeout=30)
                )
            )
            request.start()
            deadline = time.monotonic() + 20
            while not (pids := admin.scalars(WAITING_FOR_A_LOCK).all()) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert pids, server.log.read_text()[-2000:]
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pids[0]})
            request.join(30)
            locker.rollback()
    finally:
        server.stop()
        engine.dispose()

    assert answers, server.log.read_text()[-2000:]
    answer = answers[0]
    assert answer.status_code == 503 and answer.headers["content-type"] == PROBLEM
    assert "<html" not in answer.text.lower()
    for name, value in SECURITY_HEADERS:
        assert answer.headers[name] == value
