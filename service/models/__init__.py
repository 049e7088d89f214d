"""SQLAlchemy 2 typed models, one module per aggregate."""

from service.models.apikey import ApiKey, Role
from service.models.article import (
    Article,
    ArticleStatus,
    Benefit,
    Condition,
    Faq,
    Revision,
    RevisionTag,
    Section,
)
from service.models.audit import AuditEntry
from service.models.base import Base
from service.models.experiment import Event, EventKind, Experiment, ExperimentStatus, Variant
from service.models.freshness import DeliveryGeneration
from service.models.guardrails import FindingOverride
from service.models.schedule import Schedule, ScheduleAction
from service.models.site import Site, SiteOverlay
from service.models.webhook import DeliveryStatus, Webhook, WebhookAttempt, WebhookDelivery

__all__ = [
    "ApiKey",
    "Article",
    "ArticleStatus",
    "AuditEntry",
    "Base",
    "Benefit",
    "Condition",
    "DeliveryGeneration",
    "DeliveryStatus",
    "Event",
    "EventKind",
    "Experiment",
    "ExperimentStatus",
    "Faq",
    "FindingOverride",
    "Revision",
    "RevisionTag",
    "Role",
    "Schedule",
    "ScheduleAction",
    "Section",
    "Site",
    "SiteOverlay",
    "Variant",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
]
