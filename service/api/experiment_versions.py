"""An experiment's variants as versioned content: their history, diffs and restores. Routes
of the Experiments blueprint."""

from typing import Any

from flask.views import MethodView

from service.api.articles_schemas import DiffQuerySchema
from service.api.auth import actor
from service.api.experiments import blp, experiment_or_404
from service.api.experiments_schemas import (
    EXPERIMENT_EXAMPLE,
    VARIANTS_VERSION_EXAMPLE,
    ExperimentSchema,
    VariantsVersionSchema,
)
from service.api.reviews_schemas import VERSION_FIELDS
from service.api.site_overlays import OverlayChangeSchema
from service.content.diff import diff_variants
from service.content.experiments import ACTIVE
from service.content.variant_versions import restore_variants, variants_of, variants_versions
from service.extensions import db
from service.models import Experiment, Role, VariantsVersion

EXPERIMENT = "/<experiment:key>"


def described(version: VariantsVersion, experiment: Experiment) -> dict[str, Any]:
    live = experiment.status in ACTIVE and version.number == experiment.live_variants_version
    return {name: getattr(version, name) for name in VERSION_FIELDS} | {
        "live": live,
        "variants": version.document["variants"],
    }


@blp.route(f"{EXPERIMENT}/versions")
class VariantsVersions(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.response(200, VariantsVersionSchema(many=True), example=[VARIANTS_VERSION_EXAMPLE])
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="listVariantsVersions")
    def get(self, key):
        """List the versions of an experiment's variants

        Newest first: each change of the variants (overlays, weights, names) saves one; who
        saved it, when it first went live, and which one visitors are dealt now (`live`).
        """
        experiment = experiment_or_404(key)
        return [described(version, experiment) for version in variants_versions(db.session, experiment)]


@blp.route(f"{EXPERIMENT}/diff")
class VariantsDiff(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.arguments(DiffQuerySchema, location="query")
    @blp.response(
        200,
        OverlayChangeSchema(many=True),
        example=[
            {
                "field": "variants.named-clinic.overlay.fields.call_to_action.heading",
                "before": "Book a consultation",
                "after": "See a spine specialist near you",
            }
        ],
    )
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="diffVariantsVersions")
    def get(self, query, key):
        """Compare two versions of an experiment's variants

        Member by member, by variant key; `draft` is the latest version. A change of which
        variants there are, or of their order (the first is control), is the `variants` field.
        """
        experiment = experiment_or_404(key)
        before = variants_of(db.session, experiment, query["from_revision"])
        return diff_variants(before, variants_of(db.session, experiment, query["to_revision"]))


@blp.route(f"{EXPERIMENT}/versions/<id:number>/restore")
class RestoreVariantsVersion(MethodView):
    @blp.requires(Role.PUBLISHER)
    @blp.response(200, ExperimentSchema, example=EXPERIMENT_EXAMPLE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @blp.doc(operationId="restoreVariantsVersion")
    def post(self, key, number):
        """Restore a version of an experiment's variants

        Configures the variants as that version had them, saved as the next version: checked
        against the article and the sites like any change (422), refused while the experiment
        is running or paused (409), and reviewed before it starts like any.
        """
        experiment = experiment_or_404(key)
        restore_variants(db.session, experiment, number, by=actor())
        db.session.commit()
        return experiment
