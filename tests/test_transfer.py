"""Export and import: documents in the seed shape, lossless both ways."""

from unittest.mock import ANY

from service.content.document import CHILD_MODELS
from service.content.keys import create_key
from service.extensions import db
from tests.media_factories import photo, upload

DRAFTS = "/v1/manage/articles"


def test_export_then_import_is_lossless(client, publisher, create_draft, seed_document):
    create_draft(headers=publisher)
    spanish = {
        **seed_document,
        "locale": "es",
        "title": "¿Se pueden tratar con células madre?",
        "reviewed_at": "2026-10-01",
    }
    spanish["references"] = [{"title": "A study", "url": "https://example.org/study"}]
    create_draft(spanish, headers=publisher)
    exported = client.get("/v1/manage/export", headers=publisher).json
    for card in client.get(DRAFTS, headers=publisher).json:
        assert (
            client.delete(f"{DRAFTS}/{card['id']}", headers={**publisher, "If-Match": "*"}).status_code == 204
        )
    assert client.get("/v1/manage/export", headers=publisher).json == []

    imported = client.post("/v1/manage/import", json={"documents": exported}, headers=publisher)

    assert imported.status_code == 200
    assert [r["created"] for r in imported.json] == [True, True]
    assert client.get("/v1/manage/export", headers=publisher).json == exported
    again = client.post("/v1/manage/import", json={"documents": exported}, headers=publisher).json
    assert [r["draft_changed"] for r in again] == [False, False]


def test_one_article_exports_as_the_seed_shape(client, draft, editor, reviewed_document):
    every_kind = {kind: [] for kind in CHILD_MODELS}  # the kinds the seed leaves out, empty

    assert client.get(f"{draft.url}/export", headers=editor).json == every_kind | reviewed_document


def test_import_with_publish_needs_an_admin_while_review_is_required(
    client, app_with, auth, reviewed_document
):
    """What an import publishes goes out unreviewed, approved in the importer's name."""
    body = {"documents": [reviewed_document], "publish": True}
    for role in ("editor", "publisher"):
        refused = client.post("/v1/manage/import", json=body, headers=auth(role))
        assert refused.status_code == 403 and "admin" in refused.json["detail"]
    assert client.get(f"/v1/articles/{reviewed_document['slug']}").status_code == 404

    response = client.post("/v1/manage/import", json=body, headers=auth("admin"))

    assert response.json[0]["published_revision"] == 1
    assert client.get(f"/v1/articles/{reviewed_document['slug']}").status_code == 200
    unreviewed = app_with(REVIEW_REQUIRED=False).test_client()
    other = {"documents": [{**reviewed_document, "slug": "other"}], "publish": True}
    assert unreviewed.post("/v1/manage/import", json=other, headers=auth("publisher")).status_code == 200


def test_an_invalid_import_names_the_document_and_loads_nothing(client, auth, seed_document):
    headers = auth("editor")
    bad = {**seed_document, "slug": "Bad Slug", "locale": "es"}

    response = client.post("/v1/manage/import", json={"documents": [seed_document, bad]}, headers=headers)

    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "documents[1].slug"
    assert client.get(DRAFTS, headers=headers).json == []


def test_import_flags_must_be_true_or_false(client, auth, seed_document):
    response = client.post(
        "/v1/manage/import", json={"documents": [seed_document], "publish": 0}, headers=auth()
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "publish"


def test_what_export_returns_imports_as_it_is(client, draft, editor):
    exported = client.get("/v1/manage/export", headers=editor).json
    for card in client.get(DRAFTS, headers=editor).json:
        client.delete(f"{DRAFTS}/{card['id']}", headers={**editor, "If-Match": "*"})

    imported = client.post("/v1/manage/import", json=exported, headers=editor)

    assert imported.status_code == 200, imported.json
    assert [(r["created"], r["published_revision"]) for r in imported.json] == [(True, None)]
    assert client.get("/v1/manage/export", headers=editor).json == exported


def test_an_import_of_more_documents_than_the_cap_is_refused(client, auth):
    response = client.post("/v1/manage/import", json=[{"slug": "a"}] * 501, headers=auth("editor"))

    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "documents"


def test_an_import_logs_each_article_it_changes_with_the_key(client, auth, reviewed_document):
    headers = auth("admin")
    body = {"documents": [reviewed_document], "publish": True}
    client.post("/v1/manage/import", json=body, headers=headers)
    client.post("/v1/manage/import", json=body, headers=headers)  # changes nothing, so logs nothing

    approval, entry = client.get("/v1/manage/audit", headers=headers).json

    assert entry["action"] == "article.imported" and entry["key_prefix"].startswith("cms_")
    assert approval["action"] == "review.approved" and approval["details"]["system"] is True
    assert entry["details"] == {"slug": reviewed_document["slug"], "locale": "en", "published": 1}
    article_id = client.get(DRAFTS, headers=headers).json[0]["id"]
    (revision,) = client.get(f"{DRAFTS}/{article_id}/revisions", headers=headers).json
    assert revision["published_by"] == f"test admin ({entry['key_prefix']})"


def admin_of(app) -> dict:
    with app.app_context():
        key = create_key(db.session, "admin elsewhere", "admin")
        db.session.commit()
    return {"Authorization": f"Bearer {key.secret}"}


def test_an_exported_image_names_its_asset_by_digest_and_imports_into_another_database(
    client, publisher, create_draft, sqlite_app
):
    """Ids are one database's: export names an image's asset by its bytes' digest, which an
    import elsewhere finds among the assets uploaded there (under another id)."""
    first = upload(client, publisher, photo((600, 400), "PNG")).json  # (id 1 here, missing there)
    chosen = upload(client, publisher, photo()).json
    hero = {"asset": chosen["id"], "alt": "A specialist explains an MRI scan."}
    draft = create_draft(hero_image=hero, social_image=hero | {"asset": first["id"]}, headers=publisher)
    exported = client.get(f"{draft.url}/export", headers=publisher).json
    elsewhere, admin = sqlite_app.test_client(), admin_of(sqlite_app)
    there = upload(elsewhere, admin, photo()).json

    lacking = elsewhere.post("/v1/manage/import", json=[exported], headers=admin)
    exported["social_image"] = None
    imported = elsewhere.post("/v1/manage/import", json=[exported], headers=admin)

    assert exported["hero_image"] == {k: v for k, v in hero.items() if k != "asset"} | {
        "asset_digest": chosen["digest"],
        "decorative": False,
        "caption": None,
        "credit": None,
        "shows_people": False,
        "consent_recorded": False,
    }
    assert client.get("/v1/manage/export", headers=publisher).json == [exported | {"social_image": ANY}]
    assert lacking.status_code == 422
    assert lacking.json["errors"] == [
        {
            "location": "json",
            "field": "documents[0].social_image.asset_digest",
            "message": f"There is no asset {first['digest']}.",
        }
    ]
    assert imported.status_code == 200, imported.json
    article = elsewhere.get("/v1/manage/articles", headers=admin).json[0]
    draft_there = elsewhere.get(f"/v1/manage/articles/{article['id']}", headers=admin).json
    assert there["id"] != chosen["id"] and draft_there["hero_image"]["asset"] == there["id"]
    assert elsewhere.get(f"/v1/manage/articles/{article['id']}/export", headers=admin).json == exported
