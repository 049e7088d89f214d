"""Schemas of the experiments API: configuration and status, and their examples."""

import marshmallow as ma
from marshmallow import fields, validate

from service.api.converters import MAX_ID, RESERVED_KEYS
from service.api.reviews_schemas import VersionSchema
from service.config import MAX_LIST_ITEMS, SEQUENTIAL_TUNING
from service.content.document import SLUG_PATTERN, Locale
from service.content.overlay import OverlaySchema
from service.content.planning import MIN_BASELINE_RATE
from service.content.text_fields import text_field
from service.models.lengths import KEY_LENGTH, NAME_LENGTH
from service.openapi import sent_in_full

SLUG = [validate.Length(max=KEY_LENGTH), SLUG_PATTERN]


class VariantSchema(ma.Schema):
    key = fields.String(required=True, validate=SLUG, metadata={"example": "control"})
    name = text_field(max_length=NAME_LENGTH, example="Control")
    weight = fields.Float(
        required=True,
        validate=validate.Range(min=0, max=1, min_inclusive=False),
        metadata={"example": 0.5, "exclusiveMinimum": True},  # (apispec leaves it out)
    )
    overlay = fields.Nested(OverlaySchema, load_default=dict)


class ExperimentInputSchema(ma.Schema):
    key = fields.String(
        required=True,
        validate=[*SLUG, validate.NoneOf(RESERVED_KEYS, error="Reserved for the API: choose another key.")],
        # (The spec says so too: /experiments/plan is the planner's.)
        metadata={"example": "cta-wording", "not": {"enum": list(RESERVED_KEYS)}},
    )
    article_id = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))
    hypothesis = text_field(required=False)
    goal = fields.String(
        required=True, validate=SLUG, metadata={"description": "The conversion event's name."}
    )
    coverage = fields.Float(load_default=1.0, validate=validate.Range(min=0, max=1))
    sites = fields.List(
        fields.String(validate=SLUG),
        load_default=list,
        validate=validate.Length(max=MAX_LIST_ITEMS),
        metadata={"description": "Empty: all."},
    )
    locales = fields.List(
        Locale(),
        load_default=list,
        validate=validate.Length(max=MAX_LIST_ITEMS),
        metadata={"description": "Empty: all."},
    )
    variants = fields.List(
        fields.Nested(VariantSchema), required=True, validate=validate.Length(min=2, max=10)
    )
    sequential_tuning = fields.Float(
        load_default=SEQUENTIAL_TUNING,
        validate=validate.Range(min=100, max=10_000_000),
        metadata={
            "description": "The sequential test's tuning parameter: the total visitors at which its "
            "always-valid intervals are tightest (gbstats' default, 5000). Frozen while it runs."
        },
    )
    baseline_rate = fields.Float(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=MIN_BASELINE_RATE, max=1, max_inclusive=False),
        metadata={
            "description": "The plan: control's expected conversion rate.",
            "example": 0.05,
            "exclusiveMaximum": True,  # (apispec leaves it out)
        },
    )
    minimum_detectable_effect = fields.Float(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=0, max=10, min_inclusive=False),
        metadata={
            "exclusiveMinimum": True,
            "description": "The plan: the smallest relative uplift worth finding (0.2: +20%). With "
            "baseline_rate, starting checks the experiment can finish (see plan).",
            "example": 0.2,
        },
    )


class PhaseWeightSchema(ma.Schema):
    variant = fields.String(metadata={"example": "control"})
    weight = fields.Float(metadata={"example": 0.5})


class PhaseSchema(ma.Schema):
    number = fields.Integer()
    started_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True, metadata={"description": "None while it runs or is paused."})
    seed = fields.String()
    coverage = fields.Float()
    weights = fields.List(fields.Nested(PhaseWeightSchema))
    variants_version = fields.Integer(allow_none=True, metadata={"description": "The variants it ran."})


class ExperimentSchema(ExperimentInputSchema):
    id = fields.Integer()
    status = fields.String(metadata={"description": "draft, running, paused or stopped."})
    seed = fields.String(metadata={"description": "The hashing seed (hash version 2)."})
    winner = fields.String(allow_none=True)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    stopped_at = fields.DateTime(allow_none=True)
    bot_events = fields.Integer(
        metadata={"description": "Events from user agents a bot list recognises: dropped, counted here."}
    )
    variants_version = fields.Integer(
        metadata={
            "description": "The variants' latest version: each change of them saves one (see versions)."
        }
    )
    live_variants_version = fields.Integer(
        allow_none=True,
        metadata={"description": "The version the experiment last started with; none before it starts."},
    )
    phases = fields.List(
        fields.Nested(PhaseSchema),
        metadata={
            "description": "Its runs, oldest first: each start from draft and each restart opens one "
            "(its seed, coverage and weights), a stop ends it; a pause stays in it."
        },
    )


