"""Delivery's answers compressed, by Accept-Encoding: each coding its own representation, with
its own strong ETag and 304, decoding to the very bytes sent uncompressed."""

import gzip
import socket

import brotli
import pytest

from tests.servers import start

SLUG = "are-all-types-of-back-pain-treatable-with-stem-cells"
ARTICLE_URL = f"/v1/articles/{SLUG}"
DECODE = {"br": brotli.decompress, "gzip": gzip.decompress}
# What Chromium sends on every fetch over HTTPS.
BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd"


def get(client, url, accept_encoding=None, **headers):
    if accept_encoding is not None:
        headers["Accept-Encoding"] = accept_encoding
    return client.get(url, headers=headers)


@pytest.mark.parametrize(
    ("accept_encoding", "coding"),
    [
        (None, None),
        ("", None),
        ("identity", None),
        (BROWSER_ACCEPT_ENCODING, "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=0.5, br;q=0.4", "gzip"),
        ("*", "br"),
        ("*;q=0, identity", None),
        ("zstd, deflate", None),
    ],
)
def test_the_coding_sent_is_the_one_the_client_prefers(client, published, accept_encoding, coding):
    plain = get(client, ARTICLE_URL)
    response = get(client, ARTICLE_URL, accept_encoding)

    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == coding
    assert "Accept-Encoding" in response.headers["Vary"]
    body = DECODE[coding](response.data) if coding else response.data
    assert body == plain.data
    if coding:
        assert len(response.data) < len(plain.data) / 3
        assert response.headers["ETag"] == plain.headers["ETag"][:-1] + f'-{coding}"'
    else:
        assert response.headers["ETag"] == plain.headers["ETag"]


@pytest.mark.parametrize("coding", ["br", "gzip", "identity"])
def test_each_representation_revalidates_with_its_own_etag(client, published, coding):
    first = get(client, ARTICLE_URL, coding)

    again = get(client, ARTICLE_URL, coding, **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert "Accept-Encoding" in again.headers["Vary"]

    # The ETag of another coding's bytes is another representation: the whole answer comes back.
    other = "gzip" if coding == "br" else "br"
    switched = get(client, ARTICLE_URL, other, **{"If-None-Match": first.headers["ETag"]})
    assert switched.status_code == 200 and switched.headers["Content-Encoding"] == other


def test_site_pages_lists_and_visitors_answers_are_compressed_too(client, running):
    urls = [
        f"/v1/sites/clinic-austin/articles/{SLUG}",
        f"/v1/sites/clinic-austin/articles/{SLUG}?visitor=v-1",
        "/v1/sites/clinic-austin/articles",
        "/v1/articles",
    ]
    for url in urls:
        plain = get(client, url)
        compressed = get(client, url, "br")
        assert plain.status_code == compressed.status_code == 200, url
        assert compressed.headers["Content-Encoding"] == "br", url
        assert brotli.decompress(compressed.data) == plain.data, url


def test_a_problem_is_never_compressed_into_a_representation(client, published):
    response = get(client, "/v1/articles/no-such-article", "br")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert "Content-Encoding" not in response.headers


def raw_get(url: str, path: str, headers: dict[str, str]) -> bytes:
    """One HTTP/1.1 exchange as bytes on the wire, status line and headers included."""
    host, port = url.removeprefix("http://").split(":")
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received


@pytest.mark.servers
def test_the_seed_article_reaches_a_browser_in_under_4500_bytes(sqlite_app, sqlite_file, tmp_path):
    assert sqlite_app.test_cli_runner().invoke(args=["seed"]).exit_code == 0
    server = start(f"sqlite:///{sqlite_file}", tmp_path / "server.log", workers=1)
    try:
        browser = {"Accept-Encoding": BROWSER_ACCEPT_ENCODING, "Origin": "https://austin.example"}
        wire = raw_get(server.url, ARTICLE_URL, browser)
        plain = raw_get(server.url, ARTICLE_URL, {})
    finally:
        server.stop()

    head, body = wire.split(b"\r\n\r\n", 1)
    assert b"content-encoding: br" in head.lower()  # (granian sends header names in lower case)
    assert brotli.decompress(body) == plain.split(b"\r\n\r\n", 1)[1]
    assert len(wire) <= 4500, len(wire)
