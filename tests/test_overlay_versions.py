"""Site overlays as content: every save is a numbered version with history, diff and restore;
an edited overlay is a draft until a reviewer approves it and it is published, and delivery
keeps applying the published one meanwhile; the audit log holds each change's diff."""

import pytest

from tests.conftest import REVIEWS

SITES = "/v1/manage/sites"
SLUG = "are-all-types-of-back-pain-treatable-with-stem-cells"
AUSTIN = f"/v1/sites/clinic-austin/articles/{SLUG}"


@pytest.fixture
def overlay_url(client, admin, live_article):
    return f"{SITES}/clinic-austin/overlays/{live_article}"


def titled(title):
    return {"fields": {"title": title}}


def test_an_edited_overlay_is_a_draft_until_approved_and_published(
    client, admin, reviewer, overlay_url, publish_overlay, live_article
):
    assert publish_overlay("clinic-austin", live_article, titled("Back pain in Austin")).status_code == 200
    assert client.get(AUSTIN).json["title"] == "Back pain in Austin"

    assert (
        client.put(
            overlay_url, json=titled("Unreviewed claim"), headers={**admin, "If-Match": "*"}
        ).status_code
        == 200
    )

    assert client.get(AUSTIN).json["title"] == "Back pain in Austin"  # delivery keeps the published
    assert client.get(overlay_url, headers=admin).json["fields"] == {"title": "Unreviewed claim"}
    refused = client.post(f"{overlay_url}/publish", headers=admin)
    assert refused.status_code == 409 and "approved version" in refused.json["detail"]
    versions = client.get(f"{overlay_url}/versions", headers=admin).json
    assert [(v["number"], v["live"]) for v in versions] == [(2, False), (1, True)]

    review = client.post(f"{overlay_url}/reviews", json={}, headers=admin).json
    assert review["status"] == "in_review"
    assert client.post(f"{REVIEWS}/{review['id']}/approve", json={}, headers=reviewer).status_code == 200
    published = client.post(f"{overlay_url}/publish", headers=admin)
    assert published.status_code == 200 and published.json["number"] == 2 and published.json["live"]
    assert client.get(AUSTIN).json["title"] == "Unreviewed claim"


def test_the_audit_log_and_the_diff_say_what_changed(
    client, admin, overlay_url, publish_overlay, live_article
):
    publish_overlay("clinic-austin", live_article, titled("First"))
    client.put(
        overlay_url,
        json={"fields": {"title": "Second", "summary": "Shorter."}},
        headers={**admin, "If-Match": "*"},
    )

    entry = client.get("/v1/manage/audit", headers=admin).json[0]

    assert (entry["action"], entry["details"]["version"]) == ("site.overlay_saved", 2)
    assert entry["details"]["diff"] == [
        {"field": "fields.summary", "before": None, "after": "Shorter."},
        {"field": "fields.title", "before": "First", "after": "Second"},
    ]
    diff = client.get(f"{overlay_url}/diff?from=1", headers=admin).json
    assert diff == entry["details"]["diff"]
    assert client.get(f"{overlay_url}/diff?from=9", headers=admin).status_code == 404
    published = [
        e
        for e in client.get("/v1/manage/audit", headers=admin).json
        if e["action"] == "site.overlay_published"
    ]
    assert published[0]["details"]["diff"] == [{"field": "fields.title", "before": None, "after": "First"}]


def test_restoring_an_overlay_version_saves_it_again_for_review(
    client, admin, reviewer, overlay_url, publish_overlay, live_article
):
    publish_overlay("clinic-austin", live_article, titled("First"))
    client.put(overlay_url, json=titled("Second"), headers={**admin, "If-Match": "*"})
    pending = client.post(f"{overlay_url}/reviews", json={}, headers=admin).json

    restored = client.post(f"{overlay_url}/versions/1/restore", headers=admin)

    assert restored.status_code == 200 and restored.json["fields"] == {"title": "First"}
    assert [v["number"] for v in client.get(f"{overlay_url}/versions", headers=admin).json] == [3, 2, 1]
    assert client.get(f"{REVIEWS}/{pending['id']}", headers=admin).json["status"] == "voided"
    assert client.post(f"{overlay_url}/versions/7/restore", headers=admin).status_code == 404


