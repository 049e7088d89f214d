"""The authorisation matrix, walked over every operation of the OpenAPI document: management
never answers without a live key of the right role; delivery never needs one, and never shows
what is not public (drafts, previews, experiment weights, editors' notes).

Keys are not site-scoped (a key acts on every site), so there is no per-site dimension."""

import re
from datetime import timedelta

import pytest

from service.content.audit import Actor
from service.content.keys import ROLES, create_key, revoke_key
from service.extensions import db
from service.models.base import utcnow

# Ids that name nothing: a walk that deletes key 1 would revoke one of its own keys.
EXAMPLE_VALUES = {"integer": "2147483647", "string": "x"}
# The draft's texts, and the experiment's weights as whole numbers (0.125895, a duration on
# /metrics, is not the weight 0.125).
HIDDEN_MARKERS = [
    re.compile(rf"(?<![\d.]){re.escape(text)}(?![\d])")
    for text in ("DRAFT-ONLY-TEXT", "EDITOR-NOTE-TEXT", "0.125", "0.875")
]


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                # (path parameters are declared on the path, the others on the operation)
                parameters = [*item.get("parameters", []), *operation.get("parameters", [])]
                yield method, path, {**operation, "parameters": parameters}


def concrete(path, operation):
    """The path with each parameter filled in: an enum's first value, or a plain example."""
    parameters = {p["name"]: p["schema"] for p in operation.get("parameters", []) if p["in"] == "path"}

    def fill(match):
        schema = parameters[match.group(1)]
        return str(schema["enum"][0]) if "enum" in schema else EXAMPLE_VALUES[schema["type"]]

    return re.sub(r"\{(\w+)\}", fill, path)


@pytest.fixture
def keys(app):
    """A key per role, the same with the reviewer capability ("<role>+reviewer"), and dead
    ones: revoked and expired admins."""
    with app.app_context():
        made = {role: create_key(db.session, role, role) for role in ROLES}
        made |= {f"{role}+reviewer": create_key(db.session, role, role, reviewer=True) for role in ROLES}
        revoked = create_key(db.session, "revoked", "admin")
        revoke_key(db.session, revoked.key, by=Actor(None, "test"))
        expired = create_key(db.session, "expired", "admin", expires_at=utcnow() - timedelta(seconds=1))
        db.session.commit()
    secrets = {role: new.secret for role, new in made.items()}
    return secrets | {"revoked": revoked.secret, "expired": expired.secret}


def call(client, method, url, secret=None):
    """One request, with the failed-authentication count reset: the walk fails on purpose far
    more often than that limit allows (tests/test_rate_limits.py tests the limit)."""
    client.application.extensions["rate_limits"].reset()
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return getattr(client, method)(url, headers=headers)


def test_every_management_operation_refuses_a_missing_bad_revoked_or_expired_key(client, spec, keys):
    walked = 0
    for method, path, operation in operations(spec):
        if "x-required-role" not in operation:
            continue
        url = concrete(path, operation)
        for secret in (None, "cms_00000000_not-a-key", keys["revoked"], keys["expired"]):
            response = call(client, method, url, secret)
            assert response.status_code == 401, (method, path, secret and secret[:12])
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
        walked += 1
    assert walked >= 30  # every management operation, not a few


def test_each_role_gets_past_authorisation_exactly_where_its_rank_allows(client, spec, keys):
    """...and, where an operation needs a capability (deciding a review), only with it."""
    capable = 0
    for method, path, operation in operations(spec):
        required = operation.get("x-required-role")
        if required is None:
            continue
        url = concrete(path, operation)
        capability = operation.get("x-required-capability")
        capable += capability is not None
        for role in ROLES:
            for key in (role, f"{role}+reviewer"):
                status = call(client, method, url, keys[key]).status_code
                lacks_capability = capability is not None and not key.endswith(f"+{capability}")
                if ROLES.index(role) < ROLES.index(required) or lacks_capability:
                    assert status == 403, (method, path, key)
                else:
                    assert status not in (401, 403), (method, path, key, status)
    assert capable == 3  # approve, request changes, override the guardrails' findings


def test_management_operations_are_exactly_those_under_manage(spec):
    for method, path, operation in operations(spec):
        managed = "x-required-role" in operation
        assert managed == path.startswith("/v1/manage/"), (method, path)
        if managed:
            assert operation["security"] == [{"bearerAuth": []}]
            assert {"401", "403"} <= set(operation["responses"])


@pytest.fixture
def hidden_material(client, auth, publish, reviewed_document, approve_variants):
    """A published article whose draft has moved on, with a note, a running experiment with
    odd weights, a preview-only variant, and a site."""
    admin = auth("admin")
    client.post("/v1/manage/sites", json={"key": "clinic-austin", "name": "Austin"}, headers=admin)
    publish([reviewed_document])
    article = client.get("/v1/manage/articles", headers=admin).json[0]
    url = f"/v1/manage/articles/{article['id']}"
    etag = client.get(url, headers=admin).headers["ETag"]
    patched = client.patch(
        url,
        data='{"title": "DRAFT-ONLY-TEXT"}',
        content_type="application/merge-patch+json",
        headers={**admin, "If-Match": etag},
    )
    assert patched.status_code == 200
    experiment = {
        "key": "cta-wording",
        "article_id": article["id"],
        "goal": "booking",
        "hypothesis": "EDITOR-NOTE-TEXT",
        "variants": [
            {"key": "control", "name": "Control", "weight": 0.125},
            {"key": "named", "name": "Named", "weight": 0.875, "overlay": {"fields": {"summary": "Named"}}},
        ],
    }
    assert client.post("/v1/manage/experiments", json=experiment, headers=admin).status_code == 201
    approve_variants("cta-wording", admin)
    started = client.post("/v1/manage/experiments/cta-wording/start", headers=admin)
    assert started.status_code == 200, started.json
    return article


def test_delivery_needs_no_key_and_shows_nothing_that_is_not_public(client, spec, hidden_material):
    slug = hidden_material["slug"]
    values = {
        "slug": slug,
        "site": "clinic-austin",
        "experiment": "cta-wording",
        "variant": "named",
        "digest": "0" * 64,  # (no image: a 404)
        "extension": "webp",
    }
    answered = 0
    for method, path, _operation in operations(spec):
        if path.startswith("/v1/manage/") or method != "get":
            continue
        url = re.sub(r"\{(\w+)\}", lambda match: values[match.group(1)], path)
        for query in ("", "?visitor=v-1"):
            response = client.get(url + query)
            assert response.status_code not in (401, 403, 500), url
            body = response.get_data(as_text=True)
            for marker in HIDDEN_MARKERS:
                assert not marker.search(body), (url + query, marker.pattern)
            answered += response.status_code == 200
    assert answered >= 6  # the article was really served, by most of them
