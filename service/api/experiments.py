"""Experiments, managed by publishers: variants (overlays), weights, coverage, a goal, a
status, results, and a winner rolled out to the draft."""

import marshmallow as ma
from flask import Response
from flask.views import MethodView
from marshmallow import fields, validate

from service.api.auth import ManagementBlueprint, actor
from service.api.converters import MAX_ID
from service.api.lookup import found_or_404
from service.config import MAX_LIST_ITEMS
from service.content import experiments
from service.content.charts import results_chart
from service.content.document import SLUG_PATTERN, Locale, text_field
from service.content.events import results
from service.content.overlay import OverlaySchema
from service.extensions import db
from service.models import Experiment

blp = ManagementBlueprint(
    "Experiments",
    __name__,
    url_prefix="/v1/manage/experiments",
    description=(
        "A/B tests of an article: variants are overlays (the first is control). Visitors are "
        "assigned with GrowthBook's hash v2 on the experiment's seed, so a GrowthBook SDK or an "
        "edge worker computes the same variant."
    ),
)

SLUG = [validate.Length(max=100), SLUG_PATTERN]


class VariantSchema(ma.Schema):
    key = fields.String(required=True, validate=SLUG, metadata={"example": "control"})
    name = text_field(max_length=200, example="Control")
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


def experiment_or_404(key: str) -> Experiment:
    return found_or_404(experiments.find_experiment(db.session, key), f"There is no experiment {key!r}.")


@blp.route("")
class Experiments(MethodView):
    @blp.requires("viewer")
    @blp.response(200, ExperimentSchema(many=True), example=[EXPERIMENT_EXAMPLE])
    @blp.doc(operationId="listExperiments")
    def get(self):
        """List experiments"""
        return experiments.list_experiments(db.session)

    @blp.requires("publisher")
    @blp.arguments(ExperimentInputSchema, example=EXPERIMENT_EXAMPLE)
    @blp.response(201, ExperimentSchema, example=EXPERIMENT_EXAMPLE)
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="createExperiment")
    def post(self, data):
        """Create an experiment

        In draft: start it to assign visitors. Each variant's overlay is checked against the
        article (422 naming the path).
        """
        experiment = experiments.create_experiment(db.session, data, by=actor())
        db.session.commit()
        return experiment


@blp.route("/<slug:key>")
class ExperimentView(MethodView):
    @blp.requires("viewer")
    @blp.response(200, ExperimentSchema, example=EXPERIMENT_EXAMPLE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="getExperiment")
    def get(self, key):
        """Get an experiment"""
        return experiment_or_404(key)

    @blp.requires("publisher")
    @blp.arguments(ExperimentInputSchema, example=EXPERIMENT_EXAMPLE)
    @blp.response(200, ExperimentSchema, example=EXPERIMENT_EXAMPLE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="replaceExperiment")
    def put(self, data, key):
        """Change an experiment

        Variants, weights, coverage and goal cannot change while it runs (409): stop it and
        restart it, with a new seed.
        """
        experiment = experiment_or_404(key)
        experiments.change_experiment(db.session, experiment, data, by=actor())
        db.session.commit()
        return experiment


@blp.route("/<slug:key>/<any(start, pause, stop, restart):action>")
class ExperimentStatus(MethodView):
    @blp.requires("publisher")
    @blp.response(200, ExperimentSchema, example=EXPERIMENT_EXAMPLE | {"status": "running"})
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="changeExperimentStatus")
    def post(self, key, action):
        """Start, pause, stop or restart

        draft → running ⇄ paused → stopped; a stopped experiment restarts with a new seed
        (visitors are dealt again; results count from the restart). One experiment runs per
        article at a time.
        """
        experiment = experiment_or_404(key)
        experiments.transition(db.session, experiment, action, by=actor())
        db.session.commit()
        return experiment


@blp.route("/<slug:key>/rollout")
class Rollout(MethodView):
    @blp.requires("publisher")
    @blp.arguments(RolloutSchema)
    @blp.response(
        200, ExperimentSchema, example=EXPERIMENT_EXAMPLE | {"status": "stopped", "winner": "named-clinic"}
    )
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="rolloutWinner")
    def post(self, body, key):
        """Roll out the winner

        Applies the winning variant's overlay to the article's draft (publish it to show it
        to everyone). The experiment must be stopped.
        """
        experiment = experiment_or_404(key)
        experiments.roll_out(db.session, experiment, body["variant"], by=actor())
        db.session.commit()
        return experiment


@blp.route("/<slug:key>/results")
class Results(MethodView):
    @blp.requires("viewer")
    @blp.response(200, ResultsSchema, example=RESULTS_EXAMPLE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="experimentResults")
    def get(self, key):
        """Get results

        Per variant: exposed visitors, visitors who converted after exposure, the rate, and
        against control the absolute and relative uplift with 95% intervals, the two-sided
        p-value and the chance to beat control; and the sample-ratio check.
        """
        return results(db.session, experiment_or_404(key))


@blp.route("/<slug:key>/results.svg")
class ResultsChart(MethodView):
    @blp.requires("viewer")
    @blp.response(
        200,
        {"type": "string"},
        content_type="image/svg+xml",
        description="The conversion rate of each variant as a bar, with its 95% interval.",
        example='<svg xmlns="http://www.w3.org/2000/svg" ...>...</svg>',
    )
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="experimentResultsChart")
    def get(self, key):
        """Get results as a chart

        An SVG image for marketers who would rather look than read.
        """
        chart = results_chart(results(db.session, experiment_or_404(key)))
        return Response(chart, mimetype="image/svg+xml")
