"""Field types the API needs beyond marshmallow's own."""

from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError, fields

from service.models.base import utcnow


class StrictBoolean(fields.Boolean):
    """true or false, and nothing else: marshmallow's Boolean would also take 0, 1, "yes"..."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class Instant(fields.AwareDateTime):
    """A point in time with its zone, that can be held in UTC (9999-12-31T23:30-01:00 cannot)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> datetime:
        instant = super()._deserialize(value, attr, data, **kwargs)
        try:
            return instant.astimezone(UTC)
        except OverflowError as error:
            raise ValidationError("Out of range.") from error


def in_the_future(value: datetime) -> None:
    """For an Instant that only makes sense ahead: an expiry, a schedule."""
    if value <= utcnow():
        raise ValidationError("Must be in the future.")
