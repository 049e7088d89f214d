"""Rate limits on what anyone on the internet can do in bulk: send events, guess API keys.

Counted by the `limits` library (moving windows) in the storage RATE_LIMIT_STORAGE_URI names:
"memory://" counts in each process, so each worker allows the whole limit; "redis://host:6379"
shares the counts across workers and hosts, as production with several processes needs.
"""

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse, storage, strategies


@dataclass(frozen=True)
class Exceeded:
    """A refusal: which limit, and how long until a request would be allowed again."""

    limit: str
    retry_after: int


class RateLimits:
    """Named limits ("events": "300/minute", say), each counted per client."""

    def __init__(self, storage_uri: str, limits: dict[str, str]):
        self._limiter = strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_uri))
        self._limits: dict[str, RateLimitItem] = {name: parse(text) for name, text in limits.items()}

    def hit(self, name: str, client: str) -> Exceeded | None:
        """Count one request of `client` against limit `name`; refused if it is over."""
        limit = self._limits[name]
        if self._limiter.hit(limit, name, client):
            return None
        return self._refusal(name, limit, client)

    def check(self, name: str, client: str) -> Exceeded | None:
        """Refused if `client` is already at limit `name` (nothing counted): for limits on
        failures, counted only once a request has failed."""
        limit = self._limits[name]
        if self._limiter.test(limit, name, client):
            return None
        return self._refusal(name, limit, client)

    def _refusal(self, name: str, limit: RateLimitItem, client: str) -> Exceeded:
        reset_at = self._limiter.get_window_stats(limit, name, client).reset_time
        return Exceeded(str(limit), max(1, math.ceil(reset_at - time.time())))

    def reset(self) -> None:
        self._limiter.storage.reset()
