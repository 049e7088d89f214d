"""Drafts through the management API: create, read, replace, patch, delete, children."""

DRAFTS = "/v1/manage/articles"
SLUG = "are-all-types-of-back-pain-treatable-with-stem-cells"


def test_creating_an_article_returns_the_draft_with_its_etag(client, draft, reviewed_document):
    url, body, etag = draft

    assert url == f"{DRAFTS}/{body['id']}"
    assert etag == f'"{body["etag"]}"'
    assert body["status"] == "draft" and body["published_revision"] is None
    assert {k: body[k] for k in reviewed_document} == reviewed_document
    assert client.get(f"/v1/articles/{SLUG}").status_code == 404  # not published


def test_a_second_article_with_the_same_slug_and_locale_is_409(client, draft, editor, seed_document):
    response = client.post(DRAFTS, json={**seed_document, "locale": "EN"}, headers=editor)
    assert response.status_code == 409
    assert "already has the slug" in response.json["detail"]


def test_invalid_documents_are_422_with_paths_and_read_only_fields_named(client, editor, seed_document):
    seed_document["faqs"][2]["answer"] = ""
    response = client.post(DRAFTS, json={**seed_document, "id": 7, "version": 2}, headers=editor)

    assert response.status_code == 422
    assert {(e["field"], e["message"]) for e in response.json["errors"]} == {
        ("id", "Read-only field: set by the service."),
        ("version", "Read-only field: set by the service."),
    }
    response = client.post(DRAFTS, json={**seed_document, "surprise": 1}, headers=editor)
    assert {(e["location"], e["field"], e["message"]) for e in response.json["errors"]} == {
        ("json", "surprise", "Unknown field."),
        ("json", "faqs[2].answer", "Must not be blank."),
    }


def test_a_body_that_is_not_json_is_415(client, editor):
    response = client.post(DRAFTS, data="title=x", headers=editor, content_type="text/plain")
    assert response.status_code == 415
    assert response.mimetype == "application/problem+json"


