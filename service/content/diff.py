"""What changed between two article documents: fields, and children added, removed, changed or moved."""

from difflib import SequenceMatcher
from typing import Any

from service.content.comparisons import addressed_values
from service.content.document import CHILD_MODELS, KEYED_LISTS


def field_changes(before: dict[str, Any], after: dict[str, Any], prefix: str = "") -> list[dict[str, Any]]:
    """Each field that differs (nested objects by dotted path), before and after."""
    changes = []
    # Sorted: documents read back from PostgreSQL's JSONB do not keep their key order.
    for name in sorted({*before, *after}):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict):
            changes.extend(field_changes(old, new, f"{prefix}{name}."))
        else:
            changes.append({"field": f"{prefix}{name}", "before": old, "after": new})
    return changes


def _comparison_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """A comparison's changes value by value, each by its path (`rows[price].cells[prp]`); a
    row or column added or removed is its values from or to null; a new order of rows or
    columns is the list of their keys before and after (`rows`)."""
    old, new = dict(addressed_values(before)), dict(addressed_values(after))
    changes = []
    for name in KEYED_LISTS["comparisons"]:
        old_keys, new_keys = [item["key"] for item in before[name]], [item["key"] for item in after[name]]
        if [key for key in old_keys if key in new_keys] != [key for key in new_keys if key in old_keys]:
            changes.append({"field": name, "before": old_keys, "after": new_keys})
    for path in dict.fromkeys([*new, *old]):
        if old.get(path) != new.get(path):
            changes.append({"field": path, "before": old.get(path), "after": new.get(path)})
    return changes


def _child_changes(kind: str, before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    return _comparison_changes(before, after) if kind == "comparisons" else field_changes(before, after)


def _moved(before_keys: list[str], after_keys: list[str]) -> list[str]:
    """Keys present in both whose order relative to the others changed: those outside the
    longest run of matching order, so one insertion does not make everything after it 'moved'."""
    common = set(before_keys) & set(after_keys)
    old = [key for key in before_keys if key in common]
    new = [key for key in after_keys if key in common]
    kept = set()
    for block in SequenceMatcher(a=old, b=new, autojunk=False).get_matching_blocks():
        kept.update(old[block.a : block.a + block.size])
    return [key for key in new if key not in kept]


def diff_documents(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """A field- and child-level diff of two JSON-ready documents."""
    top_before = {k: v for k, v in before.items() if k not in CHILD_MODELS}
    top_after = {k: v for k, v in after.items() if k not in CHILD_MODELS}
    children = {}
    for kind in CHILD_MODELS:
        old = {child["key"]: child for child in before.get(kind, [])}
        new = {child["key"]: child for child in after.get(kind, [])}
        old_keys, new_keys = list(old), list(new)
        children[kind] = {
            "added": [key for key in new_keys if key not in old],
            "removed": [key for key in old_keys if key not in new],
            "changed": [
                {"key": key, "fields": _child_changes(kind, old[key], new[key])}
                for key in new_keys
                if key in old and old[key] != new[key]
            ],
            "moved": [
                {"key": key, "from": old_keys.index(key), "to": new_keys.index(key)}
                for key in _moved(old_keys, new_keys)
            ],
        }
    return {"fields": field_changes(top_before, top_after), "children": children}


def diff_overlays(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed between two overlays, member by member at any depth (`fields.title`,
    `children.faqs.cost.answer`), each with its value before and after."""
    return field_changes(before, after)


def diff_variants(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed between two configurations of an experiment's variants, by variant key
    (`variants.named-clinic.weight`, `variants.named-clinic.overlay.fields.title`); a change of
    which variants there are, or of their order (the first is control), as `variants`."""

    def by_key(document: dict[str, Any]) -> dict[str, Any]:
        return {
            variant["key"]: {k: v for k, v in variant.items() if k != "key"}
            for variant in document["variants"]
        }

    old, new = by_key(before), by_key(after)
    changes = (
        [] if list(old) == list(new) else [{"field": "variants", "before": list(old), "after": list(new)}]
    )
    return changes + field_changes(old, new, "variants.")
