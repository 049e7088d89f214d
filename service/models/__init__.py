"""SQLAlchemy 2 typed models, one module per aggregate."""

from service.models.apikey import ApiKey
from service.models.article import (
    Article,
    Benefit,
    Condition,
    Faq,
    Revision,
    RevisionTag,
    Section,
)
from service.models.audit import AuditEntry
from service.models.base import Base
from service.models.experiment import Event, Experiment, Variant
from service.models.freshness import DeliveryGeneration
from service.models.schedule import Schedule
from service.models.site import Site, SiteOverlay
from service.models.webhook import Webhook, WebhookAttempt, WebhookDelivery

__all__ = [
    "ApiKey",
    "Article",
    "AuditEntry",
    "Base",
    "Benefit",
    "Condition",
    "DeliveryGeneration",
    "Event",
    "Experiment",
    "Faq",
    "Revision",
    "RevisionTag",
    "Schedule",
    "Section",
    "Site",
    "SiteOverlay",
    "Variant",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
]
