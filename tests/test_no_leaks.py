"""Nothing leaks: security headers on every kind of response, debug off in the production
configuration. (What the server logs is checked in test_two_hosts, on real servers.)"""

import pytest

from service.security import SECURITY_HEADERS

ARTICLE_URL = "/v1/articles/are-all-types-of-back-pain-treatable-with-stem-cells"


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", ARTICLE_URL, 200),
        ("get", "/v1/articles/no-such-article", 404),
        ("get", "/v1/manage/articles", 401),
        ("post", "/v1/events", 422),
        ("get", "/openapi.json", 200),
        ("get", "/docs", 200),
    ],
)
def test_every_response_carries_the_security_headers(client, published, method, url, status):
    response = getattr(client, method)(url)

    assert response.status_code == status
    for name, value in SECURITY_HEADERS:
        if name != "Content-Security-Policy" or url != "/docs":
            assert response.headers[name] == value


def test_a_304_carries_them_too(client, published):
    etag = client.get(ARTICLE_URL).headers["ETag"]
    response = client.get(ARTICLE_URL, headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_500_for_a_failing_hook_carries_them_too(app_with):
    """A failing after-request hook skips the hooks after it, for the 500 answered too."""
    app = app_with(PROPAGATE_EXCEPTIONS=False)

    @app.after_request
    def fail(_response):
        raise RuntimeError("a hook failed")

    response = app.test_client().get("/v1/articles/no-such-article")

    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    for name, value in SECURITY_HEADERS:
        assert response.headers[name] == value


def test_the_docs_page_may_run_only_its_own_scripts(client):
    policy = client.get("/docs").headers["Content-Security-Policy"]

    assert "script-src 'self' 'unsafe-inline'" in policy and "frame-ancestors 'none'" in policy
    assert "*" not in policy and "http" not in policy


def test_the_production_configuration_has_debug_off(monkeypatch, app_with):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = app_with()

    assert app.debug is False and app.testing is False
    assert app.config["PROPAGATE_EXCEPTIONS"] is None  # Flask's default: errors become 500 problems


@pytest.mark.parametrize("url", ["/docs", "/desk/", "/results/"])
def test_the_pages_never_tell_where_their_links_were_followed_from(client, url):
    """Referrer-Policy is for pages, which make requests; JSON answers go without it."""
    assert client.get(url).headers["Referrer-Policy"] == "no-referrer"
    assert "Referrer-Policy" not in client.get("/v1/articles").headers