def test_a_malformed_json_body_is_400(client, editor):
    response = client.post(DRAFTS, data="{", headers=editor, content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_a_change_without_if_match_is_428(client, draft, editor):
    url, _, _ = draft
    response = client.patch(url, json={"title": "New"}, headers=editor)
    assert response.status_code == 428


def test_a_change_with_a_stale_etag_is_412_and_changes_nothing(client, draft, editor):
    url, _, etag = draft
    first = client.patch(url, json={"title": "First"}, headers={**editor, "If-Match": etag})
    assert first.status_code == 200

    second = client.patch(url, json={"title": "Second"}, headers={**editor, "If-Match": etag})

    assert second.status_code == 412
    assert client.get(url, headers=editor).json["title"] == "First"


def test_patch_merges_and_validates_the_whole_document(client, draft, editor):
    url, _, etag = draft
    response = client.patch(
        url,
        json={
            "title": "Stem cells and back pain",
            "seo": {"title": None},
            "medical_disclaimer": "Not advice.",
        },
        headers={**editor, "If-Match": etag},
        content_type="application/merge-patch+json",
    )

    assert response.status_code == 200
    body = response.json
    assert body["title"] == "Stem cells and back pain"
    assert body["seo"]["title"] is None and body["seo"]["description"]
    assert body["medical_disclaimer"] == "Not advice."
    assert body["version"] > 1 and response.headers["ETag"] != etag

    bad = client.patch(url, json={"faqs": "none"}, headers={**editor, "If-Match": response.headers["ETag"]})
    assert bad.status_code == 422
    assert bad.json["errors"][0]["field"] == "faqs"


def test_put_replaces_the_draft(client, draft, editor, seed_document):
    url, _, etag = draft
    seed_document["benefits"] = seed_document["benefits"][:2]
    response = client.put(url, json=seed_document, headers={**editor, "If-Match": etag})

    assert response.status_code == 200
    assert [b["key"] for b in response.json["benefits"]] == ["minimally-invasive", "natural-healing"]


def test_if_match_star_means_whatever_is_current(client, draft, editor):
    url, _, _ = draft
    assert client.patch(url, json={"title": "Any"}, headers={**editor, "If-Match": "*"}).status_code == 200


def test_children_are_added_changed_reordered_and_deleted_by_key(client, draft, editor):
    url, _, etag = draft

    def change(method, path, **kwargs):
        nonlocal etag
        response = getattr(client, method)(f"{url}{path}", headers={**editor, "If-Match": etag}, **kwargs)
        etag = response.headers.get("ETag", etag)
        return response

    added = change(
        "post",
        "/faqs?position=0",
        json={"key": "cost", "question": "What does it cost?", "answer": "Ask your clinic."},
    )
    assert added.status_code == 200
    assert added.json["faqs"][0]["key"] == "cost"

    assert change("post", "/faqs", json={"key": "cost", "question": "Q", "answer": "A"}).status_code == 409

    patched = change("patch", "/faqs/cost", json={"answer": "It depends on the treatment."})
    assert patched.status_code == 200, patched.json
    assert patched.json["faqs"][0] == {
        "key": "cost",
        "question": "What does it cost?",
        "answer": "It depends on the treatment.",
    }

    keys = [faq["key"] for faq in patched.json["faqs"]]
    reordered = change("put", "/order/faqs", json={"keys": list(reversed(keys))})
    assert [faq["key"] for faq in reordered.json["faqs"]] == list(reversed(keys))

    incomplete = change("put", "/order/faqs", json={"keys": keys[:2]})
    assert incomplete.status_code == 422
    assert incomplete.json["errors"][0]["field"] == "keys"

    replaced = change(
        "put", "/benefits/faster-recovery", json={"title": "Quick recovery", "description": "Weeks."}
    )
    benefit = next(b for b in replaced.json["benefits"] if b["key"] == "faster-recovery")
    assert benefit["title"] == "Quick recovery"

    deleted = change("delete", "/faqs/cost")
    assert "cost" not in [faq["key"] for faq in deleted.json["faqs"]]
    assert change("delete", "/faqs/cost").status_code == 404


def test_an_invalid_child_is_422_with_its_path_in_the_article(client, draft, editor):
    url, _, etag = draft
    response = client.post(
        f"{url}/conditions",
        json={"key": "sciatica", "name": "Sciatica", "outlook": "cured"},
        headers={**editor, "If-Match": etag},
    )
    assert response.status_code == 422
    assert response.json["errors"] == [
        {
            "location": "json",
            "field": "conditions[9].outlook",
            "message": "Must be one of: may_respond, may_not_respond.",
        }
    ]


def test_an_unknown_article_is_404(client, editor):
    assert client.get(f"{DRAFTS}/999", headers=editor).status_code == 404
    assert client.patch(f"{DRAFTS}/999", json={}, headers={**editor, "If-Match": "*"}).status_code == 404


def test_deleting_an_unpublished_article(client, draft, editor):
    url, _, etag = draft
    assert client.delete(url, headers={**editor, "If-Match": etag}).status_code == 204
    assert client.get(url, headers=editor).status_code == 404


def test_the_list_shows_every_article_with_its_status(client, draft, editor):
    (card,) = client.get(DRAFTS, headers=editor).json
    assert card["slug"] == SLUG and card["status"] == "draft"
    assert client.get(f"{DRAFTS}?status=published", headers=editor).json == []


def test_a_body_is_looked_at_only_after_the_key(client):
    response = client.post(DRAFTS, data="x", content_type="text/plain")
    assert response.status_code == 401


def test_a_body_over_the_limit_is_413(client, editor, seed_document):
    seed_document["intro"] = "x" * (1024 * 1024 + 1)
    response = client.post(DRAFTS, json=seed_document, headers=editor)
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_an_empty_patch_is_422(client, draft, editor):
    url, _, etag = draft
    response = client.patch(url, json={}, headers={**editor, "If-Match": etag})
    assert response.status_code == 422
    assert client.get(url, headers=editor).json["version"] == 1


def test_a_child_cannot_be_renamed_through_its_address(client, draft, editor):
    url, _, etag = draft
    response = client.patch(
        f"{url}/faqs/time-to-results", json={"key": "other"}, headers={**editor, "If-Match": etag}
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "key"


def test_a_reorder_naming_a_key_twice_says_so(client, draft, editor, seed_document):
    url, _, etag = draft
    keys = [faq["key"] for faq in seed_document["faqs"]]
    response = client.put(
        f"{url}/order/faqs", json={"keys": [keys[0], *keys[:-1]]}, headers={**editor, "If-Match": etag}
    )
    assert response.status_code == 422
    assert f"repeated: ['{keys[0]}']" in response.json["errors"][0]["message"]
