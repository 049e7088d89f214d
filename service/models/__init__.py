"""SQLAlchemy 2 typed models, one module per aggregate."""

from service.models.article import (
    Article,
    Benefit,
    Condition,
    Faq,
    Revision,
    RevisionTag,
    Section,
)
from service.models.base import Base

__all__ = ["Article", "Base", "Benefit", "Condition", "Faq", "Revision", "RevisionTag", "Section"]
