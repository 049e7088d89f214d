"""People: the authors and medical reviewers articles name, with their credentials."""

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, utcnow
from service.models.lengths import KEY_LENGTH, NAME_LENGTH, TITLE_LENGTH


class Person(Base):
    """Someone an article names by key: as one of its authors, or as its medical reviewer."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    credentials: Mapped[str | None] = mapped_column(String(TITLE_LENGTH))  # "MD, FAAPMR"
    specialty: Mapped[str | None] = mapped_column(String(TITLE_LENGTH))
    bio: Mapped[str | None] = mapped_column(Text)  # Markdown
    photo: Mapped[dict[str, Any] | None]  # an image of the media library (content.image_references)
    profile_url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
