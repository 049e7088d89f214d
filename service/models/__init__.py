"""SQLAlchemy 2 typed models, one module per aggregate."""

from service.models.apikey import ApiKey, Capability, Role
from service.models.article import (
    Article,
    ArticleStatus,
    Benefit,
    Callout,
    CalloutKind,
    Comparison,
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
from service.models.asset import Asset, Blob, Rendition
from service.models.audit import AuditEntry
from service.models.base import Base
from service.models.experiment import (
    Event,
    EventKind,
    Experiment,
    ExperimentPhase,
    ExperimentStatus,
    Variant,
    VariantsVersion,
)
from service.models.freshness import DeliveryGeneration
from service.models.guardrails import FindingOverride
from service.models.person import Person
from service.models.release import Release, ReleaseStatus
from service.models.review import Review, ReviewComment, ReviewStatus
from service.models.schedule import Schedule, ScheduleAction
from service.models.site import OverlayVersion, Site, SiteOverlay
from service.models.webhook import DeliveryStatus, Webhook, WebhookAttempt, WebhookDelivery, WebhookEvent

__all__ = [
    "ApiKey",
    "Article",
    "ArticleStatus",
    "Asset",
    "AuditEntry",
    "Base",
    "Benefit",
    "Blob",
    "Callout",
    "CalloutKind",
    "Capability",
    "Comparison",
    "Condition",
    "ConsentForm",
    "Coverage",
    "DeliveryGeneration",
    "DeliveryStatus",
    "Event",
    "EventKind",
    "Experiment",
    "ExperimentPhase",
    "ExperimentStatus",
    "Fact",
    "FactKind",
    "Faq",
    "FindingOverride",
    "OverlayVersion",
    "Person",
    "Release",
    "ReleaseStatus",
    "Rendition",
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
    "VariantsVersion",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEvent",
]
