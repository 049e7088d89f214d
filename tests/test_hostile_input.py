"""Input that once reached the database or a recursion limit: each is a 4xx problem now."""

import io
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

DRAFTS = "/v1/manage/articles"
HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "path", [f"{DRAFTS}/{HUGE}", f"{DRAFTS}/2147483648", f"{DRAFTS}/0", f"{DRAFTS}/1/revisions/{HUGE}"]
)
def test_ids_out_of_range_name_nothing(client, auth, path):
    response = client.get(path, headers=auth("viewer"))
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_audit_filters_out_of_range_are_422(client, auth):
    response = client.get(f"/v1/manage/audit?article_id={HUGE}&key_id=-5", headers=auth("viewer"))
    assert response.status_code == 422
    assert {e["field"] for e in response.json["errors"]} == {"article_id", "key_id"}


def test_times_that_cannot_be_held_in_utc_are_422(client, auth, draft):
    headers = auth("admin")
    edge = "9999-12-31T23:30:00-01:00"
    schedule = client.post(f"{draft.url}/schedules", json={"action": "publish", "at": edge}, headers=headers)
    key = client.post(
        "/v1/manage/keys", json={"name": "x", "role": "viewer", "expires_at": edge}, headers=headers
    )
    for response, field in ((schedule, "at"), (key, "expires_at")):
        assert response.status_code == 422
        assert response.json["errors"][0]["field"] == field


def test_a_huge_child_position_is_422(client, auth, draft):
    response = client.post(
        f"{draft.url}/faqs?position={HUGE}",
        json={"key": "x", "question": "Q?", "answer": "A."},
        headers={**auth("editor"), "If-Match": "*"},
    )
    assert response.status_code == 422


def test_a_deeply_nested_body_is_400(client, auth, draft):
    body = '{"seo": ' * 30000 + "1" + "}" * 30000
    response = client.patch(
        draft.url, data=body, content_type="application/json", headers={**auth("editor"), "If-Match": "*"}
    )
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_nul_characters_are_refused_everywhere_text_is_stored(client, auth, draft):
    admin = auth("admin")
    key = client.post("/v1/manage/keys", json={"name": "a\x00b", "role": "viewer"}, headers=admin)
    note = client.post(f"{draft.url}/publish", json={"note": "a\x00b"}, headers={**admin, "If-Match": "*"})
    hook = client.post(
        "/v1/manage/webhooks",
        json={"url": "http://127.0.0.1:9/ok?\x00", "events": ["article.published"]},
        headers=admin,
    )
    assert [r.status_code for r in (key, note, hook)] == [422, 422, 422]


def test_a_webhook_may_name_a_service_without_a_dot(client, auth, private_targets):
    """On premises (private targets allowed), where such names are."""
    response = client.post(
        "/v1/manage/webhooks",
        json={"url": "http://rebuilder:8080/hook", "events": ["article.published"]},
        headers=auth(),
    )
    assert response.status_code == 201


def test_many_creating_one_slug_at_once_get_one_201_and_409s(app, auth, seed_document):
    headers = auth("editor")
    barrier = threading.Barrier(8)

    def create(_):
        client = app.test_client()
        barrier.wait()
        return client.post(DRAFTS, json=seed_document, headers=headers).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(create, range(8)))
    assert statuses == [201] + [409] * 7


@pytest.mark.parametrize("if_match", ["0", "{}", "3-2", '"3-2'])
def test_an_if_match_that_is_no_entity_tag_is_400_not_a_stale_412(client, auth, draft, if_match):
    response = client.patch(
        draft.url,
        data='{"title": "New"}',
        content_type="application/merge-patch+json",
        headers=auth("editor", **{"If-Match": if_match}),
    )

    assert response.status_code == 400
    assert "If-Match" in response.json["detail"]


def test_a_missing_body_is_400_before_the_precondition_is_checked(client, auth, draft):
    response = client.put(
        draft.url, content_type="application/json", headers=auth("editor", **{"If-Match": '"stale"'})
    )

    assert response.status_code == 400
    assert response.json["detail"] == "This operation needs a JSON body."


def test_an_experiment_on_an_article_id_beyond_any_id_is_422(client, auth):
    experiment = {"key": "big", "article_id": 2**63, "goal": "booking", "variants": []}
    response = client.post("/v1/manage/experiments", json=experiment, headers=auth("admin"))

    assert response.status_code == 422
    assert any(error["field"] == "article_id" for error in response.json["errors"])


