"""An article's schedules: publishes and unpublishes for `flask apply-schedules` to apply."""

from flask.views import MethodView

from service.api.articles.preconditions import article_for_write, change_docs
from service.api.articles.resource import blp
from service.api.articles_schemas import SCHEDULE_EXAMPLE, NewScheduleSchema, ScheduleSchema
from service.api.auth import actor
from service.api.lookup import article_or_404, found_or_404
from service.content import scheduling
from service.extensions import db
from service.models import Role


@blp.route("/<id:article_id>/schedules")
class Schedules(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.response(200, ScheduleSchema(many=True), example=[SCHEDULE_EXAMPLE])
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="listSchedules")
    def get(self, article_id):
        """List an article's schedules

        Pending and applied, soonest first.
        """
        return scheduling.schedules_of(db.session, article_or_404(article_id).id)

    @blp.requires(Role.PUBLISHER)
    @blp.arguments(NewScheduleSchema, example={"action": "publish", "at": "2026-12-01T08:00:00+00:00"})
    @change_docs(
        "scheduleAction",
        errors=(400, 404, 412, 428),
        status=201,
        schema=ScheduleSchema,
        example=SCHEDULE_EXAMPLE,
    )
    def post(self, new, article_id):
        """Schedule a publish or unpublish

        Applied by `flask apply-schedules` once due (run it from cron). A publish pins the
        version If-Match names (`content_hash`): edits made after are the next draft, not
        part of it. If that version cannot be published when due (with REVIEW_REQUIRED: it
        is not approved), nothing is: the schedule's outcome says why, and webhooks get
        `schedule.failed`.
        """
        article, version = article_for_write(article_id)
        entry = scheduling.schedule(
            db.session, article, new["action"], new["at"], by=actor(), expected_version=version
        )
        db.session.commit()
        return entry


@blp.route("/<id:article_id>/schedules/<id:schedule_id>")
class ScheduleView(MethodView):
    @blp.requires(Role.PUBLISHER)
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="cancelSchedule")
    def delete(self, article_id, schedule_id):
        """Cancel a schedule

        Only while it is pending (409 once applied).
        """
        entry = found_or_404(
            scheduling.find_schedule(db.session, article_id, schedule_id),
            f"Article {article_id} has no schedule {schedule_id}.",
        )
        scheduling.cancel_schedule(db.session, entry, by=actor())
        db.session.commit()
