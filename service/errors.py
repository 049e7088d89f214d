"""Every error leaves the service as an RFC 9457 problem document."""

import http
import json
import logging
from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import Flask, Response
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError, default_exceptions

from service.content.assets import AssetInUse, AssetNotFound
from service.content.editing import ArticleConflict, ChildNotFound, VersionConflict
from service.content.errors import InvalidDocument, field_errors
from service.content.experiments import ExperimentConflict
from service.content.guardrails.gate import ClaimsBlocked
from service.content.images import ImageTooLarge, UnreadableImage, UnsupportedImage
from service.content.keys import KeyConflict
from service.content.loading import DuplicateArticles
from service.content.people import PersonNotFound
from service.content.people_editing import PersonConflict
from service.content.placeholders import MissingVariables
from service.content.planning import PlanTooLong
from service.content.releases import ReleaseBlocked, ReleaseConflict
from service.content.reviews import ReviewRefused
from service.content.scheduling import ScheduleConflict
from service.content.site_overlays import OverlayNotFound
from service.content.sites import SiteConflict
from service.content.variant_versions import VariantsVersionNotFound
from service.metrics import DEPENDENCY_FAILURES

PROBLEM_CONTENT_TYPE = "application/problem+json"
VALIDATION_DETAIL = "Some fields are invalid; each is listed in errors."
INTERNAL_ERROR_DETAIL = "The server could not complete the request; it has been logged."
DATABASE_UNAVAILABLE_DETAIL = "The database is unavailable for now: try again after Retry-After seconds."

logger = logging.getLogger(__name__)


class FieldErrorSchema(ma.Schema):
    location = ma.fields.String(
        metadata={"description": "Where the bad value was: json, query, path or headers."}
    )
    field = ma.fields.String(metadata={"description": "Path of the bad field, e.g. sections[2].key."})
    message = ma.fields.String()


class FindingSourceSchema(ma.Schema):
    """Which rendering a finding comes from; all null: the article as written."""

    site = ma.fields.String(allow_none=True, metadata={"example": "clinic-austin"})
    overlay_version = ma.fields.Integer(
        allow_none=True, metadata={"description": "The site overlay's version rendered, if it has one."}
    )
    experiment = ma.fields.String(allow_none=True, metadata={"example": "cta-heading"})
    variant = ma.fields.String(allow_none=True, metadata={"example": "heading"})
    pending = ma.fields.Boolean(
        metadata={
            "description": "From a site overlay version saved but not yet published: it gates that "
            "overlay's submission and publishing, not the article's."
        }
    )


class FindingSchema(ma.Schema):
    """One health-claim guardrail finding (content.guardrails): the rule, where, and what to do."""

    id = ma.fields.String(metadata={"description": "Stable while the text is; what an override names."})
    rule = ma.fields.String(metadata={"example": "avoid-surgery"})
    category = ma.fields.String(metadata={"example": "comparative"})
    severity = ma.fields.String(metadata={"enum": ["block", "warn", "info"]})
    path = ma.fields.String(metadata={"example": "conditions[degenerative-disc-disease].points[1]"})
    where = ma.fields.String(
        metadata={
            "description": "article, or the rendering that adds it: site <key>, variant <exp>/<variant>, "
            "or a variant on a site (site <key>, variant <exp>/<variant>); `source` has the parts."
        }
    )
    source = ma.fields.Nested(FindingSourceSchema)
    text = ma.fields.String(metadata={"description": "The matched text (a grade for readability)."})
    start = ma.fields.Integer(
        allow_none=True, metadata={"description": "Offset of the match in the field's text."}
    )
    end = ma.fields.Integer(allow_none=True)
    hedged = ma.fields.Boolean(metadata={"description": 'Made with a hedge ("may", "could").'})
    grade = ma.fields.Float(
        allow_none=True, metadata={"description": "Flesch-Kincaid grade (readability only)."}
    )
    catches = ma.fields.String()
    why = ma.fields.String(metadata={"description": "The guidance the rule comes from."})
    suggestion = ma.fields.String()