@sent_in_full
class VariantsVersionSchema(VersionSchema):
    variants = fields.List(fields.Nested(VariantSchema))


class RolloutSchema(ma.Schema):
    variant = fields.String(required=True, validate=SLUG)


EXPERIMENT_EXAMPLE = {
    "key": "cta-wording",
    "article_id": 1,
    "hypothesis": "Naming the clinic in the call to action gets more bookings.",
    "goal": "booking",
    "coverage": 1.0,
    "sites": [],
    "locales": [],
    "variants": [
        {"key": "control", "name": "Control", "weight": 0.5, "overlay": {}},
        {
            "key": "named-clinic",
            "name": "Clinic named",
            "weight": 0.5,
            "overlay": {"fields": {"call_to_action": {"heading": "See a spine specialist near you"}}},
        },
    ],
}
VARIANTS_VERSION_EXAMPLE = {
    "number": 2,
    "content_hash": "5d1b0c54b8a9e3f1c2d4a6b8e0f2a4c6d8e0a2b4c6d8e0f2a4b6c8d0e2f4a6b8",
    "created_by": "Ana, marketing (cms_1a2b3c4d)",
    "created_at": "2026-11-26T09:00:00+00:00",
    "published_at": None,
    "published_by": None,
    "live": False,
    "variants": EXPERIMENT_EXAMPLE["variants"],
}


class StatusChangeSchema(ma.Schema):
    """Optional: only a start whose plan cannot finish in time needs it."""

    force_reason = text_field(
        required=False,
        max_length=NAME_LENGTH,
        example="A campaign doubles traffic next month.",
        description="Start although the plan needs more than MAX_EXPERIMENT_DAYS, and why (audited).",
    )


class PlanInputSchema(ma.Schema):
    baseline_rate = fields.Float(
        required=True,
        validate=validate.Range(min=MIN_BASELINE_RATE, max=1, max_inclusive=False),
        metadata={
            "description": "Control's expected conversion rate.",
            "example": 0.05,
            "exclusiveMaximum": True,
        },
    )
    minimum_detectable_effect = fields.Float(
        required=True,
        validate=validate.Range(min=0.001, max=10),
        metadata={"description": "The smallest relative uplift worth finding (0.2: +20%).", "example": 0.2},
    )
    weights = fields.List(
        fields.Float(
            validate=validate.Range(min=0, max=1, min_inclusive=False), metadata={"exclusiveMinimum": True}
        ),
        load_default=lambda: [0.5, 0.5],
        validate=validate.Length(min=2, max=10),
        metadata={"description": "Control first.", "example": [0.5, 0.5]},
    )
    sites = fields.List(
        fields.String(validate=SLUG),
        load_default=list,
        validate=validate.Length(max=MAX_LIST_ITEMS),
        metadata={"description": "Whose traffic: empty, every site's.", "example": ["clinic-austin"]},
    )
    method = fields.String(
        load_default="sequential",
        validate=validate.OneOf(["sequential", "fixed"]),
        metadata={"description": "The analysis the results will be read with."},
    )
    visitors_per_day = fields.Float(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=0, max=1e9, min_inclusive=False),
        metadata={
            "description": "A figure to plan with; default: the sites' observed traffic.",
            "exclusiveMinimum": True,
        },
    )
    coverage = fields.Float(
        load_default=1.0,
        validate=validate.Range(min=0, max=1, min_inclusive=False),
        metadata={"exclusiveMinimum": True},
    )
    power = fields.Float(load_default=0.8, validate=validate.Range(min=0.5, max=0.99))
    sequential_tuning = fields.Float(
        load_default=SEQUENTIAL_TUNING, validate=validate.Range(min=100, max=1e7)
    )


class PlanSchema(ma.Schema):
    method = fields.String()
    visitors_per_arm = fields.List(fields.Integer(), metadata={"description": "Control first."})
    total_visitors = fields.Integer()
    visitors_per_day = fields.Float(
        allow_none=True,
        metadata={"description": "Given, or distinct visitors exposed a day over the last 28."},
    )
    days_needed = fields.Integer(allow_none=True, metadata={"description": "None: no traffic to go by."})
    max_experiment_days = fields.Float()
    fits = fields.Boolean(allow_none=True, metadata={"description": "days_needed <= max_experiment_days."})


PLAN_INPUT_EXAMPLE = {
    "baseline_rate": 0.05,
    "minimum_detectable_effect": 0.2,
    "weights": [0.5, 0.5],
    "sites": ["clinic-austin"],
    "method": "sequential",
}
PLAN_EXAMPLE = {
    "method": "sequential",
    "visitors_per_arm": [20545, 20545],
    "total_visitors": 41090,
    "visitors_per_day": 300.0,
    "days_needed": 137,
    "max_experiment_days": 56.0,
    "fits": False,
}
