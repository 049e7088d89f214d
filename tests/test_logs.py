"""No key reaches a log: not the service's under gunicorn (its JSON request lines, gunicorn's
error lines), not nginx's in front of it, wherever a client puts the key, rightly (Bearer) or by
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


def send_a_key_every_way(url: str, secret: str) -> None:
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
        # A request line gunicorn cannot parse, and quotes in its error log.
        connection.sendall(f"GET /v1/articles?key={secret}\r\n\r\n".encode())
        connection.recv(1024)


def assert_holds_no_key(log: str, secret: str) -> None:
    assert secret[PREFIX_LENGTH + 1 :] not in log and "any-secret-value" not in log
    assert f"{secret[:PREFIX_LENGTH]}_[redacted]" in log  # the key in the path, named by its prefix
    assert "GET /v1/manage/articles" in log  # the requests were logged, and the log was read


def lines_for(lines: list[dict], page: int) -> dict:
    """The request line of the delivery list's page `page`."""
    (line,) = [line for line in lines if line.get("path", "").endswith(f"page={page}")]
    return line


def test_gunicorn_logs_requests_without_their_keys(database_url, published, secret, tmp_path):
    server = start(database_url, tmp_path / "gunicorn.log")
    try:
        send_a_key_every_way(server.url, secret)
    finally:
        server.stop()  # flushes the log

    log = server.log.read_text()
    assert_holds_no_key(log, secret)
    lines = [json.loads(line) for line in log.splitlines() if line.strip()]  # each one JSON
    assert {"path": "/v1/articles?key=[redacted]&page=2", "status": 200}.items() <= lines_for(
        lines, 2
    ).items()
    assert "Invalid HTTP request line: 'GET /v1/articles?key=[redacted]'" in log  # the error log


def test_behind_nginx_neither_server_logs_a_key(behind_nginx, secret):
    proxy, gunicorn = behind_nginx
    send_a_key_every_way(proxy.url, secret)
    proxy.stop()
    gunicorn.stop()

    assert_holds_no_key(proxy.log.read_text(), secret)
    assert secret[PREFIX_LENGTH + 1 :] not in proxy.log.with_name("error.log").read_text()
    assert_holds_no_key(gunicorn.log.read_text(), secret)
