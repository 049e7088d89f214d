"""An article's schedules: publishes and unpublishes for `flask apply-schedules` to apply."""

from flask.views import MethodView

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
    @blp.response(201, ScheduleSchema, example=SCHEDULE_EXAMPLE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="scheduleAction")
    def post(self, new, article_id):
        """Schedule a publish or unpublish

        Applied by `flask apply-schedules` once due (run it from cron). A scheduled publish
        publishes the draft as it is then.
        """
        article = article_or_404(article_id)
        entry = scheduling.schedule(db.session, article, new["action"], new["at"], by=actor())
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
