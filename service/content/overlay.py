"""Overlays: one mechanism for site customisations and experiment variants.

An overlay is a patch on an article document (JSON-ready, the seed shape):

    {"fields":   {"title": "...", "call_to_action": {"body": "..."}},   # JSON Merge Patch
     "children": {"faqs": {"time-to-results": {"answer": "..."}},      # per child, by key
                  "comparisons": {"prp-vs-ha": {"rows": {"price": {"cells": {"prp": "..."}}}}}},
     "hide":     {"sections": ["latest-insights"]},                       # drop children
     "order":    {"faqs": ["cost", "time-to-results"]}}                   # these first, in this order

A comparison's rows and columns are patched by key too, down to one cell (patch_child).
`apply_overlay` is pure; `check_overlay` says, by path, what in an overlay does not fit an
article, so a bad overlay is refused when it is saved, never found out by a visitor.
"""

import copy
from collections.abc import Callable
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from service.config import MAX_CHILDREN
from service.content.document import (
    CHILD_MODELS,
    KEYED_LISTS,
    READ_ONLY_FIELDS,
    load_document,
    merge_patch,
    patch_child,
)
from service.content.errors import InvalidDocument

KINDS = tuple(CHILD_MODELS)


def _by_kind(name: str, values: Callable[[], fields.Field]) -> fields.Nested:
    """An object with an optional member per kind of child, so the spec lists the kinds."""
    return fields.Nested(
        ma.Schema.from_dict({kind: values() for kind in KINDS}, name=name), load_default=dict
    )


def _child_keys() -> fields.List:
    return fields.List(fields.String(), validate=validate.Length(max=MAX_CHILDREN))


class OverlaySchema(ma.Schema):
    """The shape of an overlay; what it names is checked against an article by check_overlay."""

    fields_ = fields.Dict(data_key="fields", attribute="fields", load_default=dict)
    children = _by_kind("OverlayChildren", lambda: fields.Dict(keys=fields.String(), values=fields.Dict()))
    hide = _by_kind("OverlayHide", _child_keys)
    order = _by_kind("OverlayOrder", _child_keys)


def apply_overlay(document: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """The document as the overlay changes it. The input is not modified."""
    result = merge_patch(copy.deepcopy(document), overlay.get("fields", {}))
    for kind in KINDS:
        if kind not in result:  # a revision's document older than the kind
            continue
        patches = overlay.get("children", {}).get(kind, {})
        hidden = set(overlay.get("hide", {}).get(kind, []))
        children = [
            patch_child(kind, child, patches[child["key"]]) if child["key"] in patches else child
            for child in result[kind]
            if child["key"] not in hidden
        ]
        first = overlay.get("order", {}).get(kind, [])
        rank = {key: index for index, key in enumerate(first)}
        # Listed keys first, in the overlay's order; the rest keep theirs (sorted is stable).
        result[kind] = sorted(children, key=lambda child: rank.get(child["key"], len(rank)))
    return result


def _unknown_parts(document: dict[str, Any], kind: str, patches: dict[str, Any]) -> list[str]:
    """What a patch of a child names in its keyed lists (a comparison's rows) that the child lacks:
    an overlay changes or removes what the article has, and adds nothing."""
    children = {child["key"]: child for child in document.get(kind, [])}
    unknown = []
    for key, patch in patches.items():
        for name in KEYED_LISTS.get(kind, ()):
            if isinstance(patch, dict) and isinstance(patch.get(name), dict):
                missing = sorted(set(patch[name]) - {item["key"] for item in children[key][name]})
                if missing:
                    unknown.append(f"The {kind} {key} has no {name} keyed {', '.join(missing)}.")
    return unknown


def check_overlay(document: dict[str, Any], overlay: dict[str, Any]) -> None:
    """Raise InvalidDocument naming each part of the overlay that does not fit the article:
    unknown child keys, read-only fields, and a result that is not a valid article."""
    errors: dict[str, Any] = {}
    keys = {kind: {child["key"] for child in document.get(kind, [])} for kind in KINDS}
    for section in ("children", "hide", "order"):
        for kind, named in overlay.get(section, {}).items():
            unknown = sorted(set(named) - keys[kind])
            if unknown:
                errors.setdefault(section, {})[kind] = [
                    f"The article has no {kind} keyed {', '.join(unknown)}."
                ]
    for kind, patches in overlay.get("children", {}).items():
        if kind not in errors.get("children", {}) and (
            unknown_parts := _unknown_parts(document, kind, patches)
        ):
            errors.setdefault("children", {})[kind] = unknown_parts
    touched = sorted(set(overlay.get("fields", {})) & (READ_ONLY_FIELDS | set(KINDS) | {"slug", "locale"}))
    if touched:
        errors.setdefault("fields", {})["_schema"] = [
            f"Not changeable by an overlay: {', '.join(touched)} (children are changed with children, hide "
            "and order; slug and locale name the article)."
        ]
    if errors:
        raise InvalidDocument(errors)
    try:
        load_document(apply_overlay(document, overlay))
    except InvalidDocument as error:
        raise InvalidDocument({"result": error.messages}) from error
