"""A site's kept public answers, sent before Flask (api.kept_answers): the same status, headers,
body, access line and metrics as Flask's path, and a change served within the freshness window."""

import logging

import pytest

from service.api.kept_answers import KeptAnswers
from service.content.freshness import DeliveryCache
from service.metrics import CACHE_HITS
from tests.servers import BROWSER_USER_AGENT
from tests.test_sites import AUSTIN, SITES

ENCODINGS = ["", "gzip", "br", "gzip, br;q=0.5", "identity", "gzip;q=0, br;q=0"]
ORIGINS = [None, "https://austin.example", "https://dallas.example"]


@pytest.fixture
def slug(client, admin, create_published, reviewed_document) -> str:
    assert client.post(SITES, json=AUSTIN, headers=admin).status_code == 201
    reviewed_document["call_to_action"]["button_label"] = "Call {{site.phone}}"
    create_published(reviewed_document, headers=admin)
    return reviewed_document["slug"]


def kept_answers(app) -> KeptAnswers:
    layer = app.wsgi_app
    while not isinstance(layer, KeptAnswers):
        layer = layer.wsgi_app
    return layer


def flask_refused(_environ, _start_response):
    raise AssertionError("reached Flask")


def answer(client, url: str, headers: dict) -> tuple:
    response = client.get(url, headers={"X-Request-ID": "same", **headers})
    return response.status, sorted(response.headers.items()), response.data


def delivery_urls(slug: str) -> list[str]:
    site = "/v1/sites/clinic-austin/articles"
    return [f"{site}/{slug}", f"{site}/{slug}?locale=en", f"{site}?page=1&page_size=5", f"{site}?locale=en"]


def test_a_kept_answer_is_the_same_before_flask_as_through_it(app_with, slug, caplog):
    # (a window longer than the test: every answer below is sent from the cache)
    before = app_with(DELIVERY_FRESHNESS_SECONDS=3600)
    through = app_with(DELIVERY_FRESHNESS_SECONDS=3600, KEPT_ANSWERS_BEFORE_FLASK=False)
    requests = [
        (url, {k: v for k, v in {"Accept-Encoding": coding, "Origin": origin}.items() if v})
        for url in delivery_urls(slug)
        for coding in ENCODINGS
        for origin in ORIGINS
    ]
    for app in (before, through):
        for url, headers in requests:
            app.test_client().get(url, headers=headers)  # kept, as a cached answer is
    kept_answers(before).wsgi_app = flask_refused
    caplog.set_level(logging.INFO, "service.access")

    for url, headers in requests:
        caplog.clear()
        hits = [CACHE_HITS._value.get()]
        sent = answer(before.test_client(), url, headers)
        hits.append(CACHE_HITS._value.get())
        sent_line = caplog.records[-1].fields
        expected = answer(through.test_client(), url, headers)
        hits.append(CACHE_HITS._value.get())
        expected_line = caplog.records[-1].fields
        assert sent == expected
        assert hits[1] - hits[0] == hits[2] - hits[1] > 0  # the same lookups, counted alike
        assert {**sent_line, "duration_ms": 0} == {**expected_line, "duration_ms": 0}
        etag = dict(sent[1])["ETag"]
        revalidated = answer(before.test_client(), url, {**headers, "If-None-Match": etag})
        assert revalidated[0] == "304 NOT MODIFIED" and not revalidated[2]
        assert revalidated == answer(through.test_client(), url, {**headers, "If-None-Match": etag})


SEED_ARTICLE = "/v1/sites/clinic-austin/articles/are-all-types-of-back-pain-treatable-with-stem-cells"
USER_AGENTS = [
    None,
    BROWSER_USER_AGENT,
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
]


