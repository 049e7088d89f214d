"""A site's overlay for an article, as content: saved as versions (history, diff, restore),
submitted for review and published like an article. Delivery applies the published version
only. Routes of the Sites blueprint."""

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields

from service.api.articles_schemas import DiffQuerySchema
from service.api.auth import actor, review_policy
from service.api.lookup import article_or_404
from service.api.preconditions import RESPONSE_NAMES, expected_version, if_match_parameter, sent_if_match
from service.api.reviews_schemas import (
    REVIEW_EXAMPLE,
    VERSION_FIELDS,
    ReviewSchema,
    SubmitSchema,
    VersionSchema,
)
from service.api.sites import blp, site_or_404
from service.content import site_overlays
from service.content.diff import diff_overlays
from service.content.overlay import OverlaySchema
from service.extensions import db
from service.models import OverlayVersion, Role, Site, SiteOverlay
from service.openapi import EXTRA_PARAMETERS, sent_in_full

OVERLAY = "/<slug:key>/overlays/<id:article_id>"
OVERLAY_EXAMPLE = {
    "fields": {"call_to_action": {"button_label": "Book in Austin", "button_url": "{{site.booking_url}}"}},
    "hide": {"sections": ["latest-insights"]},
}


@sent_in_full
class OverlayVersionSchema(VersionSchema):
    overlay = fields.Nested(OverlaySchema)


class OverlayChangeSchema(ma.Schema):
    field = fields.String(metadata={"example": "fields.title"})
    before = fields.Raw()
    after = fields.Raw()


VERSION_EXAMPLE = {
    "number": 2,
    "content_hash": REVIEW_EXAMPLE["content_hash"],
    "created_by": "Ana, marketing (cms_1a2b3c4d)",
    "created_at": "2026-11-26T09:00:00+00:00",
    "published_at": None,
    "published_by": None,
    "live": False,
    "overlay": OVERLAY_EXAMPLE,
}


def described(version: OverlayVersion, row: SiteOverlay) -> dict[str, Any]:
    return {name: getattr(version, name) for name in VERSION_FIELDS} | {
        "overlay": version.overlay,
        "live": version.number == row.published_version,
    }


def overlay_etag(site: Site, article_id: int) -> str:
    """Names the overlay's latest version: a save moves it on, an identical one does not."""
    return f"{site.id}-{article_id}-{site_overlays.draft_number(db.session, site, article_id)}"


def overlay_or_404(key: str, article_id: int) -> tuple[Any, Any, SiteOverlay]:
    site, article = site_or_404(key), article_or_404(article_id)
    row = site_overlays.find_overlay(db.session, site, article.id)
    if row is None:
        raise site_overlays.OverlayNotFound(f"site {key} has no overlay for article {article_id}")
    return site, article, row


