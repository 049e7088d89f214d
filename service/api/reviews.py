"""Reviews, for reviewers: the queue, one review with the version it pins, and the decisions
(approve, request changes), which need a key with the reviewer capability. Editors submit
a draft from the article (service.api.articles.reviews)."""

from flask.views import MethodView

from service.api.auth import ManagementBlueprint, actor, review_policy
from service.api.lookup import found_or_404
from service.api.pagination import page_of
from service.api.reviews_schemas import (
    RENDITION_EXAMPLE,
    REVIEW_DOCUMENT_EXAMPLE,
    REVIEW_EXAMPLE,
    ApproveSchema,
    RenditionSchema,
    RequestChangesSchema,
    ReviewDocumentSchema,
    ReviewQuerySchema,
    ReviewSchema,
)
from service.config import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from service.content import reviews
from service.content.review_renditions import review_renditions
from service.extensions import db
from service.models import Capability, Review, Role

blp = ManagementBlueprint(
    "Reviews",
    __name__,
    url_prefix="/v1/manage/reviews",
    description="Versions submitted for review, and reviewers' decisions on them.",
)


def review_or_404(review_id: int) -> Review:
    return found_or_404(reviews.find_review(db.session, review_id), f"There is no review {review_id}.")


@blp.route("")
class Queue(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.arguments(ReviewQuerySchema, location="query")
    @blp.response(200, ReviewSchema(many=True), example=[REVIEW_EXAMPLE])
    @blp.paginate(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    @blp.doc(operationId="listReviews")
    def get(self, filters, pagination_parameters):
        """List reviews

        The queue: versions in review, oldest first (or those in another status).
        """
        return page_of(reviews.reviews_query(filters["status"]), pagination_parameters)


@blp.route("/<id:review_id>")
class ReviewView(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.response(200, ReviewDocumentSchema, example=REVIEW_DOCUMENT_EXAMPLE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="getReview")
    def get(self, review_id):
        """Read a review

        With the document it pins, as submitted: what an approval publishes, word for word.
        """
        return review_or_404(review_id)


@blp.route("/<id:review_id>/renditions")
class Renditions(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.response(200, RenditionSchema(many=True), example=[RENDITION_EXAMPLE])
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="listReviewRenditions")
    def get(self, review_id):
        """Read a version as each site shows it

        For each site (and each experiment variant a visitor there may be dealt): the version
        in review as delivery would send it, and what differs from what the site shows now.
        """
        return review_renditions(db.session, review_or_404(review_id))


@blp.route("/<id:review_id>/approve")
class Approve(MethodView):
    @blp.requires(Role.VIEWER, Capability.REVIEWER)
    @blp.arguments(ApproveSchema, example={"comment": "Accurate and fair."})
    @blp.response(200, ReviewSchema, example=REVIEW_EXAMPLE | {"status": "approved", "comments": []})
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="approveReview")
    def post(self, decision, review_id):
        """Approve a version

        That version, exactly, may now be published; an edit of the draft voids the approval.
        With four eyes (REVIEW_FOUR_EYES), a key that changed or submitted it cannot (403).
        409 unless the review is in review.
        """
        review = review_or_404(review_id)
        reviews.approve_review(
            db.session, review, by=actor(), policy=review_policy(), comment=decision.get("comment")
        )
        db.session.commit()
        return review


@blp.route("/<id:review_id>/request-changes")
class RequestChanges(MethodView):
    @blp.requires(Role.VIEWER, Capability.REVIEWER)
    @blp.arguments(
        RequestChangesSchema,
        example={
            "comments": [
                {"target": "faqs.time-to-results.answer", "body": "No timeline is promised."},
                {"target": "comparisons.prp-vs-ha.rows[price].cells[prp]", "body": "Austin's price."},
            ]
        },
    )
    @blp.response(200, ReviewSchema, example=REVIEW_EXAMPLE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="requestChanges")
    def post(self, decision, review_id):
        """Request changes

        Sends the version back with comments, each on a part of the article as a site or variant
        would show the version (a field, a child, a child's field, a comparison's cell), or of
        an overlay's or the variants' own members (422 naming one that is none of these). Also
        takes back an approval not yet published. 409 otherwise.
        """
        review = review_or_404(review_id)
        reviews.request_changes(
            db.session, review, by=actor(), policy=review_policy(), comments=decision["comments"]
        )
        db.session.commit()
        return review
