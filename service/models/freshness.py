"""How every app process learns that what delivery serves has changed (content.freshness)."""

from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base


class DeliveryGeneration(Base):
    """One row whose counter goes up with every commit that changes delivered content."""

    __tablename__ = "delivery_generation"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    generation: Mapped[int]
