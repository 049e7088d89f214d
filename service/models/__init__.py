"""SQLAlchemy 2 typed models, one module per aggregate."""

from service.models.apikey import ApiKey, Capability, Role
from service.models.article import (
    Article,
    ArticleStatus,
    Benefit,
    Callout,
    CalloutKind,
    Condition,
    ConsentForm,
    Coverage,
    Fact,
    FactKind,
    Faq,
    Revision,
    RevisionTag,
    Section,
    Step,
    Testimonial,
)
from service.models.audit import AuditEntry
from service.models.base import Base
from service.models.experiment import Event, EventKind, Experiment, ExperimentStatus, Variant
from service.models.freshness import DeliveryGeneration
from service.models.guardrails import FindingOverride
from service.models.release import Release, ReleaseStatus
from service.models.review import Review, ReviewComment, ReviewStatus
from service.models.schedule import Schedule, ScheduleAction
from service.models.site import OverlayVersion, Site, SiteOverlay
from service.models.webhook import DeliveryStatus, Webhook, WebhookAttempt, WebhookDelivery, WebhookEvent

__all__ = [
    "ApiKey",
    "Article",
    "ArticleStatus",
    "AuditEntry",
    "Base",
    "Benefit",
    "Callout",
    "CalloutKind",
    "Capability",
    "Condition",
    "ConsentForm",
    "Coverage",
    "DeliveryGeneration",
    "DeliveryStatus",
    "Event",
    "EventKind",
    "Experiment",
    "ExperimentStatus",
    "Fact",
    "FactKind",
    "Faq",
    "FindingOverride",
    "OverlayVersion",
    "Release",
    "ReleaseStatus",
    "Review",
    "ReviewComment",
    "ReviewStatus",
    "Revision",
    "RevisionTag",
    "Role",
    "Schedule",
    "ScheduleAction",
    "Section",
    "Site",
    "SiteOverlay",
    "Step",
    "Testimonial",
    "Variant",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEvent",
]
