"""Property-based fuzzing of the whole API from its own OpenAPI document (schemathesis):
every operation with valid and invalid data, NUL bytes and odd Unicode included, with an
admin key and with none; then the stateful phase, chaining operations by the links
schemathesis finds. Every check must pass: no 5xx, documented status codes, content types,
headers and bodies matching the spec, invalid data refused, auth not ignored.

FUZZ_EXAMPLES sets the examples per operation (CI's default keeps the suite short; see
README for the longer run)."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance
from schemathesis.core.parameters import ParameterLocation
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from service import create_app
from service.content.document import CHILD_MODELS
from service.content.keys import create_key
from service.extensions import db
from tests.conftest import empty_tables

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
pytestmark = pytest.mark.fuzz


def loaded_schema():
    """The spec, read from an app of its own (it does not depend on the database); every
    request goes to the suite's app, on the test database (`app=` below)."""
    loaded = schemathesis.openapi.from_wsgi(
        "/openapi.json", create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    )
    loaded.config.generation.update(
        modes=["positive", "negative"], max_examples=EXAMPLES, allow_x00=True, codec="utf-8"
    )
    checks = loaded.config.checks
    # A write without If-Match is 428 Precondition Required (RFC 6585), which schemathesis
    # does not list among the answers to a missing required header.
    checks.missing_required_header.expected_statuses = [
        *checks.missing_required_header.expected_statuses,
        "428",
    ]
    # Invalid data may be refused as too large (413) before it is read: a 50,000-character
    # text in each of many fields is over the 1 MiB body limit.
    checks.negative_data_rejection.expected_statuses = [
        *checks.negative_data_rejection.expected_statuses,
        "413",
    ]
    # A well-formed If-Match that is not the article's current ETag is 412: valid data, stale.
    checks.positive_data_acceptance.expected_statuses = [
        *checks.positive_data_acceptance.expected_statuses,
        "412",
    ]
    return loaded


schema = loaded_schema()

ANY_FIELD = frozenset({"*"})
CHILDREN = frozenset(CHILD_MODELS)  # every kind of child: sections, conditions... steps
# what an article names must exist (people, assets), and an image needs its alt text or to be
# decorative, and consent when it shows people
NAMED = frozenset({"authors", "medical_reviewer", "hero_image", "social_image"})

# Rules OpenAPI 3.0 cannot state, which valid-looking data may break: the only fields these
# operations may refuse (422) data for when it matches the spec.
RULES_BEYOND_THE_SPEC = {
    # children's keys differ; each block (faqs, benefits...) is included by one section at most
    "POST /v1/manage/articles": CHILDREN | NAMED,
    "PUT /v1/manage/articles/{article_id}": CHILDREN | NAMED,
    "POST /v1/manage/import": {"documents"},  # each document as above; one per slug and locale
    # a merge patch changes something, and the document it makes is checked whole: any field
    "PATCH /v1/manage/articles/{article_id}": ANY_FIELD,
    # a child is checked as its kind's object, within the whole document
    "POST /v1/manage/articles/{article_id}/{kind}": CHILDREN,
    "PUT /v1/manage/articles/{article_id}/{kind}/{key}": CHILDREN,
    "PATCH /v1/manage/articles/{article_id}/{kind}/{key}": CHILDREN,
    "PUT /v1/manage/articles/{article_id}/order/{kind}": {"keys"},  # each current key, once
    "POST /v1/manage/articles/{article_id}/schedules": {"at"},  # in the future
    "POST /v1/manage/keys": {"expires_at"},  # in the future
    # a photo as an article's image (above); a person keeps their key
    "POST /v1/manage/people": {"photo"},
    "PUT /v1/manage/people/{key}": {"photo", "key"},
    # a comment points at a field or child the reviewed version has
    "POST /v1/manage/reviews/{review_id}/request-changes": {"comments"},
    # a release's items name reviews and experiments that exist; exactly one kind each
    "POST /v1/manage/releases": {"items", "at"},
    "POST /v1/manage/webhooks": {"url"},  # its host resolves, to public addresses only
    # variable names are lowercase identifiers; page_url holds {slug} (see api.sites)
    "POST /v1/manage/sites": {"variables", "page_url"},
    "PUT /v1/manage/sites/{key}": {"key", "variables", "page_url"},  # a site keeps its key
    # an overlay names the article's own children, and the document it makes ("result") is
    # checked whole
    "PUT /v1/manage/sites/{key}/overlays/{article_id}": {"fields", "children", "hide", "order", "result"},
    # weights add up to 1, variant keys differ, the article exists
    "POST /v1/manage/experiments": {"variants", "article_id"},
    "PUT /v1/manage/experiments/{key}": {"variants", "key", "article_id"},
    # the baseline with its uplift stays below 100%, the weights within 10^4 of control's, and
    # the effect findable with fewer than 10^12 visitors
    "POST /v1/manage/experiments/plan": {"minimum_detectable_effect", "weights"},
}

# An upload is an image only if its bytes decode as one (content.images), which no schema can
# say: valid-looking bytes may be refused as no image taken (415), as not decoding (422) or as
# too many pixels (413).
CONTENT_CHECKED = {"POST /v1/manage/assets": {413, 415, 422}}


# The in-process WSGI client does not decode a compressed body, and schemathesis' checks would
# read br or gzip as malformed JSON: answers are asked for as they are (compression has its own
# tests, test_compression.py, and the browser tests read it decoded).
UNCOMPRESSED = {"Accept-Encoding": "identity"}


