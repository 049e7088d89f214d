"""Schemas of an experiment's results: the analysis asked for, and what it found, as a
whole, per site, stratified by site and day by day."""

import marshmallow as ma
from marshmallow import fields

from service.content.analysis import MIN_CONVERSIONS, MIN_EXPOSURES, Difference, Method, Verdict


def interval(description: str) -> fields.List:
    return fields.List(fields.Float(), allow_none=True, metadata={"description": description})


class ResultsQuerySchema(ma.Schema):
    analysis = fields.Enum(
        Method,
        by_value=True,
        load_default=Method.SEQUENTIAL,
        metadata={
            "description": "sequential (the default: valid however often you look), fixed (a "
            "Welch t-test, valid read once at the planned size), bayesian (gbstats' Gaussian "
            "effect, flat prior) or exact (Wald/Katz intervals, a pooled z-test, an exact Beta "
            "chance to beat control)."
        },
    )
    difference = fields.Enum(
        Difference,
        by_value=True,
        load_default=Difference.RELATIVE,
        metadata={"description": "relative uplift (the default, as GrowthBook) or absolute difference."},
    )


class ResultRowSchema(ma.Schema):
    variant = fields.String()
    weight = fields.Float()
    exposed = fields.Integer(metadata={"description": "Visitors exposed."})
    converted = fields.Integer(metadata={"description": "Visitors who converted after exposure."})
    conversion_rate = fields.Float(allow_none=True)
    conversion_rate_interval = interval("95% Wilson.")
    uplift = fields.Float(
        allow_none=True,
        metadata={"description": "Against control, relative or absolute (see analysis); not on control."},
    )
    uplift_interval = interval("95%; sequential: always valid. None below the minimums.")
    p_value = fields.Float(allow_none=True, metadata={"description": "Two-sided; none for bayesian."})
    adjusted_p_value = fields.Float(
        allow_none=True, metadata={"description": "Holm-adjusted over the variants compared with control."}
    )
    chance_to_beat_control = fields.Float(
        allow_none=True,
        metadata={"description": "Bayesian (Gaussian effect, flat prior; exact: Beta(1,1) priors)."},
    )
    verdict = fields.Enum(
        Verdict, by_value=True, allow_none=True, metadata={"description": "Not on control."}
    )


class AnalysisSchema(ma.Schema):
    method = fields.Enum(Method, by_value=True)
    difference = fields.Enum(Difference, by_value=True)
    alpha = fields.Float()
    sequential_tuning = fields.Float()
    adjustment = fields.String(metadata={"description": "holm: the p-values' adjustment across variants."})
    min_exposures = fields.Integer(metadata={"description": "Per arm, below which nothing is claimed."})
    min_conversions = fields.Integer(metadata={"description": "Per arm, and as many non-conversions."})


class SiteResultsSchema(ma.Schema):
    site = fields.String(allow_none=True, metadata={"description": "None: events naming no site."})
    verdict = fields.Enum(Verdict, by_value=True)
    winner = fields.String(allow_none=True)
    variants = fields.List(fields.Nested(ResultRowSchema))
    sample_ratio_p_value = fields.Float(allow_none=True)
    sample_ratio_mismatch = fields.Boolean()


class StratifiedSchema(ma.Schema):
    variant = fields.String()
    sites = fields.Integer(metadata={"description": "Sites where both arms had visitors."})
    relative_uplift = fields.Float(
        allow_none=True, metadata={"description": "Mantel-Haenszel risk ratio - 1."}
    )
    relative_uplift_interval = interval("Greenland-Robins, 95%.")
    odds_ratio = fields.Float(allow_none=True, metadata={"description": "Mantel-Haenszel."})
    odds_ratio_interval = interval("Robins-Breslow-Greenland, 95%.")
    p_value = fields.Float(allow_none=True, metadata={"description": "Cochran-Mantel-Haenszel."})


