"""Experiments, managed by publishers: variants (overlays), weights, coverage, a goal, a
status, results, and a winner rolled out to the draft."""

from flask import Response, current_app
from flask.views import MethodView

from service.api.auth import ManagementBlueprint, actor, review_policy
from service.api.experiments_schemas import (
    EXPERIMENT_EXAMPLE,
    PLAN_EXAMPLE,
    PLAN_INPUT_EXAMPLE,
    ExperimentInputSchema,
    ExperimentSchema,
    PlanInputSchema,
    PlanSchema,
    RolloutSchema,
    StatusChangeSchema,
)
from service.api.lookup import found_or_404
from service.api.results_schemas import RESULTS_EXAMPLE, ResultsQuerySchema, ResultsSchema
from service.content import experiments
from service.content.analysis import Analysis, Difference, Method
from service.content.charts import results_chart
from service.content.planning import PlanInput, make_plan, observed_traffic
from service.content.results import results
from service.extensions import db
from service.models import Experiment, Role
from service.models.base import utcnow

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


def _analysis(
    experiment: Experiment, method: Method = Method.SEQUENTIAL, difference: Difference = Difference.RELATIVE
) -> Analysis:
    return Analysis(method, difference, tuning=experiment.sequential_tuning)


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


@blp.route("/<experiment:key>")
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


@blp.route("/plan")
class Plan(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.arguments(PlanInputSchema, example=PLAN_INPUT_EXAMPLE)
    @blp.response(200, PlanSchema, example=PLAN_EXAMPLE)
    @blp.doc(operationId="planExperiment")
    def post(self, body):
        """Plan an experiment

        Visitors needed per arm to find the minimum detectable effect (80% power, two-sided
        5%; several variants: 5% shared among them), and days at the sites' traffic: the
        distinct visitors exposed a day over the last 28 days, or `visitors_per_day`.
        """
        plan = PlanInput(
            body["baseline_rate"],
            body["minimum_detectable_effect"],
            tuple(body["weights"]),
            sequential=body["method"] == "sequential",
            power=body["power"],
            tuning=body["sequential_tuning"],
            coverage=body["coverage"],
        )
        traffic = body["visitors_per_day"]
        if traffic is None:
            traffic = observed_traffic(db.session, body["sites"], utcnow())
        return make_plan(plan, traffic or None, current_app.config["MAX_EXPERIMENT_DAYS"])


@blp.route("/<experiment:key>/<any(start, pause, stop, restart):action>")
class ExperimentStatus(MethodView):
    @blp.requires(Role.PUBLISHER)
    @blp.arguments(
        StatusChangeSchema,
        required=False,
        example={"force_reason": "A spring campaign: the clinic accepts the longer test."},
    )
    @blp.response(200, ExperimentSchema, example=EXPERIMENT_EXAMPLE | {"status": "running"})
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="changeExperimentStatus")
    def post(self, body, key, action):
        """Start, pause, stop or restart

        draft → running ⇄ paused → stopped; a stopped experiment restarts with a new seed
        (visitors are dealt again; results count from the restart). One experiment runs per
        article at a time. An experiment with a plan (baseline_rate and
        minimum_detectable_effect) that cannot reach its sample within MAX_EXPERIMENT_DAYS at
        its sites' traffic does not start (409, with the `plan`) unless forced with a
        `force_reason`, which the audit log keeps.
        """
        experiment = experiment_or_404(key)
        experiments.transition(
            db.session,
            experiment,
            action,
            by=actor(),
            policy=review_policy(),
            max_days=current_app.config["MAX_EXPERIMENT_DAYS"],
            forced_because=body["force_reason"],
        )
        db.session.commit()
        return experiment


@blp.route("/<experiment:key>/rollout")
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


@blp.route("/<experiment:key>/results")
class Results(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.arguments(ResultsQuerySchema, location="query", as_kwargs=True)
    @blp.response(200, ResultsSchema, example=RESULTS_EXAMPLE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="experimentResults")
    def get(self, key, analysis, difference):
        """Get results

        Per variant: exposed visitors, visitors who converted after exposure, the rate, and
        against control the uplift (relative by default) with its interval, the p-value
        (Holm-adjusted too), the chance to beat control and a verdict. By default the
        analysis is GrowthBook's sequential test: look as often as you like. Below the
        minimums (per arm) the verdict is "not enough data". Then per site, pooled across
        sites stratified by site (Mantel-Haenszel), day by day, and the sample-ratio checks.
        """
        experiment = experiment_or_404(key)
        return results(db.session, experiment, _analysis(experiment, analysis, difference))


@blp.route("/<experiment:key>/results.svg")
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
        experiment = experiment_or_404(key)
        chart = results_chart(results(db.session, experiment, _analysis(experiment)))
        return Response(chart, mimetype="image/svg+xml")
