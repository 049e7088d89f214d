"""Every error is a problem document with the right status; nothing internal leaks."""

import pytest


def test_an_unknown_route_is_a_404_problem(client):
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json["title"] == "Not Found"


def test_a_wrong_method_is_a_405_problem_that_keeps_allow(client):
    response = client.delete("/v1/articles/some-article")

    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}


@pytest.fixture
def failing_app(app_with):
    """An app whose one extra route fails, run as in production (exceptions not propagated)."""
    app = app_with(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    return app


def test_an_unexpected_failure_is_a_500_problem_without_internals(failing_app):
    response = failing_app.test_client().get("/boom")

    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    body = response.get_data(as_text=True)
    assert "secret internal detail" not in body and "Traceback" not in body
    assert response.json["detail"] == "The server could not complete the request; it has been logged."
