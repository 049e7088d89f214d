"""Sites: the clinic frontends that render the articles, each with its own details."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, utcnow
from service.models.lengths import ACTOR_LENGTH, HASH_LENGTH, KEY_LENGTH, NAME_LENGTH


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
    """A site's own changes to one article (its CTA, a hidden section...): an overlay. Content
    like an article's: edits make numbered versions, and visitors see only the one published
    (`overlay`), reviewed as any version is."""

    __tablename__ = "site_overlays"
    __table_args__ = (UniqueConstraint("site_id", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    overlay: Mapped[dict[str, Any]]  # the published overlay: what delivery applies
    # The latest version, the working copy: an edit adds one, publishing serves it.
    draft_version: Mapped[int] = mapped_column(default=0)
    published_version: Mapped[int | None]
    # The keys that changed it since it was last published (four eyes, as for articles).
    draft_authors: Mapped[list[int]] = mapped_column(default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    versions: Mapped[list["OverlayVersion"]] = relationship(
        order_by="OverlayVersion.number", cascade="all, delete-orphan", passive_deletes=True, lazy="raise"
    )


class OverlayVersion(Base):
    """One saved state of a site's overlay, numbered: its history, diffs and restores."""

    __tablename__ = "overlay_versions"
    __table_args__ = (UniqueConstraint("site_overlay_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_overlay_id: Mapped[int] = mapped_column(ForeignKey("site_overlays.id", ondelete="CASCADE"))
    number: Mapped[int]
    overlay: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    created_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    published_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
