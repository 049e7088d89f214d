"""People as records: authors and medical reviewers managed through the API, named by key in
articles, embedded by delivery with their credentials, said in JSON-LD as schema.org Persons,
read by the guardrails for a reviewer's credentials; a change reaches every published answer."""

import pytest

from tests.experiment_factories import SITE
from tests.media_factories import photo, upload

PEOPLE = "/v1/manage/people"
SLUG = "are-all-types-of-back-pain-treatable-with-stem-cells"
CHEN = {
    "key": "dr-maya-chen",
    "name": "Dr. Maya Chen",
    "credentials": "MD, FAAPMR",
    "specialty": "Physical medicine and rehabilitation",
    "bio": "Treats spine pain. <script>alert(1)</script> [Profile](javascript:alert(1))",
    "profile_url": "https://renova.example/team/maya-chen",
}
ANA = {"key": "ana-ruiz", "name": "Ana Ruiz", "specialty": "Health writer"}


@pytest.fixture
def people(client, editor):
    for person in (CHEN, ANA):
        created = client.post(PEOPLE, json=person, headers=editor)
        assert created.status_code == 201, created.json


def test_people_are_managed_through_the_api(client, editor, auth):
    assert client.post(PEOPLE, json=CHEN, headers=auth("viewer")).status_code == 403
    assert client.post(PEOPLE, json=CHEN, headers=editor).status_code == 201
    taken = client.post(PEOPLE, json=CHEN, headers=editor)
    assert taken.status_code == 409 and taken.content_type == "application/problem+json"

    changed = client.put(f"{PEOPLE}/dr-maya-chen", json={**CHEN, "credentials": "MD"}, headers=editor)

    assert changed.status_code == 200 and changed.json["credentials"] == "MD"
    assert [p["key"] for p in client.get(PEOPLE, headers=auth("viewer")).json] == ["dr-maya-chen"]
    renamed = client.put(f"{PEOPLE}/dr-maya-chen", json={**CHEN, "key": "someone-else"}, headers=editor)
    assert renamed.status_code == 422
    assert client.get(f"{PEOPLE}/nobody", headers=editor).status_code == 404


def test_an_article_names_only_people_on_record(client, editor, people, reviewed_document):
    refused = client.post(
        "/v1/manage/articles",
        json={**reviewed_document, "authors": ["ana-ruiz", "ghost"], "medical_reviewer": "nobody"},
        headers=editor,
    )

    assert refused.status_code == 422
    assert {error["field"] for error in refused.json["errors"]} == {"authors[1]", "medical_reviewer"}


def test_delivery_embeds_the_people_and_json_ld_says_who_they_are(client, admin, people, create_published):
    client.post("/v1/manage/sites", json={"key": "clinic-austin", "name": "Austin"}, headers=admin)
    create_published(authors=["ana-ruiz"], medical_reviewer="dr-maya-chen", reviewed_by=None)

    article = client.get(f"/v1/articles/{SLUG}").json

    assert [p["key"] for p in article["people"]] == ["ana-ruiz", "dr-maya-chen"]
    chen = article["people"][1]
    assert (chen["credentials"], chen["profile_url"]) == (CHEN["credentials"], CHEN["profile_url"])
    assert "<script" not in chen["bio_html"] and 'href="javascript' not in chen["bio_html"]
    assert "&lt;script&gt;" in chen["bio_html"]  # shown as text
    page = client.get(f"/v1/sites/clinic-austin/articles/{SLUG}").json["structured_data"]["@graph"][0]
    assert page["author"] == [{"@type": "Person", "name": "Ana Ruiz", "jobTitle": "Health writer"}]
    assert page["reviewedBy"] == {
        "@type": "Person",
        "name": "Dr. Maya Chen",
        "honorificSuffix": "MD, FAAPMR",
        "jobTitle": "Physical medicine and rehabilitation",
        "url": CHEN["profile_url"],
    }


