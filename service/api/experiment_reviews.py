"""Submitting an experiment's variants for review: routes of the Experiments blueprint."""

from flask.views import MethodView

from service.api.auth import actor
from service.api.experiments import blp, experiment_or_404
from service.api.reviews_schemas import REVIEW_EXAMPLE, ReviewSchema, SubmitSchema
from service.content.variant_reviews import submit_variants
from service.extensions import db
from service.models import Role


@blp.route("/<slug:key>/reviews")
class SubmitVariants(MethodView):
    @blp.requires(Role.PUBLISHER)
    @blp.arguments(SubmitSchema, example={"note": "A warmer call to action"})
    @blp.response(201, ReviewSchema, example=REVIEW_EXAMPLE | {"status": "in_review", "comments": []})
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="submitVariantsForReview")
    def post(self, submission, key):
        """Submit an experiment's variants for review

        As configured now, overlays included; a change to them voids the review. Comments
        point at `variants.<key>` or a member of its overlay (`variants.<key>.overlay.fields.title`).
        409 while a variant's rendering of the article has a blocking health-claim finding no
        override names (listed in `findings`).
        """
        experiment = experiment_or_404(key)
        review = submit_variants(db.session, experiment, by=actor(), note=submission.get("note"))
        db.session.commit()
        return review