class BlockedItemSchema(ma.Schema):
    index = ma.fields.Integer(metadata={"description": "The item's place in the release's items."})
    item = ma.fields.Dict(metadata={"example": {"review": 4}})
    findings = ma.fields.List(ma.fields.Nested(FindingSchema))


class ProblemSchema(ma.Schema):
    """An RFC 9457 problem document."""

    class Meta:
        unknown = ma.INCLUDE  # RFC 9457 lets problems carry extension members

    type = ma.fields.String(metadata={"example": "about:blank"})
    title = ma.fields.String(metadata={"example": "Not Found"})
    status = ma.fields.Integer(metadata={"example": 404})
    detail = ma.fields.String(metadata={"example": "No published article has this slug."})
    errors = ma.fields.List(
        ma.fields.Nested(FieldErrorSchema),
        metadata={"description": "Validation errors, one per bad field (422 only)."},
    )
    findings = ma.fields.List(
        ma.fields.Nested(FindingSchema),
        metadata={"description": "The blocking findings that stand (409 from the guardrails' gate only)."},
    )
    items = ma.fields.List(
        ma.fields.Nested(BlockedItemSchema),
        metadata={
            "description": "Each release item the guardrails refuse, with its findings (409, a release)."
        },
    )


def problem_response(
    status: int,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    headers: Any = None,
    members: dict[str, Any] | None = None,
) -> Response:
    """The problem document; `members` are RFC 9457 extension members (a probe's checks, a plan)."""
    problem: dict[str, Any] = {
        "type": "about:blank",
        "title": http.HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **(members or {}),
    }
    if errors:
        problem["errors"] = errors
    return Response(json.dumps(problem), status, headers, mimetype=PROBLEM_CONTENT_TYPE)


def problem_example(status: http.HTTPStatus) -> dict[str, Any]:
    """What the service sends for this status when nothing more specific is known."""
    example: dict[str, Any] = {"type": "about:blank", "title": status.phrase, "status": status.value}
    if status == http.HTTPStatus.INTERNAL_SERVER_ERROR:
        example["detail"] = INTERNAL_ERROR_DETAIL
    elif status == http.HTTPStatus.SERVICE_UNAVAILABLE:
        example["detail"] = DATABASE_UNAVAILABLE_DETAIL
    elif status == http.HTTPStatus.UNPROCESSABLE_ENTITY:
        example["detail"] = VALIDATION_DETAIL
        example["errors"] = [
            {"location": "query", "field": "page_size", "message": "Must be greater than or equal to 1."}
        ]
    elif status in default_exceptions:
        example["detail"] = default_exceptions[status].description
    else:
        example["detail"] = status.description
    return example


def problem_from_http_exception(error: HTTPException) -> Response:
    """The problem document for any HTTP error, validation errors listed by field."""
    data = getattr(error, "data", None) or {}
    errors = [
        {"location": location, **error_}
        for location, messages in (data.get("errors") or data.get("messages") or {}).items()
        for error_ in field_errors(messages)
    ]
    if isinstance(error, InternalServerError):
        # The cause is logged by Flask; the client learns nothing of the internals.
        detail = INTERNAL_ERROR_DETAIL
    elif errors:
        detail = VALIDATION_DETAIL
    else:
        detail = data.get("message") or error.description or error.name
    headers = {
        name: value
        for name, value in error.get_headers()
        if name.lower() not in ("content-type", "content-length")
    }
    headers.update(data.get("headers") or {})
    return problem_response(error.code or 500, detail, errors, headers, data.get("members"))


def _problem_for(status: int) -> Callable[[Exception], Response]:
    """Domain exceptions say what went wrong in a lower-case phrase: that is the detail."""

    def handle(error: Exception) -> Response:
        message = str(error)
        return problem_response(status, f"{message[:1].upper()}{message[1:]}.")

    return handle


def _plan_too_long(error: PlanTooLong) -> Response:
    """The plan comes with the refusal: what to change is in it."""
    message = str(error)
    return problem_response(409, f"{message[:1].upper()}{message[1:]}.", members={"plan": error.plan})


