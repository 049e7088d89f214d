"""Releases: approved versions across sites and an experiment start, published all or nothing
in one transaction (one change of the delivery generation), with one webhook naming it all."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from service.content.audit import Actor
from service.content.releases import ReleaseConflict, apply_due_releases, publish_release
from service.content.webhooks import send_due
from service.extensions import db
from service.models import DeliveryGeneration, Release
from service.models.base import utcnow
from tests.at_once import at_once
from tests.conftest import REVIEWS
from tests.experiment_factories import EXPERIMENTS, SITE, experiment

RELEASES = "/v1/manage/releases"
SITES = "/v1/manage/sites"
SLUG = "are-all-types-of-back-pain-treatable-with-stem-cells"
DENVER = {"key": "clinic-denver", "name": "Renova Denver", "origins": [], "variables": {}}


def generation(app):
    with app.app_context():
        return db.session.scalar(select(DeliveryGeneration.generation)) or 0


@pytest.fixture
def prepare(client, admin, editor, publisher, reviewer, live_article, approve, approve_variants):
    """Make an approved new version of the live article, approved overlays for two sites (each
    overlay's summary `summary(site)`; the sites' `variables` given), and an approved
    experiment: the reviews' ids."""

    def make(summary=lambda site: f"At {site}.", variables=None):
        client.post(SITES, json={**DENVER, "variables": variables or {}}, headers=admin)
        if variables:
            client.put(f"{SITES}/clinic-austin", json={**SITE, "variables": variables}, headers=admin)
        url = f"/v1/manage/articles/{live_article}"
        client.patch(
            url, json={"title": "Stem cells and back pain, reviewed"}, headers={**editor, "If-Match": "*"}
        )
        reviews = [approve(url, headers=editor)["id"]]
        for site in ("clinic-austin", "clinic-denver"):
            overlay = f"{SITES}/{site}/overlays/{live_article}"
            client.put(
                overlay, json={"fields": {"summary": summary(site)}}, headers={**admin, "If-Match": "*"}
            )
            submitted = client.post(f"{overlay}/reviews", json={}, headers=admin).json
            approved = client.post(f"{REVIEWS}/{submitted['id']}/approve", json={}, headers=reviewer)
            assert approved.status_code == 200
            reviews.append(submitted["id"])
        client.post(EXPERIMENTS, json=experiment(live_article), headers=publisher)
        approve_variants("cta-heading")
        return reviews

    return make


@pytest.fixture
def prepared(prepare):
    """What prepare makes, as it makes it by default."""
    return prepare()


def items(reviews):
    return [{"review": review} for review in reviews] + [{"experiment": "cta-heading", "action": "start"}]


def test_a_release_publishes_everything_at_once_with_one_webhook(
    app, client, admin, publisher, prepared, private_targets, receiver
):
    endpoint = receiver()
    hook = client.post(
        "/v1/manage/webhooks",
        json={"url": endpoint.url, "events": ["release.published", "article.published"]},
        headers=admin,
    ).json
    release = client.post(
        RELEASES, json={"name": "December", "items": items(prepared)}, headers=publisher
    ).json
    assert release["status"] == "pending"
    assert client.get(f"/v1/articles/{SLUG}").json["title"] != "Stem cells and back pain, reviewed"
    before = generation(app)

    published = client.post(f"{RELEASES}/{release['id']}/publish", headers=publisher)

    assert published.status_code == 200 and published.json["status"] == "published"
    assert generation(app) == before + 1  # one change of the delivery generation
    assert client.get(f"/v1/articles/{SLUG}").json["title"] == "Stem cells and back pain, reviewed"
    assert client.get(f"/v1/sites/clinic-austin/articles/{SLUG}").json["summary"] == "At clinic-austin."
    assert client.get(f"/v1/sites/clinic-denver/articles/{SLUG}").json["summary"] == "At clinic-denver."
    assert client.get(f"{EXPERIMENTS}/cta-heading", headers=publisher).json["status"] == "running"
    (delivery,) = client.get(f"/v1/manage/webhooks/{hook['id']}/deliveries", headers=admin).json
    assert delivery["event"] == "release.published"
    changes = delivery["payload"]["data"]["changes"]
    assert [c.get("site") for c in changes] == [None, "clinic-austin", "clinic-denver", None]
    assert changes[0]["revision"] == 2 and changes[3] == {"experiment": "cta-heading", "action": "start"}
    with app.app_context():
        (sent,) = send_due(db.session, allow_private=True)
    assert (
        sent.status == "delivered"
        and json.loads(endpoint.received[0][1])["data"]["release"]["name"] == "December"
    )
    assert client.post(f"{RELEASES}/{release['id']}/publish", headers=publisher).status_code == 409