def test_a_change_to_a_person_reaches_every_published_answer(
    client, auth, admin, editor, people, create_published
):
    client.post("/v1/manage/sites", json={"key": "clinic-austin", "name": "Austin"}, headers=admin)
    create_published(medical_reviewer="dr-maya-chen")
    before = client.get(f"/v1/articles/{SLUG}")
    site_before = client.get(f"/v1/sites/clinic-austin/articles/{SLUG}")
    change = {**CHEN, "credentials": "MD, PhD"}

    # Visitors read it at once: a clinician vouches for it, not any editor.
    refused = client.put(f"{PEOPLE}/dr-maya-chen", json=change, headers=editor)
    assert refused.status_code == 403 and "reviewer capability" in refused.json["detail"]
    assert client.get(f"/v1/articles/{SLUG}").headers["ETag"] == before.headers["ETag"]
    changed = client.put(f"{PEOPLE}/dr-maya-chen", json=change, headers=auth("editor", reviewer=True))
    assert changed.status_code == 200, changed.json

    after = client.get(f"/v1/articles/{SLUG}")
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.json["people"][0]["credentials"] == "MD, PhD"
    site_after = client.get(f"/v1/sites/clinic-austin/articles/{SLUG}")
    assert site_after.headers["ETag"] != site_before.headers["ETag"]
    reviewer = site_after.json["structured_data"]["@graph"][0]["reviewedBy"]
    assert reviewer["honorificSuffix"] == "MD, PhD"
    entry = client.get("/v1/manage/audit", headers=admin).json[0]
    assert (entry["action"], entry["details"]["republished"]) == ("person.updated", 1)
    assert entry["details"]["diff"] == [{"field": "credentials", "before": "MD, FAAPMR", "after": "MD, PhD"}]


def test_a_person_an_approved_version_names_is_a_reviewers_to_change(
    client, auth, editor, people, create_draft
):
    """An approved (or scheduled) version would go out with whatever the record says then."""
    draft = create_draft(authors=["ana-ruiz"])
    submitted = client.post(f"{draft.url}/reviews", json={}, headers={**editor, "If-Match": "*"})
    assert submitted.status_code == 201, submitted.json
    change = {**ANA, "bio": "Cures everything."}

    refused = client.put(f"{PEOPLE}/ana-ruiz", json=change, headers=editor)

    assert refused.status_code == 403 and "reviewer capability" in refused.json["detail"]
    assert (
        client.put(f"{PEOPLE}/dr-maya-chen", json=CHEN, headers=editor).status_code == 200
    )  # named by nothing
    assert (
        client.put(f"{PEOPLE}/ana-ruiz", json=change, headers=auth("editor", reviewer=True)).status_code
        == 200
    )


def test_a_person_change_that_would_block_a_published_article_is_refused(
    client, auth, people, create_published
):
    """Taking a medical reviewer's credentials away would publish an article the guardrails
    block (reviewer-credentials-missing): refused as publishing it would be."""
    create_published(medical_reviewer="dr-maya-chen", reviewed_by=None)
    before = client.get(f"/v1/articles/{SLUG}").json

    refused = client.put(
        f"{PEOPLE}/dr-maya-chen", json={**CHEN, "credentials": None}, headers=auth("editor", reviewer=True)
    )

    assert refused.status_code == 409, refused.json
    assert "reviewer-credentials-missing" in refused.json["detail"]
    assert client.get(f"/v1/articles/{SLUG}").json == before


def reviewer_findings(client, url, headers):
    report = client.get(f"{url}/findings", headers=headers).json
    return {f["rule"] for f in report["findings"] if f["rule"].startswith("reviewer-")}


def test_the_guardrails_read_the_reviewers_credentials_from_their_record(
    client, editor, people, create_draft
):
    credentialed = create_draft(reviewed_by=None, medical_reviewer="dr-maya-chen")
    assert reviewer_findings(client, credentialed.url, editor) == set()

    client.delete(credentialed.url, headers={**editor, "If-Match": credentialed.etag})
    uncredentialed = create_draft(reviewed_by=None, medical_reviewer="ana-ruiz")
    assert reviewer_findings(client, uncredentialed.url, editor) == {"reviewer-credentials-missing"}


