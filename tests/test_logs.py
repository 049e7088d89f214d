"""No key reaches a log: not the service's under granian (its JSON request lines, granian's own
lines), not nginx's in front of it, wherever a client puts the key, rightly (Bearer) or by
mistake (Basic, the query string, the path). And every line the service writes is JSON."""

import json
import socket

import httpx
import pytest

from service.content.keys import PREFIX_LENGTH
from tests.servers import start

pytestmark = pytest.mark.servers


@pytest.fixture
def secret(auth) -> str:
    return auth("admin")["Authorization"].removeprefix("Bearer ")


def send_a_key_every_way(url: str, secret: str) -> bytes:
    """Sends the key every way; what the server answered to a request line it cannot parse."""
    with httpx.Client(base_url=url, timeout=10) as client:
        assert (
            client.get("/v1/manage/articles", headers={"Authorization": f"Bearer {secret}"}).status_code
            == 200
        )
        client.get("/v1/manage/articles", auth=(secret, ""))  # curl -u "$KEY:"
        client.get("/v1/manage/articles", params={"api_key": secret})
        client.get("/v1/articles", params={"key": secret, "page": "2"})
        client.get("/v1/articles", params={"token": "any-secret-value"})
        client.get(f"/v1/articles/{secret}")
        client.get("/v1/articles", headers={"Referer": f"https://clinic.example/?key={secret}"})
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        # A request line the server cannot parse (HTTP/0.9): refused, and quoted nowhere.
        connection.sendall(f"GET /v1/articles?key={secret}\r\n\r\n".encode())
        return connection.recv(1024)


def assert_holds_no_key(log: str, secret: str) -> None:
    assert secret[PREFIX_LENGTH + 1 :] not in log and "any-secret-value" not in log
    assert f"{secret[:PREFIX_LENGTH]}_[redacted]" in log  # the key in the path, named by its prefix
    assert "GET /v1/manage/articles" in log  # the requests were logged, and the log was read


def lines_for(lines: list[dict], page: int) -> dict:
    """The request line of the delivery list's page `page`."""
    (line,) = [line for line in lines if line.get("path", "").endswith(f"page={page}")]
    return line


def test_the_server_logs_requests_without_their_keys(database_url, published, secret, tmp_path):
    server = start(database_url, tmp_path / "server.log")
    try:
        malformed = send_a_key_every_way(server.url, secret)
    finally:
        server.stop()  # flushes the log

    log = server.log.read_text()
    assert_holds_no_key(log, secret)
    lines = [json.loads(line) for line in log.splitlines() if line.strip()]  # each one JSON
    assert {"path": "/v1/articles?key=[redacted]&page=2", "status": 200}.items() <= lines_for(
        lines, 2
    ).items()
    assert malformed.startswith(b"HTTP/1.1 400 ")  # granian's own refusal, which it does not log


def test_behind_nginx_neither_server_logs_a_key(behind_nginx, secret):
    proxy, server = behind_nginx
    send_a_key_every_way(proxy.url, secret)
    proxy.stop()
    server.stop()

    assert_holds_no_key(proxy.log.read_text(), secret)
    assert secret[PREFIX_LENGTH + 1 :] not in proxy.log.with_name("error.log").read_text()
    assert_holds_no_key(server.log.read_text(), secret)
