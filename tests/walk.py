"""Walking JSON documents in tests."""

from collections.abc import Callable, Iterator
from typing import Any


def members(value: Any, wanted: Callable[[str, Any], bool]) -> Iterator[Any]:
    """Every member value, at any depth, that `wanted(name, value)` picks; not looked into."""
    if isinstance(value, dict):
        for name, inner in value.items():
            if wanted(name, inner):
                yield inner
            else:
                yield from members(inner, wanted)
    elif isinstance(value, list):
        for inner in value:
            yield from members(inner, wanted)