def test_an_overlay_review_keeps_four_eyes_and_comments_on_its_members(
    client, auth, overlay_url, live_article, reviewer
):
    clinician_admin = auth("admin", reviewer=True)
    client.put(overlay_url, json=titled("Mine"), headers={**clinician_admin, "If-Match": "*"})
    review = client.post(f"{overlay_url}/reviews", json={}, headers=clinician_admin).json

    own = client.post(f"{REVIEWS}/{review['id']}/approve", json={}, headers=clinician_admin)
    assert own.status_code == 403
    unknown = client.post(
        f"{REVIEWS}/{review['id']}/request-changes",
        json={"comments": [{"target": "fields.summary", "body": "?"}]},
        headers=reviewer,
    )
    assert unknown.status_code == 422
    sent_back = client.post(
        f"{REVIEWS}/{review['id']}/request-changes",
        json={"comments": [{"target": "fields.title", "body": "Name the clinic."}]},
        headers=reviewer,
    )
    assert sent_back.status_code == 200 and sent_back.json["comments"][0]["target"] == "fields.title"


def test_nothing_to_submit_or_publish_and_no_overlay_is_404(
    client, admin, overlay_url, publish_overlay, live_article
):
    assert client.post(f"{overlay_url}/publish", headers=admin).status_code == 404
    assert client.get(f"{overlay_url}/versions", headers=admin).status_code == 404
    publish_overlay("clinic-austin", live_article, titled("First"))
    assert client.post(f"{overlay_url}/publish", headers=admin).status_code == 409
    assert client.post(f"{overlay_url}/reviews", json={}, headers=admin).status_code == 409


def test_without_review_required_an_overlay_is_published_as_saved(app_with, admin, overlay_url, client):
    lenient = app_with(REVIEW_REQUIRED=False).test_client()
    assert (
        lenient.put(overlay_url, json=titled("At once"), headers={**admin, "If-Match": "*"}).status_code
        == 200
    )
    assert client.get(AUSTIN).json["title"] == "At once"


def test_comments_on_an_overlay_point_at_its_members_or_the_article_as_its_site_shows_it(
    client, admin, reviewer, overlay_url, seed_document
):
    client.put(overlay_url, json=titled("Back pain in Austin"), headers={**admin, "If-Match": "*"})
    review = client.post(f"{overlay_url}/reviews", json={}, headers=admin).json
    url = f"{REVIEWS}/{review['id']}/request-changes"
    faq = seed_document["faqs"][0]["key"]
    targets = ["title", "fields.title", f"faqs.{faq}.answer", ""]

    bad = client.post(url, json={"comments": [{"target": "fields.summary", "body": "?"}]}, headers=admin)
    refused = client.post(
        url, json={"comments": [{"target": "fields.summary", "body": "?"}]}, headers=reviewer
    )
    good = client.post(
        url, json={"comments": [{"target": t, "body": "Local."} for t in targets]}, headers=reviewer
    )

    assert bad.status_code == 403
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "comments[0].target"
    assert good.status_code == 200, good.json
    assert [c["target"] for c in good.json["comments"]] == targets


def test_an_overlay_save_names_the_version_it_read_and_a_stale_one_is_refused(
    client, admin, editor, overlay_url
):
    read = client.get(overlay_url, headers=editor)
    first = client.put(overlay_url, json=titled("Mine"), headers={**editor, "If-Match": read.headers["ETag"]})
    assert first.status_code == 200 and first.headers["ETag"] != read.headers["ETag"]
    assert client.get(overlay_url, headers=editor).headers["ETag"] == first.headers["ETag"]

    stale = client.put(
        overlay_url, json=titled("Theirs"), headers={**admin, "If-Match": read.headers["ETag"]}
    )

    assert stale.status_code == 412 and stale.content_type == "application/problem+json"
    assert client.get(overlay_url, headers=editor).json["fields"] == {"title": "Mine"}
    assert [v["number"] for v in client.get(f"{overlay_url}/versions", headers=admin).json] == [1]
    bad = client.put(overlay_url, json=titled("Theirs"), headers={**admin, "If-Match": "1-1-1"})
    assert bad.status_code == 400
    missing = client.put(overlay_url, json=titled("Theirs"), headers=admin)
    assert missing.status_code == 428 and missing.content_type == "application/problem+json"


def test_saving_the_overlay_as_it_is_makes_no_version_and_logs_nothing(client, admin, overlay_url):
    saved = client.put(overlay_url, json=titled("Mine"), headers={**admin, "If-Match": "*"})
    (last,) = client.get("/v1/manage/audit?page_size=1", headers=admin).json

    again = client.put(overlay_url, json=titled("Mine"), headers={**admin, "If-Match": saved.headers["ETag"]})

    assert again.status_code == 200 and again.json == saved.json
    assert again.headers["ETag"] == saved.headers["ETag"]
    assert [v["number"] for v in client.get(f"{overlay_url}/versions", headers=admin).json] == [1]
    assert client.get("/v1/manage/audit?page_size=1", headers=admin).json == [last]