def _claims_blocked(error: ClaimsBlocked) -> Response:
    """409 with the blocking findings as an extension member, for the desk to show inline."""
    response = _problem_for(409)(error)
    problem = json.loads(response.get_data())
    problem["findings"] = [finding.as_dict() for finding in error.findings]
    response.set_data(json.dumps(problem))
    return response


def _release_blocked(error: ReleaseBlocked) -> Response:
    """409 with each refused item and its blocking findings: nothing was published."""
    items = [
        {**item, "findings": [finding.as_dict() for finding in item["findings"]]} for item in error.items
    ]
    message = str(error)
    return problem_response(409, f"{message[:1].upper()}{message[1:]}.", members={"items": items})


def _invalid_document(error: InvalidDocument) -> Response:
    errors = [{"location": "json", **e} for e in error.errors]
    return problem_response(422, VALIDATION_DETAIL, errors)


def _too_deep(_error: RecursionError) -> Response:
    return problem_response(400, "The JSON body is nested too deeply to read.")


def _lost_race(_error: IntegrityError) -> Response:
    # Checks run before writes, so this is a concurrent request that got there first.
    return problem_response(
        409, "A concurrent change got there first (the same slug and locale, say): try again."
    )


def _database_unavailable(retry_after: int) -> Callable[[SQLAlchemyError], Response]:
    """The database cannot answer now (unreachable, disconnected, locked, read-only, or every
    pooled connection busy): the same request may succeed later, so 503 rather than 500."""

    def handle(error: SQLAlchemyError) -> Response:
        DEPENDENCY_FAILURES.labels("database").inc()
        # The driver's message, not the statement and its parameters (they may hold secrets).
        logger.warning("Database unavailable, answered 503: %s", getattr(error, "orig", None) or error)
        return problem_response(503, DATABASE_UNAVAILABLE_DETAIL, headers={"Retry-After": str(retry_after)})

    return handle


def register_domain_errors(app: Flask) -> None:
    """The one place where the domain's (and the database's) exceptions become problems."""
    app.register_error_handler(RecursionError, _too_deep)
    app.register_error_handler(IntegrityError, _lost_race)
    unavailable = _database_unavailable(app.config["DATABASE_RETRY_AFTER_SECONDS"])
    app.register_error_handler(OperationalError, unavailable)
    app.register_error_handler(PoolTimeout, unavailable)
    app.register_error_handler(InvalidDocument, _invalid_document)
    app.register_error_handler(VersionConflict, _problem_for(412))
    app.register_error_handler(ArticleConflict, _problem_for(409))
    app.register_error_handler(ClaimsBlocked, _claims_blocked)
    app.register_error_handler(DuplicateArticles, _problem_for(409))
    app.register_error_handler(ChildNotFound, _problem_for(404))
    app.register_error_handler(OverlayNotFound, _problem_for(404))
    app.register_error_handler(AssetNotFound, _problem_for(404))
    app.register_error_handler(AssetInUse, _problem_for(409))
    app.register_error_handler(PersonNotFound, _problem_for(404))
    app.register_error_handler(PersonConflict, _problem_for(409))
    app.register_error_handler(UnsupportedImage, _problem_for(415))
    app.register_error_handler(ImageTooLarge, _problem_for(413))
    app.register_error_handler(UnreadableImage, _problem_for(422))
    app.register_error_handler(VariantsVersionNotFound, _problem_for(404))
    app.register_error_handler(ScheduleConflict, _problem_for(409))
    app.register_error_handler(MissingVariables, _problem_for(409))
    app.register_error_handler(SiteConflict, _problem_for(409))
    app.register_error_handler(ExperimentConflict, _problem_for(409))
    app.register_error_handler(PlanTooLong, _plan_too_long)
    app.register_error_handler(KeyConflict, _problem_for(409))
    app.register_error_handler(ReviewRefused, _problem_for(403))
    app.register_error_handler(ReleaseConflict, _problem_for(409))
    app.register_error_handler(ReleaseBlocked, _release_blocked)
