"""Events from frontends: exposures and conversions, in batches, idempotent by event id."""

from functools import cache
from typing import Any

import jsonschema_rs
import marshmallow as ma
from flask import request
from flask.views import MethodView
from marshmallow import fields, validate

from service.api.blueprint import ServiceBlueprint
from service.api.fields import Instant
from service.api.limits import refuse_when_over
from service.config import EVENT_CLOCK_SKEW_SECONDS, MAX_EVENTS_PER_BATCH
from service.content.bots import is_bot
from service.content.events import count_bot_events, record_events
from service.content.json_input import unstorable_reason
from service.content.patterns import Pattern
from service.content.text_fields import refuse_unstorable
from service.extensions import api, db
from service.metrics import EVENTS
from service.models import EventKind
from service.models.base import utcnow
from service.models.lengths import EVENT_ID_LENGTH, KEY_LENGTH, VISITOR_LENGTH

blp = ServiceBlueprint(
    "Events",
    __name__,
    url_prefix="/v1/events",
    description="Exposures and conversions reported by clinic frontends, for experiment results.",
)


@blp.before_request
def count_against_the_limit() -> None:
    """Every POST counts, valid or not: the limit is on what a client makes the service do."""
    if request.method == "POST":
        refuse_when_over("events")


# Every string an event carries is stored: none may hold what no database here can store.
NAME = [validate.Length(min=1, max=KEY_LENGTH), Pattern(r"^[a-z0-9]+(?:-[a-z0-9]+)*$"), refuse_unstorable]


class EventSchema(ma.Schema):
    """One exposure or conversion. Each event of a batch is checked on its own."""

    event_id = fields.String(
        required=True,
        validate=[validate.Length(min=8, max=EVENT_ID_LENGTH), refuse_unstorable],
        metadata={"description": "Unique per event (a UUID): a re-sent event is counted once."},
    )
    type = fields.String(required=True, validate=[validate.OneOf(list(EventKind)), refuse_unstorable])
    experiment = fields.String(required=True, validate=NAME)
    variant = fields.String(required=True, validate=NAME)
    visitor = fields.String(
        required=True, validate=[validate.Length(min=1, max=VISITOR_LENGTH), refuse_unstorable]
    )
    site = fields.String(
        load_default=None,
        allow_none=True,
        validate=NAME,
        metadata={
            "description": "The site that showed the variant: required when the experiment runs "
            "on some sites only; a known site whenever given."
        },
    )
    name = fields.String(
        load_default=None,
        allow_none=True,
        validate=NAME,
        metadata={"description": "A conversion's event name."},
    )
    at = Instant(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "When it happened; default: now. Not before the experiment (re)started, "
            f"nor more than {EVENT_CLOCK_SKEW_SECONDS} s ahead of the server's clock."
        },
    )


class BatchSchema(ma.Schema):
    # NUL or a lone surrogate rejects the one event that holds it (EventSchema), not the batch.
    CHECKS_TEXT_PER_ITEM = True

    events = fields.List(
        # Anything at all, each checked against EventSchema on its own: one bad event sinks nothing.
        fields.Raw(
            allow_none=True,
            metadata={
                "description": "An Event (#/components/schemas/Event); anything else is "
                "rejected on its own, with its index."
            },
        ),
        required=True,
        validate=validate.Length(min=1, max=MAX_EVENTS_PER_BATCH),
        metadata={"description": f"Up to {MAX_EVENTS_PER_BATCH} Event objects."},
    )


class RejectedSchema(ma.Schema):
    index = fields.Integer()
    event_id = fields.String(allow_none=True)
    reason = fields.Raw(metadata={"description": "Why: a message, or field errors."})
    code = fields.String(
        metadata={
            "description": "The reason as a stable code: invalid (field errors), unknown_experiment, "
            "not_running, unknown_site, site_required, wrong_site, unknown_variant, wrong_goal, "
            "before_start, in_future, outside_coverage, wrong_variant.",
            "example": "not_running",
        }
    )


class BatchResultSchema(ma.Schema):
    accepted = fields.Integer(metadata={"description": "Valid events in the batch."})
    stored = fields.Integer(metadata={"description": "Of those, new ones."})
    duplicates = fields.Integer(metadata={"description": "Of those, already received."})
    rejected = fields.List(fields.Nested(RejectedSchema))
    bots = fields.Integer(
        metadata={"description": "Valid events dropped: the user agent is a bot's (counted per experiment)."}
    )


