"""Scheduled publish and unpublish, applied by a cron-safe command."""

from datetime import timedelta

from sqlalchemy import func, select, update

from service.content.scheduling import apply_due_schedules
from service.extensions import db
from service.models import Revision, Schedule
from service.models.base import utcnow
from tests.at_once import at_once


def make_due(app) -> None:
    """Move every pending schedule into the past, as if its time had come."""
    with app.app_context():
        db.session.execute(update(Schedule).values(at=utcnow() - timedelta(seconds=1)))
        db.session.commit()


def schedule(client, headers, url, action, if_match="*"):
    """Schedule `action` in an hour, of the draft's version `if_match` names."""
    at = (utcnow() + timedelta(hours=1)).isoformat()
    return client.post(
        f"{url}/schedules", json={"action": action, "at": at}, headers={**headers, "If-Match": if_match}
    )


def test_a_due_publish_is_applied_once_by_the_command(
    app, client, runner, publisher, create_draft, seed_document, approve
):
    url = create_draft(headers=publisher).url
    approve(url, headers=publisher)
    created = schedule(client, publisher, url, "publish")
    assert created.status_code == 201 and created.json["applied_at"] is None

    assert runner.invoke(args=["apply-schedules"]).output == ""  # not due yet
    make_due(app)
    result = runner.invoke(args=["apply-schedules"])

    assert result.exit_code == 0
    assert "published revision 1" in result.output
    assert client.get(f"/v1/articles/{seed_document['slug']}").status_code == 200
    (entry,) = client.get(f"{url}/schedules", headers=publisher).json
    assert entry["outcome"] == "published revision 1" and entry["applied_at"]
    assert runner.invoke(args=["apply-schedules"]).output == ""
    assert client.delete(f"{url}/schedules/{entry['id']}", headers=publisher).status_code == 409


def test_a_due_unpublish_hides_the_article(app, client, runner, publisher, create_published, seed_document):
    url = create_published(headers=publisher).url
    schedule(client, publisher, url, "unpublish")
    make_due(app)

    runner.invoke(args=["apply-schedules"])

    assert client.get(f"/v1/articles/{seed_document['slug']}").status_code == 404


def test_schedules_must_be_in_the_future_and_can_be_cancelled(client, auth, publisher, create_draft):
    url = create_draft(headers=publisher).url
    past = client.post(
        f"{url}/schedules", json={"action": "publish", "at": "2020-01-01T00:00:00Z"}, headers=publisher
    )
    assert past.status_code == 422
    assert past.json["errors"] == [{"location": "json", "field": "at", "message": "Must be in the future."}]

    pending = schedule(client, publisher, url, "publish").json
    assert client.delete(f"{url}/schedules/{pending['id']}", headers=publisher).status_code == 204
    assert client.get(f"{url}/schedules", headers=publisher).json == []
    assert schedule(client, auth("editor"), url, "publish").status_code == 403


def test_several_hosts_applying_at_once_apply_each_schedule_once(
    app, client, publisher, create_draft, approve
):
    for number in range(6):
        url = create_draft(headers=publisher, slug=f"article-{number}").url
        approve(url, headers=publisher)
        schedule(client, publisher, url, "publish")
    make_due(app)
    applied = []
    at_once(app, [lambda: applied.extend(apply_due_schedules(db.session))] * 4)

    assert sorted(a.schedule_id for a in applied) == sorted({a.schedule_id for a in applied})
    assert len(applied) == 6
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Revision)) == 6


def test_a_schedule_that_cannot_apply_says_why_and_holds_back_nothing(
    app, client, runner, admin, create_draft, approve
):
    blocked = create_draft(headers=admin, slug="blocked", summary="Call {{site.phone}}")
    fine = create_draft(headers=admin, slug="fine")
    for created in (blocked, fine):
        approve(created.url, headers=admin)
        schedule(client, admin, created.url, "publish")
    make_due(app)

    result = runner.invoke(args=["apply-schedules"])

    assert result.exit_code == 0, result.output
    assert "failed: placeholders without a value" in result.output
    assert "published revision 1" in result.output
    assert client.get("/v1/articles/fine").status_code == 200
    assert runner.invoke(args=["apply-schedules"]).output == ""


def test_a_schedule_acts_for_whoever_made_it_and_is_logged_under_it(
    app, client, runner, publisher, create_draft, approve
):
    url = create_draft(headers=publisher).url
    approve(url, headers=publisher)
    entry = schedule(client, publisher, url, "publish").json
    make_due(app)

    runner.invoke(args=["apply-schedules"])

    article_id = url.rsplit("/", 1)[1]
    logged = client.get(f"/v1/manage/audit?article_id={article_id}", headers=publisher).json[0]
    assert (logged["action"], logged["key_id"], logged["details"]) == (
        "schedule.publish",
        None,
        {"schedule": entry["id"]},
    )
    assert (logged["revision_before"], logged["revision_after"]) == (None, 1)
    (revision,) = client.get(f"{url}/revisions", headers=publisher).json
    assert revision["published_by"] == entry["created_by"]
    assert entry["created_by"].startswith("test publisher (cms_")
    assert revision["note"].startswith("Scheduled for ")


