"""The HTTP API: one blueprint per resource."""

from flask import Flask
from flask_smorest import Api

from service.api import (
    articles,
    assets,
    audit,
    delivery,
    events,
    experiment_reviews,  # noqa: F401 (its routes are on experiments.blp)
    experiment_versions,  # noqa: F401 (its routes are on experiments.blp)
    experiments,
    health,
    keys,
    media,
    metrics,
    people,
    releases,
    reviews,
    reviews_due,
    site_delivery,
    site_overlays,  # noqa: F401 (its routes are on sites.blp)
    sites,
    transfer,
    webhooks,
)
from service.api.auth import BEARER_SCHEME
from service.api.converters import register_converters
from service.api.examples import DOCUMENT_EXAMPLE
from service.content.document import ArticleDocumentSchema


def register_blueprints(app: Flask, api: Api) -> None:
    register_converters(app, api)
    # The interchange format itself (seed files, imports), documented with the example article.
    api.spec.components.schema("ArticleDocument", {"example": DOCUMENT_EXAMPLE}, schema=ArticleDocumentSchema)
    # The import body, named so the operation's oneOf (it also takes export's bare list) can point at it.
    api.spec.components.schema("Import", schema=transfer.ImportSchema)
    # What each item of an event batch should be (the batch takes anything, item by item).
    api.spec.components.schema("Event", {"example": events.EVENT_EXAMPLE}, schema=events.EventSchema)
    api.spec.components.security_scheme(
        BEARER_SCHEME, {"type": "http", "scheme": "bearer", "description": "An API key: cms_xxxxxxxx_..."}
    )
    api.register_blueprint(delivery.blp)
    api.register_blueprint(site_delivery.blp)
    api.register_blueprint(media.blp)
    api.register_blueprint(articles.blp)
    api.register_blueprint(reviews.blp)
    api.register_blueprint(releases.blp)
    api.register_blueprint(audit.blp)
    api.register_blueprint(reviews_due.blp)
    api.register_blueprint(keys.blp)
    api.register_blueprint(transfer.blp)
    api.register_blueprint(webhooks.blp)
    api.register_blueprint(sites.blp)  # (site_overlays' routes included)
    api.register_blueprint(assets.blp)
    api.register_blueprint(people.blp)
    api.register_blueprint(experiments.blp)
    api.register_blueprint(events.blp)
    api.register_blueprint(health.blp)
    api.register_blueprint(metrics.blp)
