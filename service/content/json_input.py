"""JSON as the service reads it, from a request body or a file: stricter than `json.loads`,
which keeps the last of two values for one key, reads NaN and Infinity, and raises a bare
ValueError for an integer beyond Python's int-string limit."""

import json
import math
import re
from collections import Counter
from typing import Any

# A lone UTF-16 surrogate (JSON's "\ud800" unpaired) is no character: UTF-8 cannot encode it.
# NUL is a character, but PostgreSQL cannot store it in text.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class UnreadableJson(ValueError):
    """Not JSON this service accepts; the message says why, for a person."""


class RepeatedKeys(UnreadableJson):
    """An object names a key twice: which value was meant is unknowable."""

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys
        super().__init__(f"an object repeats the key(s) {', '.join(map(repr, keys))}")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    counts = Counter(key for key, _ in pairs)
    if len(counts) < len(pairs):
        raise RepeatedKeys(sorted(key for key, count in counts.items() if count > 1))
    return dict(pairs)


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise UnreadableJson(f"the number {text[:20]}... is too large for a float")
    return number


def _no_constant(name: str) -> Any:
    raise UnreadableJson(f"{name} is not JSON")


def read_json(data: bytes | str) -> Any:
    """The value of a JSON text. UnreadableJson (RepeatedKeys for a key given twice) when it
    is not JSON, not UTF-8, or holds a number no JSON reader agrees on."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return json.loads(
            text, object_pairs_hook=_unique_keys, parse_float=_finite, parse_constant=_no_constant
        )
    except UnreadableJson:
        raise
    except UnicodeDecodeError as error:
        raise UnreadableJson(f"not UTF-8 ({error.reason} at byte {error.start})") from error
    except json.JSONDecodeError as error:
        raise UnreadableJson(f"{error.msg} (line {error.lineno}, column {error.colno})") from error
    except ValueError as error:  # an integer longer than sys.get_int_max_str_digits()
        raise UnreadableJson("a number has more digits than this service reads") from error


def unstorable_reason(text: str) -> str | None:
    """Why this string cannot be stored (NUL, an unpaired surrogate), or None."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "Must not contain NUL characters."
    return "Must not contain unpaired surrogates (\\ud800-\\udfff)."


def unstorable_strings(value: Any) -> dict[Any, Any]:
    """Every string in a parsed JSON value (keys included) that cannot be stored, as
    marshmallow nests error messages (`{"sections": {2: {"title": [...]}}}`); level by level,
    so no depth exhausts the stack."""
    messages: dict[Any, Any] = {}
    level: list[tuple[tuple[Any, ...], Any]] = [((), value)]
    while level:
        deeper = []
        for path, item in level:
            if isinstance(item, str):
                if (reason := unstorable_reason(item)) is not None:
                    _put(messages, path, reason)
            elif isinstance(item, dict):
                for key, inner in item.items():
                    if (reason := unstorable_reason(key)) is not None:
                        _put(messages, (*path, ascii(key)), reason)
                    deeper.append(((*path, key), inner))
            elif isinstance(item, list):
                deeper.extend(((*path, index), inner) for index, inner in enumerate(item))
        level = deeper
    return messages


def _put(messages: dict[Any, Any], path: tuple[Any, ...], reason: str) -> None:
    if not path:
        messages.setdefault("_schema", []).append(reason)
        return
    *parents, last = path
    for name in parents:
        messages = messages.setdefault(name, {})
    messages.setdefault(last, []).append(reason)
