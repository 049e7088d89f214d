"""The review workflow through the API: an editor submits a version, a reviewer (a key with
the reviewer capability, not one that changed it) approves it or requests changes on a field
or child, and only the approved version, exactly, can be published."""

import pytest

from tests.conftest import REVIEWS
from tests.experiment_factories import SITE

SLUG = "are-all-types-of-back-pain-treatable-with-stem-cells"
LIVE = f"/v1/articles/{SLUG}"


class Desk:
    """One article as a clinic team works on it: an editor, a reviewer and a publisher, each
    with their own key, remembering the editor's last ETag."""

    def __init__(self, client, editor, reviewer, publisher, draft):
        self.client, self.editor, self.reviewer, self.publisher = client, editor, reviewer, publisher
        self.url, self.etag = draft.url, draft.etag

    def edit(self, path="", **change):
        response = self.client.patch(
            f"{self.url}{path}", json=change, headers={**self.editor, "If-Match": self.etag}
        )
        assert response.status_code == 200, response.json
        self.etag = response.headers["ETag"]
        return response

    def submit(self, note=None):
        body = {"note": note} if note else {}
        return self.client.post(
            f"{self.url}/reviews", json=body, headers={**self.editor, "If-Match": self.etag}
        )

    def approve(self, review_id, headers=None):
        return self.client.post(f"{REVIEWS}/{review_id}/approve", json={}, headers=headers or self.reviewer)

    def request_changes(self, review_id, *comments):
        body = {"comments": [{"target": target, "body": text} for target, text in comments]}
        return self.client.post(f"{REVIEWS}/{review_id}/request-changes", json=body, headers=self.reviewer)

    def publish(self):
        return self.client.post(f"{self.url}/publish", json={}, headers={**self.publisher, "If-Match": "*"})


@pytest.fixture
def desk(client, editor, reviewer, publisher, draft):
    return Desk(client, editor, reviewer, publisher, draft)


def test_a_version_goes_live_only_once_a_reviewer_approved_it(client, desk, seed_document):
    assert desk.publish().status_code == 409  # a draft nobody reviewed

    submitted = desk.submit("First version")
    assert submitted.status_code == 201
    review = submitted.json
    assert (review["status"], review["note"], review["decided_by"]) == ("in_review", "First version", None)
    assert client.get(desk.url, headers=desk.editor).headers["ETag"] == desk.etag  # submitting edits nothing
    refused = desk.publish()
    assert refused.status_code == 409 and "approved version" in refused.json["detail"]
    assert [r["id"] for r in client.get(REVIEWS, headers=desk.reviewer).json] == [review["id"]]

    approved = desk.approve(review["id"])
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    assert approved.json["decided_by"].startswith("test viewer reviewer (cms_")
    assert client.get(REVIEWS, headers=desk.reviewer).json == []  # the queue is empty

    assert desk.publish().status_code == 200
    assert client.get(LIVE).json["title"] == seed_document["title"]
    (done,) = client.get(f"{desk.url}/reviews", headers=desk.editor).json
    assert (done["status"], done["published_revision"]) == ("published", 1)


def test_changes_are_requested_on_a_child_and_the_fixed_version_is_approved(client, desk, seed_document):
    faq = seed_document["faqs"][0]["key"]
    first = desk.submit().json

    sent_back = desk.request_changes(first["id"], (f"faqs.{faq}.answer", "Promise no timeline."))

    assert sent_back.status_code == 200 and sent_back.json["status"] == "changes_requested"
    (comment,) = sent_back.json["comments"]
    assert (comment["target"], comment["body"]) == (f"faqs.{faq}.answer", "Promise no timeline.")
    assert desk.approve(first["id"]).status_code == 409  # sent back: the editor submits anew
    desk.edit(f"/faqs/{faq}", answer="Results vary from patient to patient.")
    second = desk.submit().json
    assert second["id"] != first["id"] and second["content_hash"] != first["content_hash"]
    assert desk.approve(second["id"]).status_code == 200
    assert desk.publish().status_code == 200
    assert client.get(LIVE).json["faqs"][0]["answer"] == "Results vary from patient to patient."


def test_a_comment_must_point_at_a_field_or_child_the_version_has(desk):
    review = desk.submit().json
    response = desk.request_changes(review["id"], ("title", "Fine."), ("faqs.no-such-faq", "?"))
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["comments[1].target"]


