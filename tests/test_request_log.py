"""The request log: one JSON line per request (method, route template, status, duration,
request id, the key's prefix, never the key), the X-Request-ID taken or made and sent back,
the same id on every line written for the request, and LOG_LEVEL obeyed."""

import json
import logging

import pytest

from service.logs import JsonLines

ACCESS = "service.access"


@pytest.fixture
def lines(caplog):
    """The JSON lines the service logged during the test, as the operator reads them."""
    caplog.set_level(logging.INFO, logger="service")
    formatter = JsonLines()

    def read() -> list[dict]:
        return [json.loads(formatter.format(record)) for record in caplog.records]

    return read


def access_lines(lines) -> list[dict]:
    return [line for line in lines() if line["logger"] == ACCESS]


def test_each_request_is_one_line_with_its_route_status_duration_id_and_key_prefix(client, auth, lines):
    headers = auth("editor")
    secret = headers["Authorization"].removeprefix("Bearer ")
    answer = client.get(
        "/v1/manage/articles?api_key=" + secret, headers={**headers, "X-Request-ID": "req-42"}
    )
    assert answer.headers["X-Request-ID"] == "req-42"

    (line,) = access_lines(lines)
    assert line["request_id"] == "req-42"
    assert (line["method"], line["route"], line["status"]) == ("GET", "/v1/manage/articles", 200)
    assert line["duration_ms"] > 0
    assert line["key_prefix"] == secret[:12]
    assert line["path"] == "/v1/manage/articles?api_key=[redacted]"
    assert secret[13:] not in json.dumps(lines())


@pytest.mark.parametrize("offered", [None, "", "two words", "x" * 129, '{"forged": 1}'])
def test_a_missing_or_unsafe_request_id_is_replaced_by_a_new_one(client, lines, offered):
    headers = {} if offered is None else {"X-Request-ID": offered}
    made = client.get("/v1/articles", headers=headers).headers["X-Request-ID"]
    assert len(made) == 32 and made != offered
    assert access_lines(lines)[0]["request_id"] == made


def test_every_line_of_a_request_carries_its_id(app_with, tmp_path, lines):
    gone = app_with(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'no-such-dir' / 'cms.db'}")
    answer = gone.test_client().get("/v1/articles", headers={"X-Request-ID": "outage-1"})
    assert answer.status_code == 503
    written = lines()
    assert {line["logger"] for line in written} >= {"service.errors", ACCESS}
    assert {line["request_id"] for line in written} == {"outage-1"}
    assert written[-1]["status"] == 503


def test_probes_that_answer_200_are_not_logged_but_errors_are(client, lines):
    assert client.get("/livez").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert access_lines(lines) == []
    client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert [line["status"] for line in access_lines(lines)] == [403]


def test_log_level_warning_leaves_out_the_request_lines(app_with, caplog):
    quiet = app_with(LOG_LEVEL="WARNING")
    try:
        caplog.clear()
        quiet.test_client().get("/v1/articles")
        assert [r for r in caplog.records if r.name == ACCESS] == []
    finally:
        app_with(LOG_LEVEL="INFO")  # the level is the process's: put it back for other tests