def test_a_schedule_that_does_not_apply_leaves_the_article_as_it_was(
    app, client, runner, admin, create_draft, create_published, approve
):
    """Neither the version (an editor's If-Match still holds) nor the article's history moves:
    the log only says why the schedule failed."""
    live = create_published(headers=admin).url
    unpublished = create_draft(headers=admin, slug="blocked", summary="Call {{site.phone}}").url
    approve(unpublished, headers=admin)
    etags = {url: client.get(url, headers=admin).headers["ETag"] for url in (live, unpublished)}
    for url, action in ((live, "publish"), (unpublished, "publish"), (unpublished, "unpublish")):
        schedule(client, admin, url, action)
    make_due(app)

    output = runner.invoke(args=["apply-schedules"]).output

    assert "nothing new to publish" in output
    assert "failed: placeholders without a value" in output
    assert "already unpublished" in output
    assert {url: client.get(url, headers=admin).headers["ETag"] for url in etags} == etags
    actions = {entry["action"] for entry in client.get("/v1/manage/audit", headers=admin).json}
    assert actions == {
        "article.created",
        "review.submitted",
        "review.approved",
        "article.published",
        "schedule.created",
        "schedule.failed",
    }


def test_a_scheduled_publish_publishes_the_version_it_names_not_later_edits(
    app, client, runner, editor, publisher, create_draft, approve, seed_document
):
    url = create_draft(headers=editor).url
    approved = approve(url, headers=editor)
    entry = schedule(client, publisher, url, "publish").json
    assert entry["content_hash"] == approved["content_hash"]

    etag = client.get(url, headers=editor).headers["ETag"]
    later = client.patch(url, json={"title": "A later edit"}, headers={**editor, "If-Match": etag})
    assert later.status_code == 200
    make_due(app)
    assert "published revision 1" in runner.invoke(args=["apply-schedules"]).output

    assert client.get(f"/v1/articles/{seed_document['slug']}").json["title"] == seed_document["title"]
    draft = client.get(url, headers=editor).json
    assert draft["title"] == "A later edit" and draft["published_revision"] == 1  # the next draft
    (review,) = client.get(f"{url}/reviews", headers=editor).json
    assert (review["status"], review["published_revision"]) == ("published", 1)


def test_a_scheduled_version_no_longer_approved_fails_with_a_reason_and_a_webhook(
    app, client, runner, admin, editor, publisher, reviewer, create_draft, approve, private_targets, receiver
):
    hook = client.post(
        "/v1/manage/webhooks", json={"url": receiver().url, "events": ["schedule.failed"]}, headers=admin
    ).json
    url = create_draft(headers=editor).url
    approved = approve(url, headers=editor)
    entry = schedule(client, publisher, url, "publish").json
    taken_back = client.post(
        f"/v1/manage/reviews/{approved['id']}/request-changes",
        json={"comments": [{"target": "title", "body": "Not this wording after all."}]},
        headers=reviewer,
    )
    assert taken_back.status_code == 200
    make_due(app)

    output = runner.invoke(args=["apply-schedules"]).output

    assert "failed: publishing needs an approved version" in output
    assert client.get(f"{url}/revisions", headers=editor).json == []
    (applied,) = client.get(f"{url}/schedules", headers=editor).json
    assert applied["outcome"].startswith("failed: publishing needs an approved version")
    (delivery,) = client.get(f"/v1/manage/webhooks/{hook['id']}/deliveries", headers=admin).json
    assert delivery["event"] == "schedule.failed"
    assert delivery["payload"]["data"]["schedule"] == {"id": entry["id"], "action": "publish"}
    assert delivery["payload"]["data"]["reason"].startswith("publishing needs an approved version")
    failed = client.get("/v1/manage/audit", headers=admin).json[0]
    assert (failed["action"], failed["details"]["schedule"]) == ("schedule.failed", entry["id"])


def test_a_publish_is_scheduled_for_the_version_if_match_names(client, publisher, create_draft):
    created = create_draft(headers=publisher)
    client.patch(created.url, json={"title": "Moved on"}, headers={**publisher, "If-Match": created.etag})
    assert schedule(client, publisher, created.url, "publish", if_match=created.etag).status_code == 412
    assert (
        client.post(
            f"{created.url}/schedules",
            json={"action": "publish", "at": "2099-01-01T00:00:00Z"},
            headers=publisher,
        ).status_code
        == 428
    )
