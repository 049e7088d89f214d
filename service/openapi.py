"""flask-smorest's Api, adapted so that what it serves and what it documents agree.

The flask-smorest and marshmallow internals overridden here (`Api._init_spec`,
`Api._register_responses`, `Api._register_pagination_header`, `Schema._declared_fields`) are
each checked by name in tests/test_library_internals.py."""

import copy
import http

import marshmallow as ma
from apispec import BasePlugin
from flask import Response
from flask_smorest import Api
from flask_smorest.pagination import PaginationMetadataSchema
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException

from service.errors import PROBLEM_CONTENT_TYPE, ProblemSchema, problem_example, problem_from_http_exception


def sent_in_full(schema: type[ma.Schema]) -> type[ma.Schema]:
    """Mark every field of a response schema required: delivery always sends each one (null
    where empty), and clients generated from the spec should know they can rely on it.
    (marshmallow has no public way to change what a schema class declares.)"""
    for name, field in schema._declared_fields.items():
        field = copy.copy(field)
        field.required = True
        field.load_default = ma.missing
        schema._declared_fields[name] = field
    return schema


class PublicUnlessSecured(BasePlugin):
    """An operation that declares no security is public: the spec says so (`security: []`),
    so that generated clients and linters need not guess."""

    def operation_helper(self, path: str | None = None, operations: dict | None = None, **_: object) -> None:
        for operation in (operations or {}).values():
            operation.setdefault("security", [])


class DatabaseMayBeUnavailable(BasePlugin):
    """Every operation reads the database (delivery too, to know its cache is current), so any
    may answer 503 with Retry-After while the database is unavailable (service.errors)."""

    def operation_helper(self, path: str | None = None, operations: dict | None = None, **_: object) -> None:
        for operation in (operations or {}).values():
            operation.setdefault("responses", {}).setdefault(503, "SERVICE_UNAVAILABLE")


def untyped_needs_no_nullable(_converter: object, _field: object, ret: dict, **_: object) -> dict:
    """An untyped value (an event batch's items: anything, judged one by one) takes null
    already; OpenAPI 3.0.3 gives `nullable` a meaning only beside a `type`."""
    if "type" not in ret and not {"$ref", "allOf", "oneOf", "anyOf"} & set(ret):
        ret.pop("nullable", None)
    return {}


EXTRA_PARAMETERS = "x-extra-parameters"


class ExtraParameters(BasePlugin):
    """Parameters a decorator adds beside those flask-smorest documents from @blp.arguments:
    `@blp.doc(parameters=...)` would replace those (If-Match hid addChild's `position`)."""

    def operation_helper(self, path: str | None = None, operations: dict | None = None, **_: object) -> None:
        for operation in (operations or {}).values():
            operation.setdefault("parameters", []).extend(operation.pop(EXTRA_PARAMETERS, []))
            if not operation["parameters"]:
                del operation["parameters"]


class ServiceApi(Api):
    """Errors are answered and documented as problem documents; the pagination header is
    documented as the JSON text it is."""

    ERROR_SCHEMA = ProblemSchema

    def _init_spec(self, **kwargs: object) -> None:
        super()._init_spec(
            extra_plugins=[PublicUnlessSecured(), DatabaseMayBeUnavailable(), ExtraParameters()], **kwargs
        )
        self.ma_plugin.converter.add_attribute_function(untyped_needs_no_nullable)

    def handle_http_exception(self, error: HTTPException) -> Response:
        return problem_from_http_exception(error)

    def _register_responses(self) -> None:
        """A documented problem response per HTTP error status, with an example."""
        for status in http.HTTPStatus:
            if status >= 400:
                self._register_problem(status.name, status.phrase, status)
        self._register_problem(
            self.DEFAULT_ERROR_RESPONSE_NAME,
            "Any other error, as a problem document.",
            http.HTTPStatus.INTERNAL_SERVER_ERROR,
        )

    def _register_problem(self, name: str, description: str, status: http.HTTPStatus) -> None:
        response = {
            "description": description,
            "schema": self.ERROR_SCHEMA,
            "example": problem_example(status),
        }
        if status in (http.HTTPStatus.TOO_MANY_REQUESTS, http.HTTPStatus.SERVICE_UNAVAILABLE):
            response["headers"] = {
                "Retry-After": {
                    "description": "Seconds to wait before trying again.",
                    "schema": {"type": "integer"},
                }
            }
        prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
        self.spec.components.response(name, response, lazy=True)

    def _register_pagination_header(self) -> None:
        # flask-smorest documents X-Pagination with an object schema, but the header carries
        # JSON text: OpenAPI says so with `content`, which clients and validators understand.
        self.spec.components.schema("PaginationMetadata", schema=PaginationMetadataSchema)
        self.spec.components.header(
            "PAGINATION",
            {
                "description": "Pagination metadata, as JSON: total, total_pages, page, next_page...",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/PaginationMetadata"}}
                },
            },
            lazy=True,
        )