def call(case, app):
    """The case sent to the app, its failed-authentication count at zero: the checks spoil
    the key on purpose, often enough to reach that rate limit (tested in test_rate_limits)."""
    app.extensions["rate_limits"].reset()
    return case.call(app=app, headers=UNCOMPRESSED)


def multipart_sent_as_declared(case, response) -> bool:
    """Whether an invalid multipart body reached the server valid: each part sent is declared,
    each required one is there, and each binary one came as a file. Schemathesis (4.32.5)
    cannot tell by itself when a body holds a file (its validator raises on bytes), so an
    undeclared member that sends no part at all (an empty list) is reported as accepted."""
    if case.media_type != "multipart/form-data" or not case.meta.generation.mode.is_negative:
        return False
    if any(
        case.meta.is_negative_at(place)
        for place in (
            ParameterLocation.PATH,
            ParameterLocation.QUERY,
            ParameterLocation.HEADER,
            ParameterLocation.COOKIE,
        )
    ):
        return False
    body = case.operation.get_body_for_media_type(case.media_type).definition["schema"]
    sent = Request(
        EnvironBuilder(
            method="POST",
            data=response.request.body,
            content_type=response.request.headers["Content-Type"],
        ).get_environ()
    )
    binary = {name for name, part in body["properties"].items() if part.get("format") == "binary"}
    names = set(sent.files) | set(sent.form)
    return (
        names <= set(body["properties"])
        and set(body.get("required", ())) <= names
        and binary & names <= set(sent.files)
    )


def validate(case, response, **transport):
    """Every check, but where a rule beyond the spec explains a 422 for valid-looking data, or
    an invalid multipart body was sent as a valid one."""
    rules = RULES_BEYOND_THE_SPEC.get(case.operation.label)
    refusals = response.json().get("errors", []) if response.status_code == 422 else []
    # OpenAPI 3.0 cannot forbid NUL in the member names or values of a free-form object (an
    # overlay's fields, a site's variables): a body is refused for it before anything else.
    refusals = [error for error in refusals if not error["message"].startswith("Must not contain NUL")]
    nul_only = response.status_code == 422 and not refusals
    content_refused = response.status_code in CONTENT_CHECKED.get(case.operation.label, ())
    excluded = [positive_data_acceptance] if rules or nul_only or content_refused else []
    if multipart_sent_as_declared(case, response):
        excluded.append(negative_data_rejection)
    case.validate_response(response, excluded_checks=excluded or None, transport_kwargs=transport)
    if rules and refusals and case.meta.generation.mode.is_positive:
        refused = {error["field"].split(".")[0].split("[")[0] for error in refusals}
        assert rules is ANY_FIELD or refused <= rules, (
            f"{case.operation.label} refused {refused} for valid data"
        )


CURRENT_ADMIN: dict[str, str] = {}  # the running test's admin key (tables are emptied after each)


class AdminKey:
    """The admin key as schemathesis' auth provider: it leaves it out, or spoils it, where a
    check tests what the API does without it."""

    def get(self, case, context):
        return CURRENT_ADMIN.get("Authorization")  # (None while collecting: no test is running)

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": data}


@pytest.fixture
def admin_headers(auth):
    CURRENT_ADMIN.update(auth("admin"))
    yield dict(CURRENT_ADMIN)
    CURRENT_ADMIN.clear()


FUZZ_SETTINGS = settings(deadline=None, suppress_health_check=list(HealthCheck))


@schema.auth.apply(AdminKey, refresh_interval=None)
@schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_keeps_its_contract_with_an_admin_key(case, app, published, admin_headers):
    validate(case, call(case, app), app=app)


@schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_keeps_its_contract_without_a_key(case, app, published):
    validate(case, call(case, app), app=app)


# The stateful phase runs on a schema of its own, whose every request carries the admin key
# through the auth provider (so that the ignored-auth check can spoil it).
workflow_schema = loaded_schema()
workflow_schema.auth(refresh_interval=None)(AdminKey)


def start_afresh(app) -> None:
    """The database as each scenario starts: the seed article published and an admin key.
    Hypothesis replays scenarios: one that found the last one's rows would play differently."""
    with app.app_context():
        empty_tables()
        CURRENT_ADMIN["Authorization"] = f"Bearer {create_key(db.session, 'fuzz', 'admin').secret}"
        db.session.commit()
    app.extensions["delivery_cache"].clear()
    assert app.test_cli_runner().invoke(args=["seed"]).exit_code == 0


def test_sequences_of_operations_keep_their_contracts(app, admin_headers):
    """The stateful phase: operations chained through the links schemathesis infers (an
    article created, then read, changed, published...), with an admin key."""

    class Workflow(workflow_schema.as_state_machine()):
        def setup(self):
            start_afresh(app)

        def get_call_kwargs(self, case):
            app.extensions["rate_limits"].reset()  # (as in call above)
            return {"app": app, "headers": UNCOMPRESSED}

        def validate_response(self, response, case, additional_checks=None, **transport):
            validate(case, response, **transport)

    Workflow.run(
        settings=settings(
            FUZZ_SETTINGS,
            max_examples=EXAMPLES,
            stateful_step_count=8,
            suppress_health_check=list(HealthCheck),
        )
    )
