"""Probes for the orchestrator and the load balancer: /livez and /readyz, outside /v1, with
no key, no rate limit and no line in the request log (service.telemetry) when they answer 2xx."""

from flask import current_app
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields

from service.api.blueprint import ServiceBlueprint
from service.extensions import db
from service.health import check_readiness, not_ready

blp = ServiceBlueprint("Health", __name__, description="Liveness and readiness, for probes.")

PROBE_PATHS = frozenset({"/livez", "/readyz"})
CHECKS_EXAMPLE = {"database": "ok", "migrations": "ok", "redis": "ok"}


class LiveSchema(Schema):
    status = fields.String(metadata={"example": "live"})


class ReadySchema(Schema):
    status = fields.String(metadata={"example": "ready"})
    checks = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": 'Each check ("database", "migrations", "redis"): "ok" or what is wrong.'},
    )


@blp.route("/livez")
class Live(MethodView):
    @blp.response(200, LiveSchema, example={"status": "live"})
    @blp.doc(operationId="live")
    def get(self):
        """Whether the process answers

        Touches nothing else: a restart is the cure only when this fails.
        """
        return {"status": "live"}


@blp.route("/readyz")
class Ready(MethodView):
    @blp.response(200, ReadySchema, example={"status": "ready", "checks": CHECKS_EXAMPLE})
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(operationId="ready")
    def get(self):
        """Whether the service can serve

        The database answers, its migrations are at this code's head, and Redis answers
        when rate limits are counted there (`RATE_LIMIT_STORAGE_URI`). Otherwise 503, a
        problem document whose `checks` names what is not ready.
        """
        limits = current_app.extensions["rate_limits"]
        checks = check_readiness(
            db.session,
            current_app.extensions["migration_heads"],
            limits.shared_storage_answers if limits.is_shared else None,
        )
        if failing := not_ready(checks):
            reasons = "; ".join(f"{name} {state}" for name, state in failing.items())
            abort(503, message=f"Not ready: {reasons}.", members={"checks": checks})
        return {"status": "ready", "checks": checks}