def test_a_visitor_in_an_experiment_is_answered_before_flask_as_through_it(app_with, running, caplog):
    before = app_with(DELIVERY_FRESHNESS_SECONDS=3600)
    through = app_with(DELIVERY_FRESHNESS_SECONDS=3600, KEPT_ANSWERS_BEFORE_FLASK=False)
    requests = [
        (f"{SEED_ARTICLE}?visitor=v-{number}", {"Accept-Encoding": coding, "User-Agent": agent})
        for number in range(6)
        for coding in ("", "br")
        for agent in USER_AGENTS
    ]
    for app in (before, through):
        for url, headers in requests:
            app.test_client().get(url, headers={k: v for k, v in headers.items() if v})  # (kept)
    kept_answers(before).wsgi_app = flask_refused
    caplog.set_level(logging.INFO, "service.access")

    variants = set()
    for url, headers in requests:
        headers = {k: v for k, v in headers.items() if v}
        sent = answer(before.test_client(), url, headers)
        line = caplog.records[-1].fields
        assert sent == answer(through.test_client(), url, headers)
        assert {**line, "duration_ms": 0} == {**caplog.records[-1].fields, "duration_ms": 0}
        assert dict(sent[1])["Cache-Control"].startswith("private")
        if "Googlebot" not in headers.get("User-Agent", ""):
            plain = {name: value for name, value in headers.items() if name != "Accept-Encoding"}
            variants.add(before.test_client().get(url, headers=plain).json["assignment"]["variant"])
    assert variants == {"control", "heading"}  # (each arm's answer compared)


def test_a_visitor_of_an_article_in_no_experiment_gets_its_public_answer_before_flask(app_with, slug):
    before, through = app_with(), app_with(KEPT_ANSWERS_BEFORE_FLASK=False)
    url = f"/v1/sites/clinic-austin/articles/{slug}?visitor=v-1"
    headers = {"Accept-Encoding": "br", "Origin": "https://austin.example"}
    before.test_client().get(url, headers=headers)
    kept_answers(before).wsgi_app = flask_refused

    sent = answer(before.test_client(), url, headers)

    assert sent[0] == "200 OK" and dict(sent[1])["Cache-Control"].startswith("public")
    assert dict(sent[1])["Access-Control-Allow-Origin"] == "https://austin.example"
    assert sent == answer(through.test_client(), url, headers)


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("?visitor=", "422 UNPROCESSABLE ENTITY"),
        (f"?visitor={'v' * 201}", "422 UNPROCESSABLE ENTITY"),
        ("?visitor=v-1&visitor=v-2", "200 OK"),
        ("?visitor=v-1&locale=en", "200 OK"),
        ("?made=up", "200 OK"),
        ("?locale=en&made=up", "200 OK"),
    ],
)
def test_what_is_not_kept_for_its_url_goes_on_to_flask(app_with, slug, query, status):
    before, through = app_with(), app_with(KEPT_ANSWERS_BEFORE_FLASK=False)
    url = f"/v1/sites/clinic-austin/articles/{slug}{query}"
    before.test_client().get(url)
    flask, reached = kept_answers(before).wsgi_app, []

    def counted(environ, start_response):
        reached.append(environ["QUERY_STRING"])
        return flask(environ, start_response)

    kept_answers(before).wsgi_app = counted
    sent = answer(before.test_client(), url, {"Accept-Encoding": "br"})

    assert reached and sent[0] == status
    assert sent == answer(through.test_client(), url, {"Accept-Encoding": "br"})


def test_a_change_is_sent_before_flask_within_the_freshness_window(app_with, client, admin, slug):
    now = [0.0]
    before = app_with(DELIVERY_FRESHNESS_SECONDS=2)
    # Its cache, on a clock of the test's, is emptied only by the counter: another process's.
    before.extensions["delivery_cache"] = DeliveryCache(1 << 20, 2, clock=lambda: now[0])
    url = f"/v1/sites/clinic-austin/articles/{slug}"
    reader = before.test_client()
    reader.get(url)
    flask = kept_answers(before).wsgi_app
    kept_answers(before).wsgi_app = flask_refused
    assert "512-555-0100" in reader.get(url).json["call_to_action"]["button_label"]

    changed = {**AUSTIN, "variables": {**AUSTIN["variables"], "phone": "512-555-0199"}}
    assert client.put(f"{SITES}/clinic-austin", json=changed, headers=admin).status_code == 200
    now[0] = 1.9
    assert "512-555-0100" in reader.get(url).json["call_to_action"]["button_label"]
    now[0] = 2.0
    kept_answers(before).wsgi_app = flask  # the counter is read again, through Flask
    assert "512-555-0199" in reader.get(url).json["call_to_action"]["button_label"]
    kept_answers(before).wsgi_app = flask_refused
    assert "512-555-0199" in reader.get(url).json["call_to_action"]["button_label"]
