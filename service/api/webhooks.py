"""Webhooks, managed by admins: endpoints told of every change that alters delivery."""

from datetime import timedelta

import marshmallow as ma
from flask import current_app, g
from flask.views import MethodView
from marshmallow import fields, validate

from service.api.auth import ManagementBlueprint, actor
from service.content import targets, webhooks
from service.content.audit import record
from service.content.document import URL_LENGTH
from service.content.patterns import IPV6_URL, SERVICE_URL, url_pattern
from service.content.text_fields import text_field
from service.extensions import db
from service.models import Role, Webhook
from service.models.lengths import NAME_LENGTH

MAX_ROTATION_OVERLAP_SECONDS = 30 * 24 * 3600
DEFAULT_OVERLAP = int(webhooks.ROTATION_OVERLAP.total_seconds())

blp = ManagementBlueprint(
    "Webhooks",
    __name__,
    url_prefix="/v1/manage/webhooks",
    description=(
        "POSTed JSON for every change that alters delivery (articles, sites, overlays, experiments), "
        "`{type, timestamp, data}`, where `data.purge_keys` names the surrogate keys a CDN must "
        "purge. Signed the Standard Webhooks way: headers `webhook-id`, `webhook-timestamp` and "
        "`webhook-signature: v1,<base64>` (one per valid secret, space-separated); verify them with "
        "any Standard Webhooks library and the `whsec_` secret. Retried with exponential backoff "
        "(30 s, 1 min, 2 min...) up to 8 attempts, by `flask worker` (or `flask send-webhooks`)."
    ),
)


class NewWebhookSchema(ma.Schema):
    url = fields.String(
        required=True,
        # service names such as http://rebuilder:8080/hook match; _public_target decides
        validate=[validate.Length(max=URL_LENGTH), url_pattern(SERVICE_URL, IPV6_URL)],
        metadata={
            "description": "Its host must be a public internet address, or a name resolving only to "
            "public addresses (checked again before each delivery), unless the service allows "
            "private targets (WEBHOOK_ALLOW_PRIVATE_TARGETS).",
            "example": "https://clinic.example/hooks/cms",
        },
    )
    events = fields.List(
        fields.String(validate=validate.OneOf([event.value for event in webhooks.EVENTS])),
        required=True,
        validate=validate.Length(min=1, max=len(webhooks.EVENTS)),
        metadata={
            "description": "Any of: " + ", ".join(event.value for event in webhooks.EVENTS) + ".",
            "example": ["article.published", "article.unpublished", "site.updated"],
        },
    )
    description = text_field(required=False, max_length=NAME_LENGTH)

    @ma.validates("url")
    def _public_target(self, url, **_):
        if current_app.config["WEBHOOK_ALLOW_PRIVATE_TARGETS"]:
            return
        try:
            targets.check(targets.resolve(url))
        except targets.TargetRefused as refused:
            raise ma.ValidationError(str(refused)) from refused


class WebhookSchema(ma.Schema):
    id = fields.Integer()
    url = fields.String()
    events = fields.List(fields.String())
    description = fields.String(allow_none=True)
    created_at = fields.DateTime()


class CreatedWebhookSchema(WebhookSchema):
    secret = fields.String(
        metadata={"description": "Signs every delivery (`whsec_` and base64). Shown this once."}
    )


class RotationSchema(ma.Schema):
    previous_valid_for_seconds = fields.Integer(
        load_default=DEFAULT_OVERLAP,
        validate=validate.Range(min=0, max=MAX_ROTATION_OVERLAP_SECONDS),
        metadata={
            "description": "How long the old secret still signs (each delivery then carries both "
            "signatures). Default: a day; at most 30 days; 0 ends it at once.",
            "example": 86400,
        },
    )


class RotatedWebhookSchema(CreatedWebhookSchema):
    previous_secret_expires_at = fields.DateTime(
        metadata={"description": "Until when the previous secret signs too."}
    )


class AttemptSchema(ma.Schema):
    at = fields.DateTime()
    status_code = fields.Integer(allow_none=True)
    error = fields.String(
        allow_none=True,
        metadata={
            "description": "Why it failed: `HTTP 503`, a connection error, or `Refused: ...` for a host "
            "not (or no longer) resolving to public addresses. The receiver's answer is never kept."
        },
    )
    duration_ms = fields.Integer()


class DeliverySchema(ma.Schema):
    id = fields.Integer()
    event = fields.String()
    payload = fields.Dict()
    status = fields.String(metadata={"description": "pending, delivered or failed (gave up)."})
    attempts = fields.Integer()
    next_attempt_at = fields.DateTime()
    created_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)
    attempt_log = fields.List(fields.Nested(AttemptSchema), data_key="attempt_log")