EVENT = EventSchema()
# What EVENT.load fills in for a field the event leaves out.
EVENT_DEFAULTS = {name: field.load_default for name, field in EVENT.fields.items() if not field.required}
INVALID = "invalid"  # the rejection code of an item that is not a valid Event


def count_outcome(outcome: dict[str, Any]) -> None:
    """The batch's events in the metrics: stored, duplicate, or rejected by code."""
    EVENTS.labels("stored", "").inc(outcome["stored"])
    EVENTS.labels("duplicate", "").inc(outcome["duplicates"])
    for problem in outcome["rejected"]:
        EVENTS.labels("rejected", problem["code"]).inc()


@cache
def _event_validator() -> jsonschema_rs.Validator:
    """The Event schema as the spec gives it to clients, compiled (OpenAPI 3.0's `nullable`
    as JSON Schema's null type): it passes a valid event in a few microseconds, where
    EventSchema takes about fifty, most of a batch's time."""
    schema = api.ma_plugin.converter.schema2jsonschema(EventSchema)
    for field in schema["properties"].values():
        if field.pop("nullable", False):
            field["type"] = [field["type"], "null"]
    return jsonschema_rs.validator_for(schema, validate_formats=True)


def _quickly_loaded(item: dict[str, Any]) -> dict[str, Any] | None:
    """The event as EVENT.load gives it, when the compiled schema passes it and what that
    schema cannot see holds (no unstorable text, a time Python reads); None otherwise, for
    EVENT to load or explain (tests/test_events.py holds the two to the same answers)."""
    if any(isinstance(value, str) and unstorable_reason(value) for value in item.values()):
        return None  # (first: a lone surrogate is not text the compiled schema can read)
    if not _event_validator().is_valid(item):
        return None
    event = EVENT_DEFAULTS | item
    if event["at"] is not None:
        try:
            event["at"] = EVENT.fields["at"].deserialize(event["at"])
        except ma.ValidationError:
            return None
    return event


def checked_events(items: list[Any]) -> tuple[dict[int, dict[str, Any]], list[dict[str, Any]]]:
    """The batch's valid events by index, and a problem for each other item. An event_id is
    echoed only when valid: an invalid one may not even be text a client can read back."""
    valid, rejected = {}, []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            rejected.append(
                {"index": index, "event_id": None, "reason": "An event is a JSON object.", "code": INVALID}
            )
            continue
        if (event := _quickly_loaded(item)) is not None:
            valid[index] = event
            continue
        try:
            valid[index] = EVENT.load(item)
        except ma.ValidationError as error:
            event_id = None if "event_id" in error.messages else item.get("event_id")
            rejected.append({"index": index, "event_id": event_id, "reason": error.messages, "code": INVALID})
    return valid, rejected


EVENT_EXAMPLE = {
    "event_id": "3f2b1c9e-5d4a-4e8b-9c7d-1a2b3c4d5e6f",
    "type": "exposure",
    "experiment": "cta-wording",
    "variant": "named-clinic",
    "visitor": "v-8f14e45f",
    "site": "clinic-austin",
    "at": "2026-11-26T09:31:00+00:00",
}


@blp.route("")
class Events(MethodView):
    @blp.arguments(BatchSchema, example={"events": [EVENT_EXAMPLE]})
    @blp.response(
        200,
        BatchResultSchema,
        example={"accepted": 1, "stored": 1, "duplicates": 0, "rejected": [], "bots": 0},
    )
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    @blp.doc(operationId="postEvents")
    def post(self, batch):
        """Report events

        A batch of exposures and conversions. Each event is checked on its own: the good ones
        are stored, each bad one is listed with its index and reason (not an object, bad
        fields, an unknown or not-running experiment, an unknown variant, a site that is
        unknown or not the experiment's, a time before the experiment started or too far
        ahead). Re-sent events are counted once. Requests are rate-limited per client address
        (429 with Retry-After). A user agent that a maintained bot list knows has its events
        dropped, and counted in `bots` and in the experiment's `bot_events`.
        """
        valid, rejected = checked_events(batch["events"])
        if is_bot(request.user_agent.string):
            dropped = count_bot_events(db.session, valid)
            return {"accepted": 0, "stored": 0, "duplicates": 0, "rejected": rejected, "bots": dropped}
        outcome = record_events(db.session, valid, utcnow()) | {"bots": 0}
        outcome["rejected"] = sorted(rejected + outcome["rejected"], key=lambda problem: problem["index"])
        count_outcome(outcome)
        return outcome