def test_a_site_overlay_naming_another_reviewer_is_checked_against_that_reviewer(
    client, admin, people, create_draft
):
    article = create_draft(reviewed_by=None, medical_reviewer="dr-maya-chen", headers=admin)
    assert client.post("/v1/manage/sites", json=SITE, headers=admin).status_code == 201
    overlay = {"fields": {"medical_reviewer": "ana-ruiz"}}
    saved = client.put(
        f"/v1/manage/sites/{SITE['key']}/overlays/{article.body['id']}",
        json=overlay,
        headers={**admin, "If-Match": "*"},
    )
    assert saved.status_code == 200, saved.json

    report = client.get(f"{article.url}/findings", headers=admin).json

    reviewer = [f for f in report["findings"] if f["rule"].startswith("reviewer-")]
    assert [(f["rule"], f["where"], f["text"]) for f in reviewer] == [
        ("reviewer-credentials-missing", f"site {SITE['key']}", "Ana Ruiz")
    ]


def test_an_overlay_names_only_people_on_record_and_keeps_them(
    client, admin, publisher, people, create_draft
):
    article = create_draft(headers=admin)
    assert client.post("/v1/manage/sites", json=SITE, headers=admin).status_code == 201
    overlay = f"/v1/manage/sites/{SITE['key']}/overlays/{article.body['id']}"

    ghost = client.put(overlay, json={"fields": {"authors": ["ghost"]}}, headers={**admin, "If-Match": "*"})
    assert ghost.status_code == 422
    assert [error["field"] for error in ghost.json["errors"]] == ["fields.authors[0]"]
    named = {"fields": {"authors": ["ana-ruiz"]}}
    assert client.put(overlay, json=named, headers={**admin, "If-Match": "*"}).status_code == 200

    refused = client.delete(f"{PEOPLE}/ana-ruiz", headers=publisher)  # named by the overlay only
    assert refused.status_code == 409


def test_a_person_an_article_names_stays(client, editor, publisher, people, create_draft):
    article = create_draft(authors=["ana-ruiz"])

    refused = client.delete(f"{PEOPLE}/ana-ruiz", headers=publisher)

    assert refused.status_code == 409 and str(article.body["id"]) in refused.json["detail"]
    assert client.delete(f"{PEOPLE}/dr-maya-chen", headers=publisher).status_code == 204
    assert client.get(f"{PEOPLE}/dr-maya-chen", headers=editor).status_code == 404


def test_a_persons_photo_comes_from_the_media_library(client, editor, publisher, create_published):
    asset = upload(client, editor, photo()).json["id"]
    portrait = {"asset": asset, "alt": "Dr. Maya Chen", "shows_people": True, "consent_recorded": True}
    assert (
        client.post(
            PEOPLE, json={**CHEN, "photo": {"asset": 999_999, "alt": "x"}}, headers=editor
        ).status_code
        == 422
    )
    assert client.post(PEOPLE, json={**CHEN, "photo": portrait}, headers=editor).status_code == 201
    create_published(medical_reviewer="dr-maya-chen")

    delivered = client.get(f"/v1/articles/{SLUG}").json["people"][0]["photo"]

    assert delivered["width"] == 1000 and client.get(delivered["src"]).status_code == 200
    refused = client.delete(f"/v1/manage/assets/{asset}", headers=publisher)
    assert refused.status_code == 409 and "person dr-maya-chen" in refused.json["detail"]


def test_an_import_naming_someone_unknown_says_which_document(client, admin, reviewed_document):
    body = {"documents": [{**reviewed_document, "medical_reviewer": "nobody"}], "publish": False}

    refused = client.post("/v1/manage/import", json=body, headers=admin)

    assert refused.status_code == 422
    assert [error["field"] for error in refused.json["errors"]] == ["documents[0].medical_reviewer"]
    assert client.get("/v1/manage/articles", headers=admin).json == []
