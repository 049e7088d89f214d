"""API keys and roles on the management API."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from service.content.audit import Actor
from service.content.keys import authenticate, create_key, revoke_key
from service.models import ApiKey
from service.models.base import utcnow

DRAFTS = "/v1/manage/articles"
KEYS = "/v1/manage/keys"


def test_a_request_without_a_key_is_401_with_a_challenge(client):
    response = client.get(DRAFTS)

    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header", ["Bearer cms_00000000_nope", "Basic dXNlcjpwYXNz", "Bearer", "cms_00000000_nope"]
)
def test_a_bad_key_is_401(client, header):
    response = client.get(DRAFTS, headers={"Authorization": header})
    assert response.status_code == 401
    assert "WWW-Authenticate" in response.headers


def test_a_key_without_the_role_is_403(client, auth, seed_document):
    response = client.post(DRAFTS, json=seed_document, headers=auth("viewer"))

    assert response.status_code == 403
    assert "needs the editor role" in response.json["detail"]


@pytest.mark.parametrize(("role", "allowed"), [("viewer", True), ("editor", True), ("admin", True)])
def test_higher_roles_include_lower_ones(client, auth, role, allowed):
    assert (client.get(DRAFTS, headers=auth(role)).status_code == 200) is allowed


def test_keys_are_stored_only_as_a_hash_with_a_visible_prefix(session):
    new = create_key(session, "Ana", "editor")
    stored = session.scalar(select(ApiKey).where(ApiKey.id == new.key.id))

    assert new.secret.startswith(stored.prefix + "_")
    assert new.secret not in (stored.secret_hash, stored.prefix)
    assert authenticate(session, new.secret) == stored
    assert authenticate(session, new.secret + "x") is None


def test_revoked_and_expired_keys_no_longer_work(client, session):
    create_key(session, "office", "admin")
    revoked = create_key(session, "old laptop", "admin")
    revoke_key(session, revoked.key, by=Actor(None, "test"))
    expired = create_key(session, "contractor", "admin", expires_at=utcnow() - timedelta(seconds=1))
    session.commit()

    for secret in (revoked.secret, expired.secret):
        assert client.get(DRAFTS, headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_the_cli_creates_the_first_admin_key_and_shows_it_once(runner, client):
    result = runner.invoke(args=["create-key", "--name", "First admin"])

    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert secret.startswith("cms_")
    assert client.get(DRAFTS, headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_the_spec_declares_the_bearer_scheme_and_each_role(client):
    spec = client.get("/openapi.json").json
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key: cms_xxxxxxxx_...",
    }
    for path, item in spec["paths"].items():
        if path.startswith("/v1/manage"):
            for method, operation in item.items():
                if method == "parameters":
                    continue
                assert operation["security"] == [{"bearerAuth": []}], (path, method)
                assert operation["x-required-role"] in ("viewer", "editor", "publisher", "admin")
                assert f"**Role: {operation['x-required-role']}**" in operation["description"]
                assert {"401", "403"} <= set(operation["responses"])


def test_admins_create_list_and_revoke_keys(client, auth):
    admin = auth("admin")
    created = client.post(KEYS, json={"name": "Ana, marketing", "role": "editor"}, headers=admin)

    assert created.status_code == 201
    secret = created.json["key"]
    assert secret.startswith(created.json["prefix"] + "_")
    ana = {"Authorization": f"Bearer {secret}"}
    assert client.get(DRAFTS, headers=ana).status_code == 200

    listed = client.get(KEYS, headers=admin).json
    assert all("key" not in key and "secret_hash" not in key for key in listed)
    assert created.json["prefix"] in [key["prefix"] for key in listed]

    assert client.delete(f"{KEYS}/{created.json['id']}", headers=admin).status_code == 204
    assert client.get(DRAFTS, headers=ana).status_code == 401
    assert client.delete(f"{KEYS}/999", headers=admin).status_code == 404


def test_the_last_active_admin_key_cannot_be_revoked(client, auth):
    admin = auth("admin")
    me = client.get(KEYS, headers=admin).json[0]

    refused = client.delete(f"{KEYS}/{me['id']}", headers=admin)

    assert refused.status_code == 409
    assert "last active admin key" in refused.json["detail"]
    assert client.get(KEYS, headers=admin).status_code == 200
    second = client.post(KEYS, json={"name": "Deputy", "role": "admin"}, headers=admin).json
    assert client.delete(f"{KEYS}/{me['id']}", headers=admin).status_code == 204
    deputy = {"Authorization": f"Bearer {second['key']}"}
    assert client.delete(f"{KEYS}/{second['id']}", headers=deputy).status_code == 409


def test_only_admins_manage_keys(client, auth):
    publisher = auth("publisher")
    assert client.get(KEYS, headers=publisher).status_code == 403
    assert client.post(KEYS, json={"name": "x", "role": "admin"}, headers=publisher).status_code == 403


def test_a_key_request_is_validated(client, auth):
    response = client.post(
        KEYS, json={"name": "", "role": "owner", "expires_at": "2020-01-01T00:00:00+00:00"}, headers=auth()
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json["errors"]} == {"name", "role", "expires_at"}


def test_a_key_with_the_longest_name_can_publish_and_schedule(client, auth, reviewed_document, approve):
    """History names the key as "<name> (<prefix>)": it must fit however long the name."""
    made = client.post(KEYS, json={"name": "n" * 100, "role": "publisher"}, headers=auth()).json
    headers = {"Authorization": f"Bearer {made['key']}", "If-Match": "*"}
    url = client.post(DRAFTS, json=reviewed_document, headers=headers).headers["Location"]
    approve(url, headers=headers)  # (the review names the submitter the same way)

    assert client.post(f"{url}/publish", json={}, headers=headers).status_code == 200
    schedule = {"action": "unpublish", "at": "2099-01-01T00:00:00+00:00"}
    assert client.post(f"{url}/schedules", json=schedule, headers=headers).status_code == 201
