"""Domain exceptions and the one way validation errors are reported: a path per bad field."""

from collections.abc import Mapping
from typing import Any


def field_errors(messages: Any, path: str = "") -> list[dict[str, str]]:
    """Flatten marshmallow's nested messages into `{"field": "sections[2].key", "message": ...}`.

    A marshmallow error dict nests by field name and list index; a person needs the path.
    """
    if isinstance(messages, Mapping):
        errors = []
        for name, nested in messages.items():
            if isinstance(name, int):
                child = f"{path}[{name}]"
            elif name == "_schema":
                child = path
            else:
                child = f"{path}.{name}" if path else str(name)
            errors.extend(field_errors(nested, child))
        return errors
    if isinstance(messages, list | tuple):
        return [e for message in messages for e in field_errors(message, path)]
    return [{"field": path, "message": str(messages)}]


class InvalidDocument(Exception):
    """An article document that does not match the interchange format."""

    def __init__(self, messages: Any) -> None:
        self.messages = messages
        self.errors = field_errors(messages)
        listed = "; ".join(f"{e['field'] or '(document)'}: {e['message']}" for e in self.errors)
        super().__init__(f"invalid article document: {listed}")
