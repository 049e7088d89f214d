"""Publishing through the management API: revisions, delivery, history, diff, restore, preview."""

import pytest

DRAFTS = "/v1/manage/articles"
SLUG = "are-all-types-of-back-pain-treatable-with-stem-cells"
LIVE = f"/v1/articles/{SLUG}"


class Editor:
    """A marketer's session: remembers the last ETag, as a frontend would; `approve` has the
    draft approved as it is (conftest), for `publish`."""

    def __init__(self, client, headers, url, etag, approve=None):
        self.client, self.headers, self.url, self.etag = client, headers, url, etag
        self.approve = approve

    def publish(self, **kwargs):
        """Have the draft as it is approved by a reviewer, then publish it."""
        self.approve(self.url, headers=self.headers)
        return self.send("post", "/publish", **kwargs)

    def send(self, method, path="", **kwargs):
        response = getattr(self.client, method)(
            f"{self.url}{path}", headers={**self.headers, "If-Match": self.etag}, **kwargs
        )
        self.etag = response.headers.get("ETag", self.etag)
        return response

    def get(self, path="", **kwargs):
        return self.client.get(f"{self.url}{path}", headers=self.headers, **kwargs)


@pytest.fixture
def as_publisher(client, publisher, create_draft, approve):
    """The seed article as a draft, and a session with the publisher's key that created it."""
    created = create_draft(headers=publisher)
    return Editor(client, publisher, created.url, created.etag, approve)


def test_publishing_freezes_a_revision_that_delivery_serves(client, as_publisher):
    response = as_publisher.publish(json={"note": "First publication"})

    assert response.status_code == 200
    assert response.json["status"] == "published" and response.json["published_revision"] == 1
    live = client.get(LIVE)
    assert live.status_code == 200 and live.json["revision"] == 1

    as_publisher.send("patch", json={"title": "A draft title"})
    assert client.get(LIVE).json["title"] != "A draft title"

    as_publisher.publish(json={})
    assert client.get(LIVE).json["title"] == "A draft title"
    assert client.get(LIVE).json["revision"] == 2


def test_an_editor_cannot_publish(client, auth, as_publisher):
    editor = Editor(client, auth("editor"), as_publisher.url, as_publisher.etag)
    assert editor.send("post", "/publish", json={}).status_code == 403


def test_unpublishing_hides_the_article_and_keeps_its_history(client, as_publisher):
    as_publisher.publish(json={})

    response = as_publisher.send("post", "/unpublish")

    assert response.json["status"] == "draft"
    assert client.get(LIVE).status_code == 404
    assert [r["number"] for r in as_publisher.get("/revisions").json] == [1]


def test_a_published_article_must_be_unpublished_before_deletion(as_publisher):
    as_publisher.publish(json={})
    assert as_publisher.send("delete").status_code == 409
    as_publisher.send("post", "/unpublish")
    assert as_publisher.send("delete").status_code == 204


def test_history_lists_who_published_when_and_why(as_publisher):
    as_publisher.publish(json={"note": "Launch"})
    as_publisher.send("patch", json={"summary": "Shorter."})
    as_publisher.publish(json={"note": "Tighter summary"})

    history = as_publisher.get("/revisions").json

    assert [(r["number"], r["note"], r["live"]) for r in history] == [
        (2, "Tighter summary", True),
        (1, "Launch", False),
    ]
    assert history[0]["published_by"].startswith("test publisher (cms_")
    first = as_publisher.get("/revisions/1").json
    assert first["document"]["summary"] != "Shorter."
    assert as_publisher.get("/revisions/9").status_code == 404


def test_two_revisions_diff_by_field_and_child(as_publisher, seed_document):
    as_publisher.publish(json={})
    faqs = [faq["key"] for faq in seed_document["faqs"]]
    as_publisher.send("patch", json={"title": "New title", "seo": {"title": "SEO"}})
    as_publisher.send(
        "post", "/benefits", json={"key": "same-day", "title": "Same day", "description": "Home by evening."}
    )
    as_publisher.send("delete", "/conditions/advanced-disc-collapse")
    as_publisher.send("patch", "/faqs/time-to-results", json={"answer": "Weeks."})
    as_publisher.send("put", "/order/faqs", json={"keys": [faqs[4], *faqs[:4], faqs[5]]})
    as_publisher.publish(json={})

    diff = as_publisher.get("/diff?from=1&to=2").json

    assert diff["fields"] == [
        {"field": "seo.title", "before": seed_document["seo"]["title"], "after": "SEO"},
        {"field": "title", "before": seed_document["title"], "after": "New title"},
    ]
    children = diff["children"]
    assert children["benefits"]["added"] == ["same-day"]
    assert children["conditions"]["removed"] == ["advanced-disc-collapse"]
    assert children["faqs"]["changed"] == [
        {
            "key": "time-to-results",
            "fields": [{"field": "answer", "before": seed_document["faqs"][0]["answer"], "after": "Weeks."}],
        }
    ]
    assert children["faqs"]["moved"] == [{"key": faqs[4], "from": 4, "to": 0}]
    assert children["sections"] == {"added": [], "removed": [], "changed": [], "moved": []}
    assert as_publisher.get("/diff?from=2").json["fields"] == []  # the draft is revision 2


