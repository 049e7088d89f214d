"""ISO 8601 durations as clinic pages state them (a step's PT15M, a recovery's P2W to P6W): the
form schema.org reads, a bound no visit, course or recovery a page states goes beyond, and an
order between two of them for a range."""

import re

import marshmallow as ma
from marshmallow import fields, validate

from service.content.patterns import Pattern
from service.models.lengths import DURATION_LENGTH

# Each part at most once, in order, at least one; ASCII digits (Python's \d would take others)
# and no lookaround, so JSON Schema's readers and the fuzzer's generator take the pattern as is.
_N = "[0-9]+"
_DATE = f"(?:{_N}Y(?:{_N}M)?(?:{_N}W)?(?:{_N}D)?|{_N}M(?:{_N}W)?(?:{_N}D)?|{_N}W(?:{_N}D)?|{_N}D)"
_TIME = f"T(?:{_N}H(?:{_N}M)?(?:{_N}S)?|{_N}M(?:{_N}S)?|{_N}S)"
DURATION_REGEX = f"^P(?:{_DATE}(?:{_TIME})?|{_TIME})$"
DURATION_PATTERN = Pattern(DURATION_REGEX, error="Use an ISO 8601 duration such as PT45M, P2W or P1DT12H.")

# The longest a page states: ten years (a course of care or a recovery is months; a duration of
# P99999999999Y is a typing slip that schema.org's readers and a page's "how long" would repeat).
MAX_DURATION = "P10Y"

_DAY = 24 * 60 * 60
# A unit's shortest and longest length in seconds: a month is 28 to 31 days, a year 365 or 366.
_DATE_UNITS = {
    "Y": (365 * _DAY, 366 * _DAY),
    "M": (28 * _DAY, 31 * _DAY),
    "W": (7 * _DAY,) * 2,
    "D": (_DAY,) * 2,
}
_TIME_UNITS = {"H": (3600, 3600), "M": (60, 60), "S": (1, 1)}
_PART = re.compile("([0-9]+)([A-Z])")


def duration_bounds(duration: str) -> tuple[int, int]:
    """The shortest and the longest a valid duration may be, in seconds (P1M: 28 to 31 days)."""
    date_part, _, time_part = duration[1:].partition("T")
    shortest = longest = 0
    for part, units in ((date_part, _DATE_UNITS), (time_part, _TIME_UNITS)):
        for number, unit in _PART.findall(part):
            low, high = units[unit]
            shortest, longest = shortest + int(number) * low, longest + int(number) * high
    return shortest, longest


def surely_longer(duration: str, than: str) -> bool:
    """Whatever the months and years, `duration` is longer (P1M is not surely longer than P30D)."""
    return duration_bounds(duration)[0] > duration_bounds(than)[1]


def _within_reason(duration: str) -> None:
    # (marshmallow runs every validator: a value the pattern refused is not judged again)
    if DURATION_PATTERN.regex.fullmatch(duration) and surely_longer(duration, MAX_DURATION):
        raise ma.ValidationError(f"At most {MAX_DURATION} (ten years).")


def duration_field(description: str, **metadata: object) -> fields.String:
    """An optional duration: null, or one within MAX_DURATION."""
    return fields.String(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(max=DURATION_LENGTH), DURATION_PATTERN, _within_reason],
        metadata={"example": "PT45M", **metadata, "description": f"{description} At most {MAX_DURATION}."},
    )
