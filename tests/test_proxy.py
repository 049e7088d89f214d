"""nginx in front of the service (granian, deploy/web.py), with the configuration production runs
(deploy/nginx.conf): slow clients take no worker, with or without nginx; nginx's own errors are
problem documents, and a client cannot choose the address the service sees (PROXY_COUNT=1)."""

import http
import socket
import statistics
import time

import httpx
import pytest

from bench.slow_clients import SlowClients
from service.config import Config
from service.security import SECURITY_HEADERS

pytestmark = pytest.mark.servers
ARTICLE = "/v1/articles/are-all-types-of-back-pain-treatable-with-stem-cells"


def latencies(url: str, seconds: float) -> list[float]:
    """Normal requests for `seconds`, one after another: how long each took to answer 200."""
    times = []
    deadline = time.monotonic() + seconds
    with httpx.Client(timeout=5) as client:
        while time.monotonic() < deadline:
            started = time.monotonic()
            assert client.get(url).status_code == 200
            times.append(time.monotonic() - started)
    return times


def test_slow_clients_take_no_worker_from_the_server_alone_or_behind_nginx(behind_nginx):
    proxy, server = behind_nginx
    # granian reads each request's headers itself, before a worker sees it: 50 clients sending
    # theirs a byte a second hold connections, not the two workers, and granian drops each when
    # its headers are 10 s late (deploy.web.HEADER_READ_TIMEOUT_MS). (Under gunicorn's sync
    # workers, two such clients stopped the service: bench/servers.py measures both.)
    with SlowClients(server.url, 50) as attack:
        direct = latencies(f"{server.url}{ARTICLE}", 12)
    assert len(direct) > 50
    assert statistics.quantiles(direct, n=100)[98] < 1.0
    assert attack.dropped >= 50

    with SlowClients(proxy.url, 50) as attack:
        times = latencies(f"{proxy.url}{ARTICLE}", 20)

    assert len(times) > 100
    assert statistics.quantiles(times, n=100)[98] < 1.0
    # nginx dropped each slow client when its headers were 10 s late; each came straight back.
    assert attack.dropped >= 50


def problem_of(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
    for name, value in SECURITY_HEADERS:
        assert response.headers[name] == value
    problem = response.json()
    assert problem["title"] == http.HTTPStatus(status).phrase and problem["status"] == status
    assert problem["type"] == "about:blank" and problem["detail"]
    return problem


def test_the_proxys_own_errors_are_problem_documents(behind_nginx):
    proxy, server = behind_nginx
    json_body = {"Content-Type": "application/json"}
    with httpx.Client(base_url=proxy.url, timeout=10) as client:
        too_large = client.post(
            "/v1/events", content=b" " * (Config.MAX_CONTENT_LENGTH + 1), headers=json_body
        )
        assert str(Config.MAX_CONTENT_LENGTH) in problem_of(too_large, 413)["detail"]
        # A body of the service's own limit passes, and is the service's to judge.
        largest = client.post("/v1/events", content=b" " * Config.MAX_CONTENT_LENGTH, headers=json_body)
        assert largest.status_code == 400 and "not JSON" in largest.json()["detail"]
        # An image upload may be larger (ASSET_MAX_BYTES): the service judges it, here its key.
        upload = client.post(
            "/v1/manage/assets",
            files={"file": ("photo.jpg", b"\xff" * (Config.MAX_CONTENT_LENGTH + 1), "image/jpeg")},
        )
        assert upload.status_code == 401, (upload.status_code, upload.headers, upload.text)  # (who answered)
        too_large_upload = client.post(
            "/v1/manage/assets",
            files={"file": ("photo.jpg", b"\xff" * (Config.ASSET_MAX_BYTES + 1), "image/jpeg")},
        )
        assert str(Config.ASSET_MAX_BYTES) in problem_of(too_large_upload, 413)["detail"]

        problem_of(client.get(ARTICLE, headers={"X-Large": "a" * 9000}), 400)
        problem_of(client.get(f"{ARTICLE}?visitor={'a' * 9000}"), 414)
        server.stop()
        problem_of(client.get(ARTICLE), 502)
        # Its error for a body over MAX_CONTENT_LENGTH (which the upload location lets through)
        # is a problem document too, not nginx's page for the limit of the error's own location.
        problem_of(client.post("/v1/manage/assets", content=b"\xff" * (Config.MAX_CONTENT_LENGTH + 1)), 502)


def test_an_answer_given_before_the_body_was_read_reaches_the_client(behind_nginx):
    """A body the service refuses unread (an upload without a key) is read to its end first:
    the client can send all of it and then read the 401. Otherwise the server closes on unread
    bytes and the client's send fails (nginx then answers 502; httpx would hide it, as it reads
    an early answer after a failed send)."""
    _, server = behind_nginx
    largest_upload = b"\xff" * Config.ASSET_MAX_BYTES
    request = (
        "POST /v1/manage/assets HTTP/1.0\r\nContent-Type: image/jpeg\r\n"
        f"Content-Length: {len(largest_upload)}\r\n\r\n"
    ).encode()
    for _ in range(3):
        address = httpx.URL(server.url)
        with socket.create_connection((address.host, address.port), timeout=10) as connection:
            connection.sendall(request + largest_upload)
            answer = connection.makefile("rb").read()
        assert answer.startswith(b"HTTP/1.0 401 ")


def test_a_client_cannot_choose_its_address_through_the_proxy(behind_nginx):
    """Wrong keys are limited per client address: a forged X-Forwarded-For changes nothing."""
    proxy, _ = behind_nginx
    allowed = int(Config.FAILED_AUTH_RATE_LIMIT.split("/")[0])
    statuses = [
        httpx.get(
            f"{proxy.url}/v1/manage/articles",
            headers={"Authorization": "Bearer cms_00000000_wrong", "X-Forwarded-For": f"198.51.100.{n}"},
        ).status_code
        for n in range(2 * allowed + 1)  # each of the two workers counts on its own (memory://)
    ]
    assert statuses[:allowed] == [401] * allowed
    assert 429 in statuses[allowed:]
