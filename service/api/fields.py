"""Field types the API needs beyond marshmallow's own."""

from typing import Any

from marshmallow import fields


class StrictBoolean(fields.Boolean):
    """true or false, and nothing else: marshmallow's Boolean would also take 0, 1, "yes"..."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value