def test_an_edit_after_approval_voids_it_and_nothing_unreviewed_is_published(client, desk):
    review = desk.submit().json
    desk.approve(review["id"])

    desk.edit(title="Changed after approval")

    assert client.get(f"{REVIEWS}/{review['id']}", headers=desk.editor).json["status"] == "voided"
    assert desk.publish().status_code == 409
    assert client.get(LIVE).status_code == 404
    audit = client.get("/v1/manage/audit", headers=desk.editor).json
    assert audit[0]["action"] == "article.updated"
    assert audit[0]["details"]["voided_reviews"] == [review["id"]]


def test_the_audit_log_says_what_each_edit_changed(client, desk, seed_document):
    """Not only that the draft changed: the fields and children, before and after."""
    desk.edit(title="A new title")
    answer = seed_document["faqs"][0]
    desk.edit(f"/faqs/{answer['key']}", answer="A reviewed answer.")

    child, field = client.get("/v1/manage/audit", headers=desk.editor).json[:2]

    assert field["details"]["diff"] == {
        "fields": [{"field": "title", "before": seed_document["title"], "after": "A new title"}],
        "children": {},
    }
    (changed,) = child["details"]["diff"]["children"]["faqs"]["changed"]
    assert changed["key"] == answer["key"]
    assert changed["fields"] == [
        {"field": "answer", "before": answer["answer"], "after": "A reviewed answer."}
    ]


def test_a_review_pins_the_version_if_match_names(client, desk):
    stale = desk.etag
    desk.edit(title="Newer")
    response = client.post(f"{desk.url}/reviews", json={}, headers={**desk.editor, "If-Match": stale})
    assert response.status_code == 412
    review = desk.submit().json
    assert client.get(f"{REVIEWS}/{review['id']}", headers=desk.reviewer).json["document"]["title"] == "Newer"


def test_approval_needs_the_reviewer_capability_and_four_eyes(client, auth, desk):
    review = desk.submit().json
    admin = auth("admin")
    assert desk.approve(review["id"], headers=admin).status_code == 403  # no capability

    # A clinician who edits the draft cannot approve it: another reviewer must.
    author = auth("editor", reviewer=True)
    edited = client.patch(desk.url, json={"summary": "Mine."}, headers={**author, "If-Match": "*"})
    assert edited.status_code == 200
    mine = client.post(f"{desk.url}/reviews", json={}, headers={**author, "If-Match": "*"}).json
    refused = desk.approve(mine["id"], headers=author)
    assert refused.status_code == 403 and refused.json["detail"].startswith("Four eyes")
    assert desk.approve(mine["id"]).status_code == 200  # the other reviewer


def test_a_key_that_imported_a_change_cannot_approve_it(client, auth, desk, reviewed_document):
    """An import is an edit like any other: the importing key is one of the draft's authors."""
    clinician = auth("editor", reviewer=True)
    changed = {**reviewed_document, "summary": "Imported, not reviewed."}
    imported = client.post("/v1/manage/import", json={"documents": [changed]}, headers=clinician)
    assert imported.json[0]["draft_changed"] is True
    desk.etag = client.get(desk.url, headers=desk.editor).headers["ETag"]

    review = desk.submit().json  # submitted by another editor

    refused = desk.approve(review["id"], headers=clinician)
    assert refused.status_code == 403 and refused.json["detail"].startswith("Four eyes")
    assert desk.approve(review["id"]).status_code == 200


def test_four_eyes_and_review_itself_can_be_turned_off(app_with, auth, draft, reviewed_document):
    author = auth("admin", reviewer=True)
    lenient = app_with(REVIEW_FOUR_EYES=False).test_client()
    review = lenient.post(f"{draft.url}/reviews", json={}, headers={**author, "If-Match": "*"}).json
    assert lenient.post(f"{REVIEWS}/{review['id']}/approve", json={}, headers=author).status_code == 200

    unreviewed = app_with(REVIEW_REQUIRED=False).test_client()
    other = unreviewed.post(
        "/v1/manage/articles", json={**reviewed_document, "slug": "other"}, headers=author
    )
    published = unreviewed.post(
        f"{other.headers['Location']}/publish", json={}, headers={**author, "If-Match": "*"}
    )
    assert published.status_code == 200


def test_nothing_to_review_and_one_review_per_version(desk, create_published, publisher):
    assert desk.submit().status_code == 201
    again = desk.submit()
    assert again.status_code == 409 and "in review already" in again.json["detail"]
    live = create_published(slug="live-one")
    response = desk.client.post(f"{live.url}/reviews", json={}, headers={**publisher, "If-Match": "*"})
    assert response.status_code == 409 and "nothing to review" in response.json["detail"].lower()


