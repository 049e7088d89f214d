"""Scheduled publish and unpublish, applied by a cron-safe command."""

import threading
from datetime import timedelta

from sqlalchemy import func, select, update

from service.content.scheduling import apply_due_schedules
from service.extensions import db
from service.models import Revision, Schedule
from service.models.base import utcnow


def make_due(app) -> None:
    """Move every pending schedule into the past, as if its time had come."""
    with app.app_context():
        db.session.execute(update(Schedule).values(at=utcnow() - timedelta(seconds=1)))
        db.session.commit()


def schedule(client, headers, url, action):
    at = (utcnow() + timedelta(hours=1)).isoformat()
    return client.post(f"{url}/schedules", json={"action": action, "at": at}, headers=headers)


def test_a_due_publish_is_applied_once_by_the_command(
    app, client, runner, publisher, create_draft, seed_document
):
    url = create_draft(headers=publisher).url
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


def test_several_hosts_applying_at_once_apply_each_schedule_once(app, client, publisher, create_draft):
    for number in range(6):
        schedule(client, publisher, create_draft(headers=publisher, slug=f"article-{number}").url, "publish")
    make_due(app)
    barrier = threading.Barrier(4)
    applied = []

    def host():
        with app.app_context():
            barrier.wait()
            applied.extend(apply_due_schedules(db.session))
            db.session.remove()

    threads = [threading.Thread(target=host) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(a.schedule_id for a in applied) == sorted({a.schedule_id for a in applied})
    assert len(applied) == 6
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Revision)) == 6


def test_a_schedule_that_cannot_apply_says_why_and_holds_back_nothing(
    app, client, runner, admin, create_draft
):
    blocked = create_draft(headers=admin, slug="blocked", summary="Call {{site.phone}}")
    fine = create_draft(headers=admin, slug="fine")
    for created in (blocked, fine):
        schedule(client, admin, created.url, "publish")
    make_due(app)

    result = runner.invoke(args=["apply-schedules"])

    assert result.exit_code == 0, result.output
    assert "failed: placeholders without a value" in result.output
    assert "published revision 1" in result.output
    assert client.get("/v1/articles/fine").status_code == 200
    assert runner.invoke(args=["apply-schedules"]).output == ""


def test_a_schedule_acts_for_whoever_made_it_and_is_logged_under_it(
    app, client, runner, publisher, create_draft
):
    url = create_draft(headers=publisher).url
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
    app, client, runner, admin, create_draft, create_published
):
    """Neither the version (an editor's If-Match still holds) nor the log moves."""
    live = create_published(headers=admin).url
    unpublished = create_draft(headers=admin, slug="blocked", summary="Call {{site.phone}}").url
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
    assert actions == {"article.created", "article.published", "schedule.created"}