def test_json_nested_deeper_than_the_cap_is_400_and_within_it_is_read(client, auth, draft):
    deep = {"fields": {"x": 1}}
    for _ in range(40):
        deep = {"fields": deep}
    headers = {**auth("editor"), "If-Match": "*"}
    response = client.patch(
        draft.url, json=deep, headers=headers, content_type="application/merge-patch+json"
    )

    assert response.status_code == 400
    assert response.json["detail"] == "The JSON body is nested deeper than 32 levels."


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(faqs=[{**d["faqs"][0], "key": f"q-{n}"} for n in range(201)]), "faqs"),
        (lambda d: d.update(tags=[f"tag-{n}" for n in range(101)]), "tags"),
        (lambda d: d.update(intro="x" * 50_001), "intro"),
        (lambda d: d["sections"][0].update(items=["point"] * 101), "sections[0].items"),
    ],
)
def test_children_lists_and_text_are_capped(client, auth, seed_document, change, field):
    change(seed_document)
    response = client.post(DRAFTS, json=seed_document, headers=auth("editor"))

    assert response.status_code == 422
    assert [error["field"] for error in response.json["errors"]] == [field]


def test_the_caps_are_in_the_spec(client):
    document = client.get("/openapi.json").json["components"]["schemas"]["ArticleDocument"]["properties"]

    assert document["faqs"]["maxItems"] == 200 and document["tags"]["maxItems"] == 100
    assert document["intro"]["maxLength"] == 50_000


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("post", DRAFTS, '{"title": "x\\ud800y"}', "title"),
        ("post", DRAFTS, '{"title": "ok", "faqs": [{"key": "q", "answer": "a\\u0000"}]}', "faqs[0].answer"),
        ("post", "/v1/manage/keys", '{"name": "\\udfff", "role": "viewer"}', "name"),
        ("post", "/v1/manage/sites", '{"key": "s", "variables": {"phone": "\\ud83d"}}', "variables.phone"),
        (
            "post",
            "/v1/manage/sites",
            '{"key": "s", "variables": {"ph\\ud83done": "1"}}',
            "variables.'ph\\ud83done'",
        ),
    ],
)
def test_unstorable_text_anywhere_in_a_body_is_422_naming_the_field(client, auth, method, path, body, field):
    """A lone surrogate (no encoding can store it) or NUL (PostgreSQL cannot) was a 500."""
    response = getattr(client, method)(path, data=body, content_type="application/json", headers=auth())

    assert response.status_code == 422, response.json
    assert field in [error["field"] for error in response.json["errors"]]


def test_a_merge_patch_with_unstorable_text_is_422_and_changes_nothing(client, auth, draft):
    before = client.get(draft.url, headers=auth("viewer")).json
    response = client.patch(
        draft.url,
        data='{"title": "x\\ud800y"}',
        content_type="application/merge-patch+json",
        headers={**auth("editor"), "If-Match": "*"},
    )

    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "title"
    assert client.get(draft.url, headers=auth("viewer")).json == before


@pytest.mark.parametrize("path", ["/v1/events", DRAFTS])
def test_an_integer_longer_than_python_reads_is_a_400_problem(client, auth, path):
    body = '{"events": [{"event_id": %s}], "title": 1}' % ("9" * 5000)
    response = client.post(path, data=body, content_type="application/json", headers=auth("editor"))

    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "digits" in response.json["detail"]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_numbers_json_has_no_place_for_are_400(client, auth, literal):
    response = client.post(
        "/v1/manage/experiments",
        data='{"key": "x", "coverage": LITERAL}'.replace("LITERAL", literal),
        content_type="application/json",
        headers=auth("publisher"),
    )

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("path", "body", "key"),
    [
        (DRAFTS, '{"title": "A", "slug": "a", "title": "B"}', "title"),
        ("/v1/events", '{"events": [{"event_id": "a", "event_id": "b"}]}', "event_id"),
    ],
)
def test_a_key_given_twice_in_one_object_is_422_naming_it(client, auth, path, body, key):
    response = client.post(path, data=body, content_type="application/json", headers=auth("editor"))

    assert response.status_code == 422
    assert response.json["errors"] == [
        {"location": "json", "field": key, "message": "Given more than once in one object."}
    ]


def test_reordering_with_more_keys_than_an_article_may_have_is_refused_at_once(client, auth, draft):
    """60,000 keys held a worker for 30 s (a count inside a loop); the list is capped now."""
    response = client.put(
        f"{draft.url}/order/faqs",
        json={"keys": [f"q-{n}" for n in range(60_000)]},
        headers={**auth("editor"), "If-Match": "*"},
    )

    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "keys"


def test_a_chunked_body_over_the_limit_is_413(app, client, auth):
    """A chunked request has no Content-Length; the server (granian) marks its stream terminated."""
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = b'{"events": [' + b'{"event_id": "abcdefgh"},' * (limit // 20) + b"null]}"
    response = client.post(
        "/v1/events",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )

    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