def test_restoring_a_revision_makes_it_the_draft_and_can_publish_it(client, as_publisher, seed_document):
    as_publisher.publish(json={})
    as_publisher.send("patch", json={"title": "Second"})
    as_publisher.publish(json={})

    restored = as_publisher.send("post", "/revisions/1/restore", json={"publish": True, "note": "Back to 1"})

    assert restored.status_code == 200
    assert restored.json["title"] == seed_document["title"]
    assert restored.json["published_revision"] == 3
    assert client.get(LIVE).json["title"] == seed_document["title"]


def test_preview_shows_the_draft_as_delivery_will(client, as_publisher):
    as_publisher.send("patch", json={"title": "Coming soon"})
    preview = as_publisher.get("/preview")

    assert preview.status_code == 200
    assert preview.headers["Cache-Control"] == "private, no-store"
    assert preview.json["title"] == "Coming soon" and preview.json["revision"] is None

    as_publisher.publish(json={})
    live = client.get(LIVE).json
    skip = {"revision", "published_at", "etag"}
    assert {k: v for k, v in live.items() if k not in skip} == {
        k: v for k, v in preview.json.items() if k not in skip
    }


def test_every_change_is_in_the_audit_log(client, auth, as_publisher):
    as_publisher.send("patch", json={"title": "Audited"})
    as_publisher.publish(json={"note": "go"})
    admin = auth("viewer")
    article_id = int(as_publisher.url.rsplit("/", 1)[1])

    entries = client.get(f"/v1/manage/audit?article_id={article_id}", headers=admin).json

    assert [e["action"] for e in entries] == [
        "article.published",
        "review.approved",
        "review.submitted",
        "article.updated",
        "article.created",
    ]
    published, approved = entries[0], entries[1]
    assert published["key_prefix"].startswith("cms_")
    assert (published["revision_before"], published["revision_after"]) == (None, 1)
    assert published["details"] == {"note": "go", "review": approved["details"]["review"]}
    assert approved["key_id"] != published["key_id"]  # the reviewer's key, not the publisher's


def test_a_diff_names_revisions_by_number_or_draft(as_publisher):
    as_publisher.publish(json={})
    bad = as_publisher.get("/diff?from=latest")
    assert bad.status_code == 422
    assert bad.json["errors"] == [
        {"location": "query", "field": "from", "message": "A revision number, or draft."}
    ]
    assert as_publisher.get("/diff?from=7").status_code == 404
    assert as_publisher.get("/diff?from=draft&to=1").status_code == 200


def test_the_audit_log_filters_by_key(client, auth, as_publisher, create_draft):
    create_draft(headers=auth("editor"), slug="another-article")
    as_publisher.send("patch", json={"title": "Mine"})
    viewer = auth("viewer")
    everything = client.get("/v1/manage/audit", headers=viewer).json
    key_ids = {entry["key_id"] for entry in everything}
    assert len(key_ids) == 2

    for key_id in key_ids:
        entries = client.get(f"/v1/manage/audit?key_id={key_id}", headers=viewer).json
        assert entries and {e["key_id"] for e in entries} == {key_id}


def test_a_draft_moving_to_a_new_slug_changes_nothing_for_visitors_until_published(
    client, as_publisher, seed_document
):
    as_publisher.publish(json={})
    moved = as_publisher.send("patch", json={"slug": "stem-cells-and-back-pain", "locale": "en-GB"})
    assert moved.status_code == 200

    assert client.get(LIVE).json["slug"] == seed_document["slug"]
    assert client.get("/v1/articles/stem-cells-and-back-pain").status_code == 404
    assert [card["slug"] for card in client.get("/v1/articles?locale=en").json] == [seed_document["slug"]]

    as_publisher.publish(json={})
    assert client.get(LIVE).status_code == 404
    moved_live = client.get("/v1/articles/stem-cells-and-back-pain?locale=en-gb")
    assert moved_live.json["revision"] == 2 and moved_live.headers["Content-Language"] == "en-GB"


def test_a_slug_still_served_for_one_article_cannot_be_taken_by_another(
    client, auth, as_publisher, seed_document
):
    as_publisher.publish(json={})
    as_publisher.send("patch", json={"slug": "moved-away"})

    taken = client.post(DRAFTS, json=seed_document, headers=auth("editor"))

    assert taken.status_code == 409
    assert "already has the slug" in taken.json["detail"]


def test_a_deleted_articles_id_is_never_given_to_a_new_one(client, auth, as_publisher, seed_document):
    old_id, old_etag = int(as_publisher.url.rsplit("/", 1)[1]), as_publisher.etag
    assert as_publisher.send("delete").status_code == 204
    editor = auth("editor")

    new = client.post(DRAFTS, json=seed_document, headers=editor)

    assert new.json["id"] != old_id
    assert (
        client.delete(f"{DRAFTS}/{new.json['id']}", headers={**editor, "If-Match": old_etag}).status_code
        == 412
    )


def test_publishing_what_is_already_live_or_unpublishing_twice_is_409(as_publisher):
    as_publisher.publish(json={})
    again = as_publisher.send("post", "/publish", json={})
    assert again.status_code == 409
    assert "Nothing to publish" in again.json["detail"]

    assert as_publisher.send("post", "/unpublish").status_code == 200
    assert as_publisher.send("post", "/unpublish").status_code == 409
    assert as_publisher.publish(json={}).status_code == 200  # republishing is fine
    assert [r["number"] for r in as_publisher.get("/revisions").json] == [2, 1]
