"""Placeholders such as {{site.phone}} in article text, filled per site at delivery."""

import re
from typing import Any

PLACEHOLDER = re.compile(r"\{\{\s*site\.([a-z][a-z0-9_]*)\s*\}\}")
VARIABLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class MissingVariables(Exception):
    """Some placeholders have no value for some sites."""

    def __init__(self, missing: dict[str, list[str]]) -> None:
        self.missing = missing
        listed = "; ".join(f"{site} lacks {', '.join(names)}" for site, names in sorted(missing.items()))
        super().__init__(f"placeholders without a value: {listed}")


def placeholders_in(value: Any) -> set[str]:
    """The variable names every string in a JSON value refers to."""
    if isinstance(value, str):
        return set(PLACEHOLDER.findall(value))
    if isinstance(value, dict):
        return set().union(*(placeholders_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(placeholders_in(v) for v in value))
    return set()


def fill(value: Any, variables: dict[str, str]) -> Any:
    """The JSON value with each placeholder replaced by its variable (all must be defined)."""
    if isinstance(value, str):
        return PLACEHOLDER.sub(lambda match: variables[match.group(1)], value)
    if isinstance(value, dict):
        return {name: fill(item, variables) for name, item in value.items()}
    if isinstance(value, list):
        return [fill(item, variables) for item in value]
    return value
