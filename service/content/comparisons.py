"""Comparison tables as data (issue 16): `comparisons`, each a table of options (its columns)
compared on criteria (its rows), with a cell of inline Markdown per row and column. Every part
has a key, so an overlay or a variant can change one cell (a site's own price):
`comparisons[prp-vs-ha].rows[price].cells[prp]`. A comparison renders as the GitHub-flavoured
Markdown table it stands for (`comparison_markdown`), through the one Markdown renderer: the same
HTML, byte for byte, as that table written in a body."""

from collections.abc import Iterator
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from service.config import MAX_CELL_LENGTH, MAX_COMPARISON_COLUMNS, MAX_COMPARISON_ROWS
from service.content.text_fields import (
    SLUG_PATTERN,
    ChildSchema,
    inline_markdown_field,
    key_field,
    text_field,
)
from service.models.lengths import KEY_LENGTH, TITLE_LENGTH

ALIGNMENTS = ("left", "center", "right")
# A GFM table's delimiter cell for each alignment (None: the browser's, no align attribute).
_DELIMITERS = {None: "---", "left": ":---", "center": ":---:", "right": "---:"}


def _align() -> fields.String:
    return fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(ALIGNMENTS),
        metadata={
            "description": "How its cells are aligned (the `align` attribute); null: not set.",
            "example": "left",
        },
    )


class ComparisonCriteriaSchema(ma.Schema):
    """The first column, which names each row's criterion."""

    label = inline_markdown_field(
        required=False,
        max_length=TITLE_LENGTH,
        description="Its heading; null: left empty.",
        example="Criterion",
    )
    align = _align()


class ComparisonColumnSchema(ma.Schema):
    """One of the options compared."""

    key = key_field("the comparison's columns", example="prp")
    label = inline_markdown_field(max_length=TITLE_LENGTH, description="Its heading.", example="PRP")
    align = _align()


class ComparisonRowSchema(ma.Schema):
    """One criterion, with each option's cell for it."""

    key = key_field("the comparison's rows", example="price")
    label = inline_markdown_field(max_length=TITLE_LENGTH, example="Typical price for a course")
    cells = fields.Dict(
        keys=fields.String(validate=[validate.Length(max=KEY_LENGTH), SLUG_PATTERN]),
        values=inline_markdown_field(max_length=MAX_CELL_LENGTH),
        load_default=dict,
        validate=validate.Length(max=MAX_COMPARISON_COLUMNS),
        metadata={
            "description": "Inline Markdown by column key; a column left out has an empty cell here.",
            "example": {"prp": "$1,000 to $3,000", "hyaluronic-acid": "$500 to $1,500"},
        },
    )


def _duplicates(items: list[dict[str, Any]]) -> dict[int, dict[str, list[str]]]:
    seen: set[str] = set()
    errors = {}
    for index, item in enumerate(items):
        if item["key"] in seen:
            errors[index] = {"key": [f"Duplicate key {item['key']!r}."]}
        seen.add(item["key"])
    return errors


class ComparisonSchema(ChildSchema):
    """A table comparing options (columns) on criteria (rows)."""

    caption = text_field(
        required=False,
        max_length=TITLE_LENGTH,
        description="What the table compares, plain text (a frontend's <caption> or <figcaption>).",
        example="PRP and hyaluronic acid side by side",
    )
    criteria = fields.Nested(
        ComparisonCriteriaSchema,
        load_default=lambda: {"label": None, "align": None},
        metadata={"example": {"label": None, "align": "left"}},
    )
    columns = fields.List(
        fields.Nested(ComparisonColumnSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_COMPARISON_COLUMNS),
        metadata={
            "description": "The options compared, in order.",
            "example": [
                {"key": "prp", "label": "PRP", "align": "left"},
                {"key": "hyaluronic-acid", "label": "Hyaluronic acid", "align": "left"},
            ],
        },
    )
    rows = fields.List(
        fields.Nested(ComparisonRowSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_COMPARISON_ROWS),
        metadata={
            "description": "The criteria, in order, each with its cells.",
            "example": [
                {
                    "key": "price",
                    "label": "Typical price for a course",
                    "cells": {"prp": "$1,000 to $3,000", "hyaluronic-acid": "$500 to $1,500"},
                }
            ],
        },
    )

    @ma.validates_schema(skip_on_field_errors=True)
    def _keys_are_unique_and_cells_name_columns(self, data: dict[str, Any], **_: Any) -> None:
        errors: dict[str, Any] = {}
        for name in ("columns", "rows"):
            if duplicates := _duplicates(data[name]):
                errors[name] = duplicates
        columns = {column["key"] for column in data["columns"]}
        for index, row in enumerate(data["rows"]):
            if unknown := sorted(set(row["cells"]) - columns):
                cells = {"cells": [f"No column keyed {', '.join(unknown)}."]}
                errors.setdefault("rows", {}).setdefault(index, {}).update(cells)
        if errors:
            raise ma.ValidationError(errors)


def _line(cells: list[str | None]) -> str:
    """A table row: a `|` inside a cell is escaped, as GFM has it, so it ends no cell."""
    return "| " + " | ".join((cell or "").replace("|", "\\|") for cell in cells) + " |"


def comparison_markdown(comparison: dict[str, Any]) -> str:
    """The comparison as the GitHub-flavoured Markdown table it stands for."""
    criteria, columns = comparison["criteria"], comparison["columns"]
    alignments = [criteria["align"], *(column["align"] for column in columns)]
    lines = [
        _line([criteria["label"], *(column["label"] for column in columns)]),
        "|" + "|".join(_DELIMITERS[alignment] for alignment in alignments) + "|",
        *(
            _line([row["label"], *(row["cells"].get(column["key"]) for column in columns)])
            for row in comparison["rows"]
        ),
    ]
    return "\n".join(lines)


def addressed_values(comparison: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Each value of a comparison with the path that addresses it by keys (`caption`,
    `criteria.label`, `columns[prp].align`, `rows[price].cells[prp]`; a cell left out is None):
    what diffs and the guardrails name."""
    yield "caption", comparison.get("caption")
    for name in ("label", "align"):
        yield f"criteria.{name}", (comparison.get("criteria") or {}).get(name)
    for column in comparison["columns"]:
        for name in ("label", "align"):
            yield f"columns[{column['key']}].{name}", column.get(name)
    for row in comparison["rows"]:
        yield f"rows[{row['key']}].label", row["label"]
        for column in comparison["columns"]:
            yield f"rows[{row['key']}].cells[{column['key']}]", row["cells"].get(column["key"])


def comparison_texts(comparison: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """What a visitor reads of a comparison: its caption, headings, labels and cells, by path."""
    return ((path, value) for path, value in addressed_values(comparison) if not path.endswith(".align"))
