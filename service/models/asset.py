"""Media: an uploaded image (an asset), the renditions made of it once, at upload, and the
stored bytes, kept by their SHA-256 where every app host reads them."""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, utcnow
from service.models.lengths import ACTOR_LENGTH, HASH_LENGTH, NAME_LENGTH, STATUS_LENGTH


class Asset(Base):
    """An image as uploaded: the same bytes uploaded twice are one asset."""

    __tablename__ = "assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(HASH_LENGTH), unique=True)  # of the bytes uploaded
    media_type: Mapped[str] = mapped_column(String(STATUS_LENGTH))  # its format, read from its content
    width: Mapped[int]
    height: Mapped[int]
    byte_size: Mapped[int]
    filename: Mapped[str | None] = mapped_column(String(NAME_LENGTH))  # as the uploader named it
    created_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    renditions: Mapped[list["Rendition"]] = relationship(
        order_by="(Rendition.media_type, Rendition.width)",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",
    )


class Rendition(Base):
    """One size of an asset in one format, without its metadata (EXIF, GPS): what visitors load."""

    __tablename__ = "asset_renditions"

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(HASH_LENGTH), index=True)  # of its bytes: its URL
    media_type: Mapped[str] = mapped_column(String(STATUS_LENGTH))
    width: Mapped[int]
    height: Mapped[int]
    byte_size: Mapped[int]


class Blob(Base):
    """Stored bytes, by their SHA-256 (content.assets' database storage)."""

    __tablename__ = "blobs"

    digest: Mapped[str] = mapped_column(String(HASH_LENGTH), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