WEBHOOK_EXAMPLE = {
    "id": 1,
    "url": "https://clinic.example/hooks/cms",
    "events": ["article.published", "article.unpublished"],
    "description": "Rebuild the Austin site",
    "created_at": "2026-11-26T09:00:00+00:00",
}
DELIVERY_EXAMPLE = {
    "id": 17,
    "event": "article.published",
    "payload": {
        "type": "article.published",
        "timestamp": "2026-11-26T09:30:00+00:00",
        "data": {
            "article": {
                "id": 1,
                "slug": "are-all-types-of-back-pain-treatable-with-stem-cells",
                "locale": "en",
                "revision": 2,
            },
            "purge_keys": ["article-1", "articles"],
        },
    },
    "status": "delivered",
    "attempts": 2,
    "next_attempt_at": "2026-11-26T09:30:30+00:00",
    "created_at": "2026-11-26T09:30:00+00:00",
    "delivered_at": "2026-11-26T09:30:31+00:00",
    "attempt_log": [
        {"at": "2026-11-26T09:30:01+00:00", "status_code": 503, "error": "HTTP 503", "duration_ms": 41},
        {"at": "2026-11-26T09:30:31+00:00", "status_code": 200, "error": None, "duration_ms": 38},
    ],
}


def webhook_or_404(webhook_id: int) -> Webhook:
    return db.get_or_404(Webhook, webhook_id, description=f"There is no webhook {webhook_id}.")


@blp.route("")
class Webhooks(MethodView):
    @blp.requires(Role.ADMIN)
    @blp.response(200, WebhookSchema(many=True), example=[WEBHOOK_EXAMPLE])
    @blp.doc(operationId="listWebhooks")
    def get(self):
        """List webhooks"""
        return webhooks.list_webhooks(db.session)

    @blp.requires(Role.ADMIN)
    @blp.arguments(NewWebhookSchema)
    @blp.response(201, CreatedWebhookSchema, example=WEBHOOK_EXAMPLE | {"secret": "whsec_Zx9..."})
    @blp.doc(operationId="createWebhook")
    def post(self, new):
        """Register a webhook

        The answer holds the signing secret, this once.
        """
        webhook = webhooks.create_webhook(db.session, new["url"], new["events"], new["description"])
        record(db.session, g.api_key, "webhook.created", webhook=webhook.id, events=webhook.events)
        db.session.commit()
        return webhook


@blp.route("/<id:webhook_id>")
class WebhookView(MethodView):
    @blp.requires(Role.ADMIN)
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="deleteWebhook")
    def delete(self, webhook_id):
        """Delete a webhook

        With its pending deliveries.
        """
        webhook = webhook_or_404(webhook_id)
        record(db.session, g.api_key, "webhook.deleted", webhook=webhook.id)
        db.session.delete(webhook)
        db.session.commit()


@blp.route("/<id:webhook_id>/rotate-secret")
class SecretRotation(MethodView):
    @blp.requires(Role.ADMIN)
    @blp.arguments(RotationSchema, required=False)
    @blp.response(
        200,
        RotatedWebhookSchema,
        example=WEBHOOK_EXAMPLE
        | {
            "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "previous_secret_expires_at": "2026-11-27T09:00:00+00:00",
        },
    )
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="rotateWebhookSecret")
    def post(self, rotation, webhook_id):
        """Rotate a webhook's secret

        The answer holds the new secret, this once. Until `previous_valid_for_seconds` have
        passed, deliveries are signed with both secrets, so the receiver can switch in its own
        time.
        """
        overlap = timedelta(seconds=rotation["previous_valid_for_seconds"])
        webhook = webhooks.rotate_secret(db.session, webhook_or_404(webhook_id), overlap, by=actor())
        db.session.commit()
        return webhook


@blp.route("/<id:webhook_id>/deliveries")
class Deliveries(MethodView):
    @blp.requires(Role.ADMIN)
    @blp.response(200, DeliverySchema(many=True), example=[DELIVERY_EXAMPLE])
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="listDeliveries")
    def get(self, webhook_id):
        """List a webhook's deliveries

        Newest first, each with its attempts: when, the HTTP status, the error, how long.
        """
        deliveries = webhooks.deliveries_of(db.session, webhook_or_404(webhook_id))
        attempts = webhooks.attempts_of(db.session, [d.id for d in deliveries])
        return [
            {name: getattr(d, name) for name in DeliverySchema().fields if name != "attempt_log"}
            | {"attempt_log": attempts[d.id]}
            for d in deliveries
        ]