class TimelinePointSchema(ma.Schema):
    day = fields.String(metadata={"description": "Visitors are counted on the day of their first exposure."})
    exposed = fields.List(fields.Integer(), metadata={"description": "Cumulative, per variant."})
    converted = fields.List(fields.Integer())
    uplift = fields.List(
        fields.Float(allow_none=True), metadata={"description": "Per variant after control."}
    )
    uplift_interval = fields.List(fields.List(fields.Float(), allow_none=True))


class PlanSummarySchema(ma.Schema):
    visitors_per_arm = fields.Integer(allow_none=True)
    visitors_per_day = fields.Float(allow_none=True)
    days_needed = fields.Float(
        allow_none=True, metadata={"description": "From the start, at observed traffic."}
    )
    days_left = fields.Float(allow_none=True)


class ResultsSchema(ma.Schema):
    experiment = fields.String()
    goal = fields.String()
    status = fields.String()
    analysis = fields.Nested(AnalysisSchema)
    verdict = fields.Enum(Verdict, by_value=True)
    winner = fields.String(allow_none=True)
    summary = fields.String(metadata={"description": "The verdict in plain words."})
    variants = fields.List(fields.Nested(ResultRowSchema))
    sample_ratio_p_value = fields.Float(
        allow_none=True, metadata={"description": "Chi-square against weights."}
    )
    sample_ratio_mismatch = fields.Boolean(metadata={"description": "p < 0.001: do not trust the results."})
    sites = fields.List(
        fields.Nested(SiteResultsSchema), metadata={"description": "Per site, with its own checks."}
    )
    stratified = fields.List(
        fields.Nested(StratifiedSchema), metadata={"description": "Pooled across sites, stratified by site."}
    )
    timeline = fields.List(fields.Nested(TimelinePointSchema))
    plan = fields.Nested(PlanSummarySchema, allow_none=True)
    bot_events = fields.Integer(metadata={"description": "Events dropped for a bot's user agent."})


_ROWS = [
    {"variant": "control", "weight": 0.5, "exposed": 5000, "converted": 400, "conversion_rate": 0.08},
    {
        "variant": "named-clinic",
        "weight": 0.5,
        "exposed": 4900,
        "converted": 455,
        "conversion_rate": 0.0929,
        "uplift": 0.1607,
        "uplift_interval": [-0.0721, 0.3935],
        "p_value": 0.5012,
        "adjusted_p_value": 0.5012,
        "chance_to_beat_control": 0.9827,
        "verdict": "no winner yet",
    },
]
RESULTS_EXAMPLE = {
    "experiment": "cta-wording",
    "goal": "booking",
    "status": "running",
    "analysis": {
        "method": "sequential",
        "difference": "relative",
        "alpha": 0.05,
        "sequential_tuning": 5000,
        "adjustment": "holm",
        "min_exposures": MIN_EXPOSURES,
        "min_conversions": MIN_CONVERSIONS,
    },
    "verdict": "no winner yet",
    "winner": None,
    "summary": "No winner yet: about 23 more days at current traffic.",
    "variants": _ROWS,
    "sample_ratio_p_value": 0.3193,
    "sample_ratio_mismatch": False,
    "sites": [
        {
            "site": "clinic-austin",
            "verdict": "no winner yet",
            "winner": None,
            "variants": _ROWS,
            "sample_ratio_p_value": 0.3193,
            "sample_ratio_mismatch": False,
        }
    ],
    "stratified": [
        {
            "variant": "named-clinic",
            "sites": 1,
            "relative_uplift": 0.1607,
            "relative_uplift_interval": [0.0208, 0.3198],
            "odds_ratio": 1.1772,
            "odds_ratio_interval": [1.0228, 1.3548],
            "p_value": 0.0228,
        }
    ],
    "timeline": [
        {
            "day": "2026-12-01",
            "exposed": [5000, 4900],
            "converted": [400, 455],
            "uplift": [0.1607],
            "uplift_interval": [[-0.0721, 0.3935]],
        }
    ],
    "plan": {"visitors_per_arm": 20545, "visitors_per_day": 700.0, "days_needed": 58.7, "days_left": 22.6},
    "bot_events": 0,
}