def test_a_release_whose_any_item_fails_publishes_nothing(client, publisher, reviewer, prepared, app):
    # The reviewer takes back the Denver overlay's approval: that item no longer passes.
    client.post(
        f"{REVIEWS}/{prepared[2]}/request-changes",
        json={"comments": [{"target": "fields.summary", "body": "Not yet."}]},
        headers=reviewer,
    )
    release = client.post(
        RELEASES, json={"name": "December", "items": items(prepared)}, headers=publisher
    ).json
    before = generation(app)

    refused = client.post(f"{RELEASES}/{release['id']}/publish", headers=publisher)

    assert refused.status_code == 409 and "items[2]" in refused.json["detail"]
    assert generation(app) == before
    assert client.get(f"/v1/articles/{SLUG}").json["title"] != "Stem cells and back pain, reviewed"
    assert client.get(f"/v1/sites/clinic-austin/articles/{SLUG}").json["summary"] != "At clinic-austin."
    assert client.get(f"{EXPERIMENTS}/cta-heading", headers=publisher).json["status"] == "draft"
    assert client.get(f"{RELEASES}/{release['id']}", headers=publisher).json["status"] == "pending"


def test_a_release_at_a_time_is_published_by_the_schedule_runner(app, client, runner, publisher, prepared):
    at = (utcnow() + timedelta(hours=1)).isoformat()
    release = client.post(
        RELEASES, json={"name": "Later", "items": items(prepared), "at": at}, headers=publisher
    ).json
    assert "release" not in runner.invoke(args=["apply-schedules"]).output  # not due yet
    with app.app_context():
        db.session.execute(update(Release).values(at=utcnow() - timedelta(seconds=1)))
        db.session.commit()

    output = runner.invoke(args=["apply-schedules"]).output

    assert f"release {release['id']}: published 4 changes" in output
    assert client.get(f"/v1/sites/clinic-denver/articles/{SLUG}").json["summary"] == "At clinic-denver."
    assert runner.invoke(args=["apply-schedules"]).output == ""


