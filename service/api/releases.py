"""Releases, for publishers: a named set of approved versions and experiment starts or stops,
published all or nothing, now (`publish`) or at `at` (by `flask apply-schedules`)."""

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields, validate

from service.api.auth import ManagementBlueprint, actor, review_policy
from service.api.fields import Instant, in_the_future
from service.api.lookup import found_or_404
from service.api.pagination import page_of
from service.config import DEFAULT_PAGE_SIZE, MAX_LIST_ITEMS, MAX_PAGE_SIZE
from service.content import releases
from service.content.text_fields import text_field
from service.extensions import db
from service.models import Release, Role
from service.models.lengths import KEY_LENGTH, NAME_LENGTH
from service.openapi import sent_in_full

blp = ManagementBlueprint(
    "Releases",
    __name__,
    url_prefix="/v1/manage/releases",
    description="Sets of changes published together, all or nothing: one transaction, one webhook.",
)


class ReleaseItemSchema(ma.Schema):
    review = fields.Integer(
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "An approved review of an article or a site overlay: that version."},
    )
    experiment = fields.String(validate=validate.Length(max=KEY_LENGTH), metadata={"example": "cta-heading"})
    action = fields.String(
        validate=validate.OneOf(["start", "stop"]), metadata={"description": "With experiment."}
    )

    @ma.validates_schema
    def one_kind(self, data, **_):
        if ("review" in data) == ("experiment" in data) or ("experiment" in data) != ("action" in data):
            raise ma.ValidationError("Name a review, or an experiment and an action.")


class NewReleaseSchema(ma.Schema):
    name = text_field(max_length=NAME_LENGTH, example="December: Austin and Denver")
    items = fields.List(
        fields.Nested(ReleaseItemSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_LIST_ITEMS),
        metadata={
            "example": [{"review": 4}, {"review": 5}, {"experiment": "cta-heading", "action": "start"}]
        },
    )
    at = Instant(
        load_default=None,
        allow_none=True,
        validate=in_the_future,
        metadata={"description": "When `flask apply-schedules` publishes it; none: publish it by hand."},
    )


@sent_in_full
class ReleaseSchema(ma.Schema):
    id = fields.Integer()
    name = fields.String()
    items = fields.List(fields.Dict())
    status = fields.String(metadata={"description": "pending, published or failed."})
    at = fields.DateTime(allow_none=True)
    created_by = fields.String(allow_none=True)
    created_at = fields.DateTime()
    published_at = fields.DateTime(allow_none=True)
    outcome = fields.String(allow_none=True, metadata={"example": "published 3 changes"})


RELEASE_EXAMPLE = {
    "id": 2,
    "name": "December: Austin and Denver",
    "items": [{"review": 4}, {"review": 5}, {"experiment": "cta-heading", "action": "start"}],
    "status": "pending",
    "at": "2026-12-01T08:00:00+00:00",
    "created_by": "Sam, publishing (cms_9a8b7c6d)",
    "created_at": "2026-11-26T09:00:00+00:00",
    "published_at": None,
    "outcome": None,
}


def release_or_404(release_id: int) -> Release:
    return found_or_404(releases.find_release(db.session, release_id), f"There is no release {release_id}.")


@blp.route("")
class Releases(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.response(200, ReleaseSchema(many=True), example=[RELEASE_EXAMPLE])
    @blp.paginate(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    @blp.doc(operationId="listReleases")
    def get(self, pagination_parameters):
        """List releases

        Newest first: pending, published and failed.
        """
        return page_of(releases.releases_query(), pagination_parameters)

    @blp.requires(Role.PUBLISHER)
    @blp.arguments(
        NewReleaseSchema, example={"name": RELEASE_EXAMPLE["name"], "items": RELEASE_EXAMPLE["items"]}
    )
    @blp.response(201, ReleaseSchema, example=RELEASE_EXAMPLE)
    @blp.doc(operationId="createRelease")
    def post(self, data):
        """Create a release

        Its items: approved reviews (an article's version, a site overlay's version) and
        experiments to start or stop (a 422 names one that does not exist). With `at`,
        `flask apply-schedules` publishes it then; or publish it by hand.
        """
        release = releases.create_release(db.session, data, by=actor())
        db.session.commit()
        return release


@blp.route("/<id:release_id>")
class ReleaseView(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.response(200, ReleaseSchema, example=RELEASE_EXAMPLE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="getRelease")
    def get(self, release_id):
        """Read a release"""
        return release_or_404(release_id)

    @blp.requires(Role.PUBLISHER)
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="cancelRelease")
    def delete(self, release_id):
        """Cancel a release

        Only while pending (409 once published or failed, kept as history).
        """
        releases.cancel_release(db.session, release_or_404(release_id), by=actor())
        db.session.commit()


@blp.route("/<id:release_id>/publish")
class PublishRelease(MethodView):
    @blp.requires(Role.PUBLISHER)
    @blp.response(
        200,
        ReleaseSchema,
        example=RELEASE_EXAMPLE | {"status": "published", "outcome": "published 3 changes"},
    )
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="publishRelease")
    def post(self, release_id):
        """Publish a release

        Every item in one transaction, each checked as it would be alone (with
        REVIEW_REQUIRED: still approved); if any fails, nothing is published (409 naming it).
        Every item meets the guardrails: if blocking findings stand on any, nothing is
        published and the 409 lists each such item with its findings (`items`).
        Webhooks get one `release.published` listing every change.
        """
        release = releases.publish_release(
            db.session, release_or_404(release_id), by=actor(), policy=review_policy()
        )
        db.session.commit()
        return release