@blp.route(OVERLAY)
class SiteOverlayView(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.response(200, OverlaySchema, example=OVERLAY_EXAMPLE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="getSiteOverlay")
    def get(self, key, article_id):
        """Get a site's overlay for an article

        As last saved (delivery may still apply an earlier, published version: see its
        versions). Empty when the site shows the article as it is.
        """
        site, article = site_or_404(key), article_or_404(article_id)
        overlay = site_overlays.latest_overlay(db.session, site, article.id)
        return overlay, 200, {"ETag": f'"{overlay_etag(site, article.id)}"'}

    @blp.requires(Role.EDITOR)
    @blp.arguments(OverlaySchema, example=OVERLAY_EXAMPLE)
    @blp.response(200, OverlaySchema, example=OVERLAY_EXAMPLE)
    @blp.doc(operationId="setSiteOverlay", **{EXTRA_PARAMETERS: [if_match_parameter("the overlay")]})
    @blp.alt_response(400, response=RESPONSE_NAMES[400])
    @blp.alt_response(404, response=RESPONSE_NAMES[404])
    @blp.alt_response(409, response=RESPONSE_NAMES[409])
    @blp.alt_response(412, response=RESPONSE_NAMES[412])
    @blp.alt_response(428, response=RESPONSE_NAMES[428])
    def put(self, overlay, key, article_id):
        """Set a site's overlay for an article

        Changes any field of the article or of a child (by key), hides children, reorders
        them. Checked against the article's draft: a key it lacks is a 422; a placeholder the
        site has no variable for, in what the site would show, is a 409. Saved as the
        overlay's next version, a draft: with REVIEW_REQUIRED delivery keeps applying the
        published version until this one is approved and published. The same overlay as its
        latest version saves nothing (no version, no audit entry). As with an article, If-Match
        names the ETag of your last read: 428 without it, 412 if another save came since.
        """
        sent_if_match()
        site, article = site_or_404(key), article_or_404(article_id)
        number = site_overlays.draft_number(db.session, site, article.id)
        version = expected_version(overlay_etag(site, article.id), number, "The overlay")
        saved = site_overlays.save_overlay(
            db.session, site, article, overlay, by=actor(), policy=review_policy(), expected_version=version
        )
        db.session.commit()
        return saved.overlay, 200, {"ETag": f'"{overlay_etag(site, article.id)}"'}


@blp.route(f"{OVERLAY}/versions")
class OverlayVersions(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.response(200, OverlayVersionSchema(many=True), example=[VERSION_EXAMPLE])
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="listOverlayVersions")
    def get(self, key, article_id):
        """List an overlay's versions

        Newest first: who saved each, and which one delivery applies (`live`).
        """
        _site, _article, row = overlay_or_404(key, article_id)
        return [described(version, row) for version in site_overlays.overlay_versions(db.session, row)]


@blp.route(f"{OVERLAY}/diff")
class OverlayDiff(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.arguments(DiffQuerySchema, location="query")
    @blp.response(
        200,
        OverlayChangeSchema(many=True),
        example=[{"field": "fields.title", "before": None, "after": "Back pain in Austin"}],
    )
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="diffOverlayVersions")
    def get(self, query, key, article_id):
        """Compare two versions of an overlay

        Member by member; `draft` is the latest version.
        """
        _site, _article, row = overlay_or_404(key, article_id)

        def overlay_of(name: str) -> dict[str, Any]:
            number = row.draft_version if name == "draft" else int(name)
            return site_overlays.find_version(db.session, row, number).overlay

        return diff_overlays(overlay_of(query["from_revision"]), overlay_of(query["to_revision"]))


@blp.route(f"{OVERLAY}/versions/<id:number>/restore")
class RestoreOverlayVersion(MethodView):
    @blp.requires(Role.EDITOR)
    @blp.response(200, OverlaySchema, example=OVERLAY_EXAMPLE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="restoreOverlayVersion")
    def post(self, key, article_id, number):
        """Restore an overlay version

        Saves it again as the next version: a draft to review and publish like any.
        """
        site, article, _row = overlay_or_404(key, article_id)
        version = site_overlays.restore_overlay(
            db.session, site, article, number, by=actor(), policy=review_policy()
        )
        db.session.commit()
        return version.overlay


@blp.route(f"{OVERLAY}/reviews")
class SubmitOverlay(MethodView):
    @blp.requires(Role.EDITOR)
    @blp.arguments(SubmitSchema, example={"note": "Austin's booking link"})
    @blp.response(201, ReviewSchema, example=REVIEW_EXAMPLE | {"status": "in_review", "comments": []})
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="submitOverlayForReview")
    def post(self, submission, key, article_id):
        """Submit an overlay for review

        Its latest version goes to the review queue, pinned; a later save voids the review.
        409 while the article as this site shows it with that version has a blocking
        health-claim finding no override names (listed in `findings`).
        """
        site, article, _row = overlay_or_404(key, article_id)
        review = site_overlays.submit_overlay(
            db.session, site, article, by=actor(), note=submission.get("note")
        )
        db.session.commit()
        return review


@blp.route(f"{OVERLAY}/publish")
class PublishOverlay(MethodView):
    @blp.requires(Role.PUBLISHER)
    @blp.response(200, OverlayVersionSchema, example=VERSION_EXAMPLE | {"live": True})
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(operationId="publishOverlay")
    def post(self, key, article_id):
        """Publish an overlay

        Delivery applies its latest version from now on; with REVIEW_REQUIRED only if a
        reviewer approved that version exactly (409 otherwise), and only while no blocking
        health-claim finding stands on the article as the site shows it (409 with `findings`).
        """
        site, article, row = overlay_or_404(key, article_id)
        version = site_overlays.publish_overlay(db.session, site, article, by=actor(), policy=review_policy())
        db.session.commit()
        return described(version, row)
