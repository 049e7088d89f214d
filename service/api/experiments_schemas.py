"""Schemas of the experiments API: configuration, status, results, and their examples."""

import marshmallow as ma
from marshmallow import fields, validate

from service.api.converters import MAX_ID
from service.config import MAX_LIST_ITEMS
from service.content.document import SLUG_PATTERN, Locale, text_field
from service.content.overlay import OverlaySchema
from service.models.lengths import KEY_LENGTH, NAME_LENGTH

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
    key = fields.String(required=True, validate=SLUG, metadata={"example": "cta-wording"})
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


class ExperimentSchema(ExperimentInputSchema):
    id = fields.Integer()
    status = fields.String(metadata={"description": "draft, running, paused or stopped."})
    seed = fields.String(metadata={"description": "The hashing seed (hash version 2)."})
    winner = fields.String(allow_none=True)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    stopped_at = fields.DateTime(allow_none=True)


class RolloutSchema(ma.Schema):
    variant = fields.String(required=True, validate=SLUG)


class ResultRowSchema(ma.Schema):
    variant = fields.String()
    weight = fields.Float()
    exposed = fields.Integer(metadata={"description": "Visitors exposed."})
    converted = fields.Integer(metadata={"description": "Visitors who converted after exposure."})
    conversion_rate = fields.Float(allow_none=True)
    conversion_rate_interval = fields.List(
        fields.Float(), allow_none=True, metadata={"description": "95% Wilson."}
    )
    uplift = fields.Float(allow_none=True, metadata={"description": "Absolute, against control."})
    uplift_interval = fields.List(fields.Float(), allow_none=True, metadata={"description": "95%."})
    relative_uplift = fields.Float(allow_none=True)
    relative_uplift_interval = fields.List(fields.Float(), allow_none=True)
    p_value = fields.Float(allow_none=True, metadata={"description": "Two-sided two-proportion z-test."})
    chance_to_beat_control = fields.Float(
        allow_none=True, metadata={"description": "Bayesian, Beta(1,1) priors."}
    )


class ResultsSchema(ma.Schema):
    experiment = fields.String()
    goal = fields.String()
    status = fields.String()
    variants = fields.List(fields.Nested(ResultRowSchema))
    sample_ratio_p_value = fields.Float(
        allow_none=True, metadata={"description": "Chi-square against weights."}
    )
    sample_ratio_mismatch = fields.Boolean(metadata={"description": "p < 0.001: do not trust the results."})


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


RESULTS_EXAMPLE = {
    "experiment": "cta-wording",
    "goal": "booking",
    "status": "running",
    "variants": [
        {"variant": "control", "weight": 0.5, "exposed": 5000, "converted": 400, "conversion_rate": 0.08},
        {
            "variant": "named-clinic",
            "weight": 0.5,
            "exposed": 4900,
            "converted": 455,
            "conversion_rate": 0.0929,
            "uplift": 0.0129,
            "uplift_interval": [0.0018, 0.0240],
            "relative_uplift": 0.1607,
            "relative_uplift_interval": [0.0213, 0.3191],
            "p_value": 0.0225,
            "chance_to_beat_control": 0.9888,
        },
    ],
    "sample_ratio_p_value": 0.3193,
    "sample_ratio_mismatch": False,
}