def test_seed_records_a_system_approval(client, runner, auth):
    assert runner.invoke(args=["seed"]).exit_code == 0
    viewer = auth("viewer")
    approval = next(
        e for e in client.get("/v1/manage/audit", headers=viewer).json if e["action"] == "review.approved"
    )
    assert approval["details"]["system"] is True and approval["key_id"] is None
    (article,) = client.get("/v1/manage/articles", headers=viewer).json
    (review,) = client.get(f"/v1/manage/articles/{article['id']}/reviews", headers=viewer).json
    assert (review["status"], review["decided_by"], review["submitted_by"]) == (
        "published",
        "system",
        "flask seed",
    )


def test_reviewer_keys_are_made_by_the_cli_and_the_api(client, runner, admin):
    made = runner.invoke(args=["create-key", "--name", "Dr Ruiz", "--role", "viewer", "--reviewer"])
    assert made.exit_code == 0, made.output
    listed = {k["name"]: k["reviewer"] for k in client.get("/v1/manage/keys", headers=admin).json}
    assert listed["Dr Ruiz"] is True
    api = client.post(
        "/v1/manage/keys", json={"name": "Dr Lee", "role": "viewer", "reviewer": True}, headers=admin
    )
    assert api.status_code == 201 and api.json["reviewer"] is True


CELL = "comparisons.prp-vs-ha.rows[relief-starts].cells[prp]"


def test_a_comment_may_point_at_whatever_the_renditions_mark_changed(
    client, admin, editor, reviewer, create_published, procedure_document
):
    """A comparison's cell, spelt as the diff spells it, and any part of the document as
    delivered: a nested field, a step's duration, a testimonial's disclosure."""
    client.post("/v1/manage/sites", json=SITE, headers=admin)
    url = create_published(procedure_document).url
    cells = {"rows": {"relief-starts": {"cells": {"prp": "Often after 6 to 8 weeks"}}}}
    patched = client.patch(f"{url}/comparisons/prp-vs-ha", json=cells, headers={**editor, "If-Match": "*"})
    assert patched.status_code == 200
    review = client.post(f"{url}/reviews", json={}, headers={**editor, "If-Match": "*"}).json
    (rendition,) = client.get(f"{REVIEWS}/{review['id']}/renditions", headers=reviewer).json
    assert rendition["changed"] == [CELL]
    testimonial = procedure_document["testimonials"][0]["key"]
    targets = [
        *rendition["changed"],
        "comparisons.prp-vs-ha.rows[relief-starts]",
        "comparisons.prp-vs-ha.columns[prp].label",
        "comparisons.prp-vs-ha.caption",
        "seo.title",
        "medical_disclaimer",
        "steps.check-in.duration",
        f"testimonials.{testimonial}.disclosure",
    ]

    accepted = client.post(
        f"{REVIEWS}/{review['id']}/request-changes",
        json={"comments": [{"target": target, "body": "Check."} for target in targets]},
        headers=reviewer,
    )

    assert accepted.status_code == 200, accepted.json
    assert [c["target"] for c in accepted.json["comments"]] == targets


def test_a_comment_on_a_cell_or_field_the_version_lacks_is_refused(
    client, editor, reviewer, create_draft, procedure_document
):
    url = create_draft(procedure_document).url
    review = client.post(f"{url}/reviews", json={}, headers={**editor, "If-Match": "*"}).json
    targets = [
        CELL,
        "comparisons.prp-vs-ha.rows[relief-starts].cells[stem-cells]",  # no such column
        "comparisons.prp-vs-ha.rows[cure-rate]",  # no such row
        "comparisons[prp-vs-ha].rows[relief-starts].cells[prp]",  # not the diff's spelling
        "seo.keywords",
        "title_html",  # what delivery adds is not the version's
    ]

    refused = client.post(
        f"{REVIEWS}/{review['id']}/request-changes",
        json={"comments": [{"target": target, "body": "?"} for target in targets]},
        headers=reviewer,
    )

    assert refused.status_code == 422
    assert [e["field"] for e in refused.json["errors"]] == [f"comments[{n}].target" for n in range(1, 6)]
    assert "'seo.keywords'" in refused.json["errors"][3]["message"]
    assert client.get(f"{REVIEWS}/{review['id']}", headers=reviewer).json["status"] == "in_review"
