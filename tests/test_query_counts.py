"""Delivery runs a fixed number of SQL statements, however long the article, and none at all
when it answers from its cache (a repeat, or a 304)."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session, raiseload

from service.api.experiments_schemas import EXPERIMENT_EXAMPLE
from service.extensions import db

SITE = {"key": "clinic-austin", "name": "Renova Austin", "origins": [], "variables": {}}


@contextmanager
def counted(app):
    """The SQL statements run meanwhile, with their parameters; any lazy load of a
    relationship fails instead."""
    statements = []

    def count(_connection, _cursor, statement, parameters, *_args):
        if not statement.startswith("BEGIN"):  # (SQLite's, which SQLAlchemy sends itself)
            statements.append((statement, repr(parameters)))

    def no_lazy_loads(state):
        if state.is_select and not state.is_relationship_load:
            state.statement = state.statement.options(raiseload("*"))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    event.listen(Session, "do_orm_execute", no_lazy_loads)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
        event.remove(Session, "do_orm_execute", no_lazy_loads)


def long_version(document):
    """The seed grown to 50 sections and 50 FAQs."""
    section = document["sections"][0]
    faq = document["faqs"][0]
    return {
        **document,
        "slug": "long-article",
        "sections": [{**section, "key": f"section-{n}", "includes": None} for n in range(50)],
        "faqs": [{**faq, "key": f"faq-{n}"} for n in range(50)],
    }


@pytest.fixture
def short_and_long(client, publish, auth, reviewed_document):
    client.post("/v1/manage/sites", json=SITE, headers=auth("admin"))
    document = reviewed_document
    short = {**document, "slug": "short-article", "sections": document["sections"][:1], "faqs": []}
    short["sections"][0] = {**short["sections"][0], "includes": None}
    publish([short, long_version(document)])


PATHS = [
    "/v1/articles/{slug}",
    "/v1/articles?page_size=20",
    "/v1/sites/clinic-austin/articles/{slug}",
    "/v1/sites/clinic-austin/articles/{slug}?visitor=v-1",
    "/v1/sites/clinic-austin/articles/{slug}/variants/{slug}-test/named-clinic",
    "/v1/sites/clinic-austin/articles?page_size=20",
]


@pytest.fixture
def experiments_on_both(app, client, short_and_long, auth, approve_variants):
    admin = auth("admin")
    articles = client.get("/v1/manage/articles", headers=admin).get_json()
    for article in articles:
        key = f"{article['slug']}-test"
        created = client.post(
            "/v1/manage/experiments",
            json={**EXPERIMENT_EXAMPLE, "key": key, "article_id": article["id"]},
            headers=admin,
        )
        assert created.status_code == 201, created.get_json()
        approve_variants(key, admin)
        assert client.post(f"/v1/manage/experiments/{key}/start", headers=admin).status_code == 200


def cold_statements(app, client, url) -> list[tuple[str, str]]:
    """Statements for one request that finds nothing cached (connection set-up aside)."""
    client.get(url)
    app.extensions["delivery_cache"].clear()
    with counted(app) as statements:
        assert client.get(url).status_code == 200
    return statements


def cold_count(app, client, url) -> int:
    return len(cold_statements(app, client, url))


@pytest.mark.parametrize("path", PATHS)
def test_delivery_queries_do_not_grow_with_the_article(app, client, experiments_on_both, path):
    short, long = (
        cold_count(app, client, path.format(slug=slug)) for slug in ("short-article", "long-article")
    )
    assert short == long


@pytest.mark.parametrize("path", PATHS)
def test_an_uncached_request_reads_nothing_twice(app, client, experiments_on_both, path):
    """The site, the live revision and the running experiment are each read once, however
    many of the answers kept for them are missing."""
    statements = cold_statements(app, client, path.format(slug="long-article"))
    assert len(set(statements)) == len(statements)


@pytest.mark.parametrize("path", PATHS)
def test_a_repeat_and_a_revalidation_run_no_sql(app, client, experiments_on_both, path):
    url = path.format(slug="long-article")
    etag = client.get(url).headers["ETag"]
    with counted(app) as statements:
        assert client.get(url).headers["ETag"] == etag
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert statements == []


def test_an_uncached_published_article_is_one_query_after_the_freshness_check(app, client, short_and_long):
    assert cold_count(app, client, "/v1/articles/long-article") == 2


def test_made_up_query_parameters_are_answered_but_not_kept_for_themselves(app, client, short_and_long):
    client.get("/v1/articles/long-article")
    cache = app.extensions["delivery_cache"]
    held = cache.size
    for number in range(50):
        assert client.get(f"/v1/articles/long-article?utm_source=x{number}").status_code == 200
    assert cache.size == held
