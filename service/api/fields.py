"""Field types the API needs beyond marshmallow's own."""

from datetime import UTC, datetime
from typing import Any

from flask_smorest.fields import Upload
from marshmallow import ValidationError, fields
from werkzeug.datastructures import FileStorage

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


class FilePart(Upload):
    """A multipart part sent as a file (with a filename), not as a plain form field."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> FileStorage:
        if not isinstance(value, FileStorage):
            raise ValidationError("Not a file: send it as a part with a filename.")
        return value
