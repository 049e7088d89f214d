"""Sites: the clinic frontends that render the articles, each with its own details."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, utcnow
from service.models.lengths import KEY_LENGTH, NAME_LENGTH


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), unique=True)  # e.g. clinic-austin
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    origins: Mapped[list[str]]  # browser origins allowed to call delivery for this site
    variables: Mapped[dict[str, Any]]  # {{site.<name>}} values: phone, booking_url, city...
    page_url: Mapped[str | None] = mapped_column(Text)  # where it shows an article: .../{slug}
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SiteOverlay(Base):
    """A site's own changes to one article (its CTA, a hidden section...): an overlay."""

    __tablename__ = "site_overlays"
    __table_args__ = (UniqueConstraint("site_id", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    overlay: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