def due_release(app, client, publisher, reviews):
    """A release of the reviews and the experiment's start, at a time now past: the runner's."""
    at = (utcnow() + timedelta(hours=1)).isoformat()
    release = client.post(
        RELEASES, json={"name": "Later", "items": items(reviews), "at": at}, headers=publisher
    ).json
    with app.app_context():
        db.session.execute(update(Release).values(at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    return release


def test_an_applied_release_keeps_its_planned_time_in_the_api_and_the_full_export(
    app, client, runner, publisher, prepared, tmp_path
):
    release = due_release(app, client, publisher, prepared)
    planned = client.get(f"{RELEASES}/{release['id']}", headers=publisher).json["at"]

    assert "published 4 changes" in runner.invoke(args=["apply-schedules"]).output

    applied = client.get(f"{RELEASES}/{release['id']}", headers=publisher).json
    assert applied["status"] == "published" and planned is not None and applied["at"] == planned
    published = client.get("/v1/manage/audit?page_size=1", headers=publisher).json[0]
    assert published["action"] == "release.published" and published["details"]["at"] is not None
    runner.invoke(args=["export-installation", str(tmp_path / "export.json")])
    (row,) = json.loads((tmp_path / "export.json").read_text())["tables"]["releases"]
    assert row["status"] == "published" and row["at"] is not None


def test_several_hosts_applying_at_once_apply_each_release_once(app, client, publisher, prepared):
    stop = [{"experiment": "cta-heading", "action": "stop"}]
    due = [due_release(app, client, publisher, reviews)["id"] for reviews in (prepared, [], [])]
    with app.app_context():  # the two stops: one after the start, one too many
        db.session.execute(update(Release).where(Release.id != due[0]).values(items=stop))
        db.session.commit()
    applied = []
    at_once(app, [lambda: applied.extend(apply_due_releases(db.session))] * 4)

    assert sorted(release_id for release_id, _outcome in applied) == due
    outcomes = [client.get(f"{RELEASES}/{r}", headers=publisher).json["status"] for r in due]
    assert outcomes == ["published", "published", "failed"]
    audit = client.get("/v1/manage/audit", headers=publisher).json
    applying = sorted(e["action"] for e in audit if e["action"] in ("release.published", "release.failed"))
    assert applying == ["release.failed", "release.published", "release.published"]


def test_a_publish_by_hand_as_the_runner_applies_it_publishes_it_once(app, client, publisher, prepared):
    release_id = due_release(app, client, publisher, prepared)["id"]
    refused = []

    def by_hand():
        try:
            publish_release(db.session, db.session.get(Release, release_id), by=Actor(None, "hand"))
            db.session.commit()
        except ReleaseConflict as error:
            db.session.rollback()
            refused.append(str(error))

    at_once(app, [by_hand, lambda: apply_due_releases(db.session), lambda: apply_due_releases(db.session)])

    assert client.get(f"{RELEASES}/{release_id}", headers=publisher).json["status"] == "published"
    audit = client.get("/v1/manage/audit", headers=publisher).json
    assert [e["action"] for e in audit].count("release.published") == 1
    assert len(refused) <= 1


def test_edits_after_a_release_is_made_are_the_next_draft_not_a_voided_release(
    app, client, runner, admin, editor, publisher, prepared, live_article
):
    """A pending release pins the versions its reviews approved, as a schedule does."""
    due_release(app, client, publisher, prepared)
    article = f"/v1/manage/articles/{live_article}"
    client.patch(article, json={"title": "Edited after"}, headers={**editor, "If-Match": "*"})
    overlay = f"{SITES}/clinic-denver/overlays/{live_article}"
    assert (
        client.put(
            overlay, json={"fields": {"summary": "Later."}}, headers={**admin, "If-Match": "*"}
        ).status_code
        == 200
    )

    output = runner.invoke(args=["apply-schedules"]).output

    assert "published 4 changes" in output, output
    assert client.get(f"/v1/articles/{SLUG}").json["title"] == "Stem cells and back pain, reviewed"
    assert client.get(f"/v1/sites/clinic-denver/articles/{SLUG}").json["summary"] == "At clinic-denver."
    assert client.get(article, headers=editor).json["title"] == "Edited after"


def test_a_scheduled_release_that_fails_is_marked_failed_and_says_why(
    app, client, runner, publisher, prepared
):
    client.post(f"{EXPERIMENTS}/cta-heading/start", headers=publisher)  # started already: "start" fails
    release = due_release(app, client, publisher, prepared)

    runner.invoke(args=["apply-schedules"])

    failed = client.get(f"{RELEASES}/{release['id']}", headers=publisher).json
    assert failed["status"] == "failed" and "items[3]" in failed["outcome"]
    assert client.get(f"/v1/articles/{SLUG}").json["title"] != "Stem cells and back pain, reviewed"
    assert client.get("/v1/manage/audit", headers=publisher).json[0]["action"] == "release.failed"


def test_a_release_names_what_exists_and_is_cancelled_while_pending(client, publisher, prepared):
    bad = client.post(
        RELEASES,
        json={"name": "x", "items": [{"review": 2147483647}, {"experiment": "nope", "action": "stop"}]},
        headers=publisher,
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json["errors"]} == {"items[0].review", "items[1].experiment"}
    shape = client.post(
        RELEASES, json={"name": "x", "items": [{"experiment": "cta-heading"}]}, headers=publisher
    )
    assert shape.status_code == 422
    release = client.post(RELEASES, json={"name": "x", "items": items(prepared)}, headers=publisher).json
    assert client.delete(f"{RELEASES}/{release['id']}", headers=publisher).status_code == 204
    assert client.get(f"{RELEASES}/{release['id']}", headers=publisher).status_code == 404


def promises_turned_guarantees(client, admin, prepare):
    """What prepare makes, both overlays printing the site's {{site.promise}}, approved as
    "Lasting relief"; then both sites' promise becomes a guarantee. The reviews' ids."""
    reviews = prepare(lambda site: f"{{{{site.promise}}}} at {site}.", {"promise": "Lasting relief"})
    for site in (SITE, DENVER):
        changed = client.put(
            f"{SITES}/{site['key']}",
            json={**site, "variables": {"promise": "Guaranteed relief"}},
            headers=admin,
        )
        assert changed.status_code == 200
    return reviews


def test_a_release_with_blocking_findings_publishes_nothing_and_names_them_item_by_item(
    app, client, admin, publisher, reviewer, live_article, prepare
):
    reviews = promises_turned_guarantees(client, admin, prepare)
    url = f"/v1/manage/articles/{live_article}"
    release = client.post(
        RELEASES, json={"name": "December", "items": items(reviews)}, headers=publisher
    ).json
    before = generation(app)

    refused = client.post(f"{RELEASES}/{release['id']}/publish", headers=publisher)

    assert refused.status_code == 409 and refused.content_type == "application/problem+json"
    assert "items[1] (1), items[2] (1)" in refused.json["detail"]
    blocked = {
        item["index"]: [(f["rule"], f["path"], f["source"]["site"]) for f in item["findings"]]
        for item in refused.json["items"]
    }
    assert blocked == {
        1: [("guarantee", "summary", "clinic-austin")],
        2: [("guarantee", "summary", "clinic-denver")],
    }
    assert [item["item"] for item in refused.json["items"]] == [
        {"review": reviews[1]},
        {"review": reviews[2]},
    ]
    assert generation(app) == before  # nothing published: not even the article or the start
    assert client.get(f"/v1/articles/{SLUG}").json["title"] != "Stem cells and back pain, reviewed"
    assert (
        client.get(f"/v1/sites/clinic-denver/articles/{SLUG}").json["summary"]
        != "Guaranteed relief at clinic-denver."
    )
    assert client.get(f"{EXPERIMENTS}/cta-heading", headers=publisher).json["status"] == "draft"
    assert client.get(f"{RELEASES}/{release['id']}", headers=publisher).json["status"] == "pending"

    etag = client.get(url, headers=reviewer).headers["ETag"]
    reason = {"reason": "The clinics' promise was cleared by counsel."}
    assert (
        client.post(
            f"{url}/findings/override", json=reason, headers={**reviewer, "If-Match": etag}
        ).status_code
        == 201
    )
    published = client.post(f"{RELEASES}/{release['id']}/publish", headers=publisher)
    assert published.status_code == 200 and generation(app) == before + 1
    assert (
        client.get(f"/v1/sites/clinic-denver/articles/{SLUG}").json["summary"]
        == "Guaranteed relief at clinic-denver."
    )


def test_a_scheduled_release_with_blocking_findings_fails_and_names_the_items(
    app, client, runner, admin, publisher, prepare
):
    reviews = promises_turned_guarantees(client, admin, prepare)
    release = due_release(app, client, publisher, reviews)

    runner.invoke(args=["apply-schedules"])

    failed = client.get(f"{RELEASES}/{release['id']}", headers=publisher).json
    assert failed["status"] == "failed"
    assert "blocking findings stand on items[1] (1), items[2] (1)" in failed["outcome"]
    summary = client.get(f"/v1/sites/clinic-denver/articles/{SLUG}").json["summary"]
    assert summary != "Guaranteed relief at clinic-denver."
    assert client.get(f"/v1/articles/{SLUG}").json["title"] != "Stem cells and back pain, reviewed"
    assert client.get(f"{EXPERIMENTS}/cta-heading", headers=publisher).json["status"] == "draft"
