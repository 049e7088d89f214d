"""Delivery runs a fixed number of SQL statements, however long the article."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from service.extensions import db

SITE = {"key": "clinic-austin", "name": "Renova Austin", "origins": [], "variables": {}}


@contextmanager
def counted(app):
    statements = []

    def count(*_args):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


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
def short_and_long(client, publish, auth, seed_document):
    client.post("/v1/manage/sites", json=SITE, headers=auth("admin"))
    short = {**seed_document, "slug": "short-article", "sections": seed_document["sections"][:1], "faqs": []}
    short["sections"][0] = {**short["sections"][0], "includes": None}
    publish([short, long_version(seed_document)])


@pytest.mark.parametrize(
    "path", ["/v1/articles/{slug}", "/v1/sites/clinic-austin/articles/{slug}", "/v1/articles?page_size=20"]
)
def test_delivery_queries_do_not_grow_with_the_article(app, client, short_and_long, path):
    counts = []
    for slug in ("short-article", "long-article"):
        client.get(path.format(slug=slug))  # warm: connection set-up is not the request's
        with counted(app) as statements:
            assert client.get(path.format(slug=slug)).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_a_published_article_is_one_query(app, client, short_and_long):
    client.get("/v1/articles/long-article")
    with counted(app) as statements:
        client.get("/v1/articles/long-article")
    assert len(statements) == 1
