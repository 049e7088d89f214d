"""An article's reviews: submitting the draft's version for review, and the reviews it had."""

from flask.views import MethodView

from service.api.articles.preconditions import article_for_write, change_docs
from service.api.articles.resource import blp
from service.api.auth import actor
from service.api.lookup import article_or_404
from service.api.reviews_schemas import REVIEW_EXAMPLE, ReviewSchema, SubmitSchema
from service.content import reviews
from service.extensions import db
from service.models import Role

SUBMITTED_EXAMPLE = REVIEW_EXAMPLE | {
    "status": "in_review",
    "decided_by": None,
    "decided_at": None,
    "comments": [],
}


@blp.route("/<id:article_id>/reviews")
class ArticleReviews(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.response(200, ReviewSchema(many=True), example=[REVIEW_EXAMPLE])
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="listArticleReviews")
    def get(self, article_id):
        """List an article's reviews

        Every version submitted, oldest first, with its decision and comments.
        """
        article = article_or_404(article_id)
        return list(db.session.scalars(reviews.reviews_query(article_id=article.id)))

    @blp.requires(Role.EDITOR)
    @blp.arguments(SubmitSchema, example={"note": "Softer FAQ on results"})
    @change_docs("submitForReview", status=201, schema=ReviewSchema, example=SUBMITTED_EXAMPLE)
    def post(self, submission, article_id):
        """Submit the draft for review

        The version If-Match names goes to the queue, pinned: an edit after this voids the
        review (and an approval of it). The draft's ETag does not change. 409 if the draft is
        what delivery serves, or this version is in review or approved already, or while a
        blocking health-claim finding stands that no override names (listed in `findings`).
        """
        article, version = article_for_write(article_id)
        review = reviews.submit_for_review(
            db.session, article, by=actor(), expected_version=version, note=submission.get("note")
        )
        db.session.commit()
        return review
