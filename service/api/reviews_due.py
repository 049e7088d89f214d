"""Periodic review: the articles due for a medical re-review (content.guardrails.reviews)."""

from flask.views import MethodView

from service.api.auth import ManagementBlueprint
from service.api.findings_schemas import DUE_REVIEW_EXAMPLE, DueReviewSchema
from service.api.pagination import page_of
from service.config import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from service.content.guardrails.reviews import reviews_due_query, why_due
from service.models import Role
from service.models.base import utcnow

blp = ManagementBlueprint(
    "Due reviews",
    __name__,
    url_prefix="/v1/manage/reviews",
    description="Articles due for a medical re-review. Needs an API key.",
)


@blp.route("/due")
class DueReviews(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.response(200, DueReviewSchema(many=True), example=[DUE_REVIEW_EXAMPLE])
    @blp.paginate(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    @blp.doc(operationId="listDueReviews")
    def get(self, pagination_parameters):
        """List articles due for re-review

        Those whose last medical review is older than REVIEW_MAX_AGE_DAYS (or never
        happened), and those published under other rules than today's (or never checked),
        the longest overdue first. `flask reviews-due` prints the same list.
        """
        today = utcnow().date()
        return [
            why_due(article, today) for article in page_of(reviews_due_query(today), pagination_parameters)
        ]
