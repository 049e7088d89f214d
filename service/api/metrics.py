"""GET /metrics: the Prometheus exposition (service.metrics), for the networks in
METRICS_ALLOWED_NETWORKS only (the host itself by default): what it tells, such as traffic by
route and the outbox's depth, is for the operator."""

import ipaddress
import os

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import abort
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from service.api.blueprint import ServiceBlueprint
from service.api.limits import client_address
from service.extensions import db
from service.metrics import StoredWork, forget_dead_workers
from service.models.base import utcnow

blp = ServiceBlueprint("Metrics", __name__, description="Prometheus metrics, for the operator.")

EXAMPLE = (
    "# HELP cms_http_requests_total HTTP requests answered, by route template, method and status.\n"
    "# TYPE cms_http_requests_total counter\n"
    'cms_http_requests_total{method="GET",route="/v1/articles/<slug:slug>",status="200"} 1027.0\n'
)


def allowed_networks(setting: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """METRICS_ALLOWED_NETWORKS: comma-separated addresses or CIDR networks."""
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False) for part in setting.split(",") if part.strip()
    )


def may_scrape(address: str, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> bool:
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(client in network for network in networks)


def exposition() -> bytes:
    """Every live worker's metrics (multiprocess mode, under granian) or this process's, and
    the stored work read now."""
    registry = CollectorRegistry()
    if directory := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        forget_dead_workers(directory)
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REGISTRY)  # a registry is a collector of all it holds
    registry.register(StoredWork(db.session, utcnow()))
    try:
        return generate_latest(registry)
    finally:
        db.session.rollback()  # end the reads


@blp.route("/metrics")
class Metrics(MethodView):
    @blp.response(
        200,
        {"type": "string"},
        content_type="text/plain",
        description="Prometheus' text exposition format, version 0.0.4.",
        example=EXAMPLE,
    )
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.doc(operationId="metrics")
    def get(self):
        """Get the metrics

        Requests by route and status with their latency, delivery's cache, events, rate-limit
        refusals, dependency failures, the webhook outbox and schedule lag. Only for clients
        in `METRICS_ALLOWED_NETWORKS` (403 otherwise).
        """
        if not may_scrape(client_address(), current_app.extensions["metrics_networks"]):
            abort(403, message="Metrics are served to the networks in METRICS_ALLOWED_NETWORKS only.")
        return Response(exposition(), content_type=CONTENT_TYPE_LATEST)
