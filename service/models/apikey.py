"""API keys: who may use the management API, with which role. Only a hash is stored."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, utcnow
from service.models.lengths import API_KEY_NAME_LENGTH, STATUS_LENGTH


class Role(StrEnum):
    """In order: each role may do everything the roles before it may."""

    VIEWER = "viewer"
    EDITOR = "editor"
    PUBLISHER = "publisher"
    ADMIN = "admin"


class Capability(StrEnum):
    """What a key may do beside its role: each is a boolean column of the key, by this name."""

    REVIEWER = "reviewer"


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(API_KEY_NAME_LENGTH))
    # Shown in lists and logs to tell keys apart; the secret part is never stored.
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(STATUS_LENGTH))  # a Role
    # A capability beside the role: this key may approve or send back changes in review
    # (a clinician's key, say). Roles do not imply it: an admin is not a clinical reviewer.
    reviewer: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
