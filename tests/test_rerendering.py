"""`flask rerender`: revisions published under older Markdown rules are brought up to date,
and delivery (its ETags, its cache, the CDN's purge) serves the new bodies at once."""

import json

import pytest
from markdown_it import MarkdownIt
from sqlalchemy import select

from service.content import markdown
from service.extensions import db
from service.models import Revision
from tests.receivers import HOOKS

pytestmark = pytest.mark.usefixtures("private_targets")
TABLE = "| Treatment | Price |\n|:--|--:|\n| PRP | $750 |"
_before_issue_16 = MarkdownIt("commonmark", {"html": False})


def render_as_before_issue_16(source, references=()):
    """main's renderer before tables, citations and nested headings (2667216)."""
    return None if source is None else markdown.sanitise(_before_issue_16.render(source))


@pytest.fixture
def published_before(monkeypatch, client, publisher, create_published, publish_reviewed, reviewed_document):
    """An article with a table, published twice by the renderer as it was before issue 16."""
    reviewed_document["sections"][0]["body"] = TABLE
    with monkeypatch.context() as patch:
        patch.setattr(markdown, "render_markdown", render_as_before_issue_16)
        article = create_published(reviewed_document)
        edit = client.patch(article.url, json={"title": "Second"}, headers={**publisher, "If-Match": "*"})
        assert edit.status_code == 200, edit.json
        second = publish_reviewed(article.url)
        assert second.status_code == 200, second.json
    return second.json


def rerender(runner) -> str:
    result = runner.invoke(args=["rerender"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_seed_needs_no_rerender(runner, published):
    assert rerender(runner) == "0 of 1 revisions changed, 0 of them published.\n"


def test_a_stale_body_is_rendered_again_with_a_new_etag(client, runner, published_before):
    url = f"/v1/articles/{published_before['slug']}"
    stale = client.get(url)
    assert "<p>| Treatment | Price |" in stale.json["sections"][0]["body_html"]

    output = rerender(runner)
    fresh = client.get(url)

    assert output.splitlines() == [
        f"{published_before['slug']} (en): revision 1 rendered again",
        f"{published_before['slug']} (en): revision 2 rendered again",
        "2 of 2 revisions changed, 1 of them published.",
    ]
    assert fresh.json["sections"][0]["body_html"].startswith('<table>\n<thead>\n<tr>\n<th align="left">')
    assert fresh.headers["ETag"] != stale.headers["ETag"] and fresh.json["etag"] != stale.json["etag"]
    assert fresh.json["revision"] == stale.json["revision"] == 2
    assert fresh.json["published_at"] == stale.json["published_at"]
    assert client.get(url, headers={"If-None-Match": stale.headers["ETag"]}).status_code == 200
    assert client.get(url, headers={"If-None-Match": fresh.headers["ETag"]}).status_code == 304


def test_a_second_run_changes_nothing(runner, published_before):
    rerender(runner)

    assert rerender(runner) == "0 of 2 revisions changed, 0 of them published.\n"


def test_the_published_change_is_announced_for_the_cdn_and_each_audited(
    client, admin, runner, receiver, published_before
):
    endpoint = receiver()
    hook = client.post(HOOKS, json={"url": endpoint.url, "events": ["article.rerendered"]}, headers=admin)
    assert hook.status_code == 201, hook.json["errors"]

    rerender(runner)
    sent = runner.invoke(args=["send-webhooks"])
    assert sent.exit_code == 0, sent.output
    audit = client.get(f"/v1/manage/audit?article_id={published_before['id']}", headers=admin).json

    [(_, body)] = endpoint.received
    event = json.loads(body)
    assert event["type"] == "article.rerendered"
    assert event["data"]["article"]["revision"] == 2  # the published one; revision 1 is history
    assert event["data"]["purge_keys"] == [f"article-{published_before['id']}"]
    rerendered = [entry for entry in audit if entry["action"] == "revision.rerendered"]
    assert sorted(entry["revision_after"] for entry in rerendered) == [1, 2]


def test_site_delivery_renders_by_the_new_rules_without_a_rerender(client, admin, published_before):
    """Each site's answer is rendered from the revision's document when asked, not stored."""
    site = {"key": "clinic-austin", "name": "Austin", "variables": {}}
    assert client.post("/v1/manage/sites", json=site, headers=admin).status_code == 201

    answer = client.get(f"/v1/sites/clinic-austin/articles/{published_before['slug']}")

    assert answer.json["sections"][0]["body_html"].startswith("<table>")


def test_a_revision_todays_schema_refuses_keeps_its_body(app, runner, published):
    with app.app_context():
        revision = db.session.scalars(select(Revision)).one()
        body = revision.body
        revision.document = {**revision.document, "title": " "}  # blank: refused since
        db.session.commit()

    output = rerender(runner)

    with app.app_context():
        assert db.session.scalars(select(Revision)).one().body == body
    assert output.splitlines() == [
        f"{published['slug']} (en): revision 1 left as it was, unreadable today: title: Must not be blank.",
        "0 of 1 revisions changed, 0 of them published.",
    ]
