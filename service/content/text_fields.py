"""The building blocks of document schemas: text that is never blank and always storable,
Markdown and plain-text list fields, the child list, and the stable key every child has."""

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from service.config import MAX_CHILDREN, MAX_LIST_ITEMS, MAX_TEXT_LENGTH
from service.content.json_input import unstorable_reason
from service.content.patterns import Pattern
from service.models.lengths import KEY_LENGTH

SLUG_REGEX = r"[a-z0-9]+(?:-[a-z0-9]+)*"
SLUG_PATTERN = Pattern(f"^{SLUG_REGEX}$", error="Use lowercase letters, digits and single hyphens.")


# White space as JavaScript (and so JSON Schema's `pattern`) knows it: Python's own also
# counts \x1c-\x1f, which would make the spec and the service disagree on what is blank.
WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_SPACE_CLASS = r"\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# What is_text accepts, for the spec: something not blank, and no NUL anywhere.
TEXT_PATTERN = rf"^[^\u0000]*[^\u0000{_SPACE_CLASS}][^\u0000]*$"
# What is_line accepts, for the spec: as TEXT_PATTERN, on one line.
LINE_PATTERN = rf"^[^\u0000\n\r]*[^\u0000\n\r{_SPACE_CLASS}][^\u0000\n\r]*$"


def is_text(value: str) -> None:
    """Text has something to read, and only characters every database here can store."""
    if not value.strip(WHITESPACE):
        raise ma.ValidationError("Must not be blank.")
    refuse_unstorable(value)


def is_line(value: str) -> None:
    """Text of one line: a table's cell, where a line break would end its row."""
    is_text(value)
    if "\n" in value or "\r" in value:
        raise ma.ValidationError("One line only: no line breaks.")


def refuse_unstorable(value: str) -> None:
    """NUL (PostgreSQL cannot store it) and lone surrogates (no encoding can) are refused."""
    if (reason := unstorable_reason(value)) is not None:
        raise ma.ValidationError(reason)


def text_field(
    required: bool = True, max_length: int = MAX_TEXT_LENGTH, one_line: bool = False, **metadata: Any
) -> fields.String:
    """A text field: required, or optional and nullable; never blank; perhaps of one line."""
    checks = [validate.Length(max=max_length), is_line if one_line else is_text]
    pattern = LINE_PATTERN if one_line else TEXT_PATTERN  # what the check accepts
    metadata = {"minLength": 1, "pattern": pattern, **metadata}
    if required:
        return fields.String(required=True, validate=checks, metadata=metadata)
    return fields.String(load_default=None, allow_none=True, validate=checks, metadata=metadata)


def markdown_field(required: bool = True, **metadata: Any) -> fields.String:
    return text_field(required, format="markdown", **metadata)


def inline_markdown_field(
    required: bool = True, max_length: int = MAX_TEXT_LENGTH, **metadata: Any
) -> fields.String:
    """Markdown of one line, read as inline text (bold, links, citations; no paragraphs or lists)."""
    return text_field(required, max_length, one_line=True, format="markdown", **metadata)


def text_list(**metadata: Any) -> fields.List:
    item = text_field(max_length=MAX_TEXT_LENGTH)
    return fields.List(
        item, load_default=list, validate=validate.Length(max=MAX_LIST_ITEMS), metadata=metadata
    )


def children_of(schema: type[ma.Schema]) -> fields.List:
    return fields.List(fields.Nested(schema), load_default=list, validate=validate.Length(max=MAX_CHILDREN))


def key_field(within: str = "the article and kind", **metadata: Any) -> fields.String:
    """The stable key of a child (or of a part of one, such as a table's row)."""
    description = f"Stable, slug-like address, unique within {within}."
    return fields.String(
        required=True,
        validate=[validate.Length(max=KEY_LENGTH), SLUG_PATTERN],
        metadata={"description": description, **metadata},
    )


class ChildSchema(ma.Schema):
    key = key_field()
