"""Deterministic visitor assignment, with the hashing scheme GrowthBook's SDKs publish, so an
edge worker or a GrowthBook SDK given the same experiment computes the same variant without
calling us, and nothing is stored per visitor.

hash v2: n = fnv1a32(str(fnv1a32(seed + visitor))), bucket = (n % 10000) / 10000, where
fnv1a32 runs over UTF-16 code units as the JavaScript SDK's charCodeAt loop and the Python
SDK 4.x do: a character outside the Basic Multilingual Plane (an emoji) is two units.
Each variant owns [start, start + coverage * weight) of [0, 1), after the variants before it;
a bucket in no range is outside the experiment (served control, with no exposure).
"""

import sys
from collections.abc import Sequence
from dataclasses import dataclass

FNV_OFFSET_BASIS = 0x811C9DC5
FNV_PRIME = 0x01000193


# UTF-16 in this machine's byte order, so that its bytes read back as 16-bit code units.
_UTF16 = "utf-16-le" if sys.byteorder == "little" else "utf-16-be"


def utf16_code_units(text: str) -> Sequence[int]:
    """What JavaScript's charCodeAt reads: an ASCII character is one unit (its byte), a
    character beyond the Basic Multilingual Plane two (its surrogates)."""
    if text.isascii():
        return text.encode()
    return memoryview(text.encode(_UTF16, "surrogatepass")).cast("H")


def fnv1a32(text: str) -> int:
    """FNV-1a (32 bits) over the UTF-16 code units of `text`: GrowthBook's hash input."""
    hashed = FNV_OFFSET_BASIS
    for unit in utf16_code_units(text):
        hashed = ((hashed ^ unit) * FNV_PRIME) & 0xFFFFFFFF
    return hashed


def bucket(seed: str, visitor: str, version: int = 2) -> float:
    """Where a visitor falls in [0, 1) for this seed: GrowthBook's hash, versions 1 and 2."""
    if version == 2:
        return (fnv1a32(str(fnv1a32(seed + visitor))) % 10000) / 10000
    if version == 1:
        return (fnv1a32(visitor + seed) % 1000) / 1000
    raise ValueError(f"unknown hash version {version}")


def bucket_ranges(weights: list[float], coverage: float = 1.0) -> list[tuple[float, float]]:
    """Each variant's share of [0, 1): its weight, scaled by coverage from its own start, so a
    visitor keeps their variant when coverage grows."""
    coverage = min(max(coverage, 0.0), 1.0)
    ranges, start = [], 0.0
    for weight in weights:
        ranges.append((start, start + coverage * weight))
        start += weight
    return ranges


def choose_variant(position: float, ranges: list[tuple[float, float]]) -> int | None:
    """The index of the range the position falls in, or None when outside them all."""
    for index, (start, end) in enumerate(ranges):
        if start <= position < end:
            return index
    return None


@dataclass(frozen=True)
class Assignment:
    variant: int | None  # index into the experiment's variants; None: outside the experiment
    bucket: float


def assign(
    seed: str, visitor: str, weights: list[float], coverage: float = 1.0, version: int = 2
) -> Assignment:
    """The variant a visitor sees: the same on every process and host, for ever, for this seed."""
    position = bucket(seed, visitor, version)
    return Assignment(choose_variant(position, bucket_ranges(weights, coverage)), position)
