"""Experiments, managed by publishers: variants (overlays), weights, coverage, a goal, a
status, results, and a winner rolled out to the draft."""

from flask import Response
from flask.views import MethodView

from service.api.auth import ManagementBlueprint, actor, review_policy
from service.api.experiments_schemas import (
    EXPERIMENT_EXAMPLE,
    RESULTS_EXAMPLE,
    ExperimentInputSchema,
    ExperimentSchema,
    ResultsSchema,
    RolloutSchema,
)
from service.api.lookup import found_or_404
from service.content import experiments
from service.content.charts import results_chart
from service.content.events import results
from service.extensions import db
from service.models import Experiment, Role

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


def experiment_or_404(key: str) -> Experiment:
    return found_or_404(experiments.find_experiment(db.session, key), f"There is no experiment {key!r}.")


@blp.route("")
class Experiments(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.response(200, ExperimentSchema(many=True), example=[EXPERIMENT_EXAMPLE])
    @blp.doc(operationId="listExperiments")
    def get(self):
        """List experiments"""
        return experiments.list_experiments(db.session)

    @blp.requires(Role.PUBLISHER)
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
    @blp.requires(Role.VIEWER)
    @blp.response(200, ExperimentSchema, example=EXPERIMENT_EXAMPLE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="getExperiment")
    def get(self, key):
        """Get an experiment"""
        return experiment_or_404(key)

    @blp.requires(Role.PUBLISHER)
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
    @blp.requires(Role.PUBLISHER)
    @blp.response(200, ExperimentSchema, example=EXPERIMENT_EXAMPLE | {"status": "running"})
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="changeExperimentStatus")
    def post(self, key, action):
        """Start, pause, stop or restart

        draft → running ⇄ paused → stopped; a stopped experiment restarts with a new seed
        (visitors are dealt again; results count from the restart). One experiment runs per
        article at a time. With REVIEW_REQUIRED, starting needs the variants approved as they
        are (submit them for review), unless they ran before or change nothing (409).
        """
        experiment = experiment_or_404(key)
        experiments.transition(db.session, experiment, action, by=actor(), policy=review_policy())
        db.session.commit()
        return experiment


@blp.route("/<slug:key>/rollout")
class Rollout(MethodView):
    @blp.requires(Role.PUBLISHER)
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
    @blp.requires(Role.VIEWER)
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
    @blp.requires(Role.VIEWER)
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
