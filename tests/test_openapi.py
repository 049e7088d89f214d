"""The OpenAPI spec is a contract: valid, complete, with examples and documented errors."""

import re

from openapi_spec_validator import validate

from service.content.document import load_document
from tests.walk import members

# Pages for people, not API operations: the docs browser, the results page and the review desk.
UNDOCUMENTED = {
    "/openapi.json",
    "/docs",
    "/docs/assets/<path:filename>",
    "/",
    "/results/",
    "/results/<path:filename>",
    "/desk",
    "/desk/<path:filename>",
}


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield path, method, operation


def test_the_spec_is_valid_openapi(spec):
    assert spec["openapi"] == "3.0.3"
    validate(spec)


def test_every_reference_resolves(spec):
    for reference in set(members(spec, lambda name, _: name == "$ref")):
        target = spec
        for part in reference.removeprefix("#/").split("/"):
            target = target.get(part)
            assert target is not None, f"{reference} points at nothing"


def test_every_api_route_is_documented(app, spec):
    routes = {rule.rule for rule in app.url_map.iter_rules()} - UNDOCUMENTED - {"/static/<path:filename>"}
    as_openapi = {re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", route) for route in routes}
    assert as_openapi == set(spec["paths"])


def test_every_operation_has_a_summary_an_example_and_problem_errors(spec):
    responses = spec["components"]["responses"]
    operation_ids = [operation["operationId"] for _, _, operation in operations(spec)]
    assert len(set(operation_ids)) == len(operation_ids)
    for path, method, operation in operations(spec):
        assert operation["summary"], (path, method)
        success = next(response for status, response in operation["responses"].items() if status[0] == "2")
        for media in success.get("content", {}).values():
            assert media["example"], (path, method)
        for status, response in operation["responses"].items():
            if status[0] in "45" or status == "default":
                resolved = responses[response["$ref"].rsplit("/", 1)[1]] if "$ref" in response else response
                assert list(resolved["content"]) == ["application/problem+json"], (path, status)
                example = resolved["content"]["application/problem+json"]["example"]
                assert example["status"] == (500 if status == "default" else int(status))
                assert example["detail"], (path, status)


def test_the_delivery_parameters_and_cache_behaviour_are_documented(spec):
    listing = spec["paths"]["/v1/articles"]["get"]
    names = {p["name"] for p in listing["parameters"] + spec["paths"]["/v1/articles"]["parameters"]}
    assert {"locale", "tag", "page", "page_size", "If-None-Match"} <= names
    article = spec["paths"]["/v1/articles/{slug}"]
    assert {"304", "404", "422"} <= set(article["get"]["responses"])
    assert {"ETag", "Cache-Control"} <= set(article["get"]["responses"]["200"]["headers"])


def test_the_article_example_is_the_seed_as_delivered(spec, seed_document):
    example = spec["paths"]["/v1/articles/{slug}"]["get"]["responses"]["200"]["content"]["application/json"]
    assert example["example"]["title"] == seed_document["title"]
    assert len(example["example"]["faqs"]) == len(seed_document["faqs"])
    assert "intro_html" in spec["components"]["schemas"]["DeliveredArticle"]["properties"]


def empty(value) -> bool:
    return value is None or value == [] or value == {}


def test_the_article_examples_give_every_field_a_value(spec):
    """Frontends generate clients from the spec: a field or kind of child shown empty (the seed
    has no steps, images or people) shows them nothing to go by."""
    schemas = spec["components"]["schemas"]
    document = schemas["ArticleDocument"]["example"]
    delivered = spec["paths"]["/v1/articles/{slug}"]["get"]["responses"]["200"]["content"]["application/json"]

    assert [name for name in schemas["ArticleDocument"]["properties"] if empty(document.get(name))] == []
    assert [
        name for name in schemas["DeliveredArticle"]["properties"] if empty(delivered["example"].get(name))
    ] == []
    for person in delivered["example"]["people"]:
        assert [name for name in schemas["DeliveredPerson"]["properties"] if empty(person.get(name))] == []
    load_document(document)  # (and the example is a document the service takes)


def test_operations_with_a_json_body_document_why_it_can_be_refused(spec):
    for path, method, operation in operations(spec):
        if "requestBody" in operation and path.startswith("/v1/manage"):
            assert {"400", "413", "415", "422"} <= set(operation["responses"]), (path, method)


def arrays_without_max_items(spec, schema, path, seen=frozenset()):
    """Where, in a request body's schema (references followed), an array has no maxItems."""
    if "$ref" in schema:
        if schema["$ref"] in seen:
            return
        seen = seen | {schema["$ref"]}
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if schema.get("type") == "array" and "maxItems" not in schema:
        yield path
    for name, inner in schema.get("properties", {}).items():
        yield from arrays_without_max_items(spec, inner, f"{path}.{name}", seen)
    if isinstance(schema.get("additionalProperties"), dict):
        yield from arrays_without_max_items(spec, schema["additionalProperties"], f"{path}.*", seen)
    if "items" in schema:
        yield from arrays_without_max_items(spec, schema["items"], f"{path}[]", seen)
    for inner in schema.get("allOf", []) + schema.get("oneOf", []) + schema.get("anyOf", []):
        yield from arrays_without_max_items(spec, inner, path, seen)


def test_every_list_in_every_request_body_has_a_documented_maximum(spec):
    unbounded = [
        where
        for path, method, operation in operations(spec)
        for media in operation.get("requestBody", {}).get("content", {}).values()
        for where in arrays_without_max_items(spec, media["schema"], f"{method.upper()} {path}")
    ]
    assert unbounded == []


def test_every_operation_documents_503_with_retry_after(spec):
    """Every operation reads the database, so any may answer 503 while it is unavailable."""
    for path, method, operation in operations(spec):
        assert operation["responses"]["503"] == {"$ref": "#/components/responses/SERVICE_UNAVAILABLE"}, (
            path,
            method,
        )
    assert "Retry-After" in spec["components"]["responses"]["SERVICE_UNAVAILABLE"]["headers"]


def test_a_change_documents_if_match_beside_its_own_parameters(spec):
    """addChild takes ?position= as well as If-Match (If-Match once hid it from the spec)."""
    add_child = spec["paths"]["/v1/manage/articles/{article_id}/{kind}"]["post"]
    assert {"position", "If-Match"} <= {parameter["name"] for parameter in add_child["parameters"]}
