"""Rate limits on what anyone on the internet can do in bulk: send events, guess API keys.

Counted by the `limits` library (moving windows) in the storage RATE_LIMIT_STORAGE_URI names:
"memory://" counts in each process, so each worker allows the whole limit; "redis://host:6379"
shares the counts across workers and hosts, as production with several processes needs.

A limit is a defence, not a dependency: while the shared storage fails, each process counts in
its own memory (so the limits still hold, per process), warns once, and tries the storage again
every `retry_seconds` until it answers.
"""

import logging
import math
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from limits import RateLimitItem, parse, storage, strategies
from limits.errors import StorageError

from service.config import Config
from service.metrics import DEPENDENCY_FAILURES

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Exceeded:
    """A refusal: which limit, and how long until a request would be allowed again."""

    limit: str
    retry_after: int


class RateLimits:
    """Named limits ("events": "300/minute", say), each counted per client."""

    def __init__(
        self,
        storage_uri: str,
        limits: dict[str, str],
        retry_seconds: float = Config.RATE_LIMIT_STORAGE_RETRY_SECONDS,
        timeout: float = Config.RATE_LIMIT_STORAGE_TIMEOUT,
    ):
        options = {}
        if urlsplit(storage_uri).scheme in storage.RedisStorage.STORAGE_SCHEME:
            # redis-py waits forever by default: a Redis that hangs would hang every request.
            options = {"socket_connect_timeout": timeout, "socket_timeout": timeout}
        shared = storage.storage_from_string(storage_uri, wrap_exceptions=True, **options)
        self._shared = strategies.MovingWindowRateLimiter(shared)
        self.is_shared = not isinstance(shared, storage.MemoryStorage)
        self._in_process = strategies.MovingWindowRateLimiter(storage.MemoryStorage())
        self._limits: dict[str, RateLimitItem] = {name: parse(text) for name, text in limits.items()}
        self._retry_seconds = retry_seconds
        self._retry_at: float | None = None  # while the shared storage fails: when to try it again
        self.storage_failures = 0  # how often the shared storage failed, for a metrics endpoint

    @property
    def counting_in_process(self) -> bool:
        """Whether the shared storage failed and has not answered since."""
        return self._retry_at is not None

    def shared_storage_answers(self) -> bool:
        """Whether the shared storage (Redis) answers a ping now: for the readiness probe."""
        return self._shared.storage.check()

    def hit(self, name: str, client: str) -> Exceeded | None:
        """Count one request of `client` against limit `name`; refused if it is over."""
        return self._decide(name, client, count=True)

    def check(self, name: str, client: str) -> Exceeded | None:
        """Refused if `client` is already at limit `name` (nothing counted): for limits on
        failures, counted only once a request has failed."""
        return self._decide(name, client, count=False)

    def _decide(self, name: str, client: str, count: bool) -> Exceeded | None:
        limit = self._limits[name]
        if self._retry_at is None or time.monotonic() >= self._retry_at:
            try:
                exceeded = _outcome(self._shared, limit, name, client, count)
            except StorageError as error:
                self._storage_failed(error)
            else:
                self._storage_answered()
                return exceeded
        return _outcome(self._in_process, limit, name, client, count)

    def _storage_failed(self, error: StorageError) -> None:
        self.storage_failures += 1
        DEPENDENCY_FAILURES.labels("redis").inc()
        if self._retry_at is None:
            logger.warning(
                "Rate limit storage failed (%s): counting in this process, retrying every %g s",
                error.storage_error,
                self._retry_seconds,
            )
        self._retry_at = time.monotonic() + self._retry_seconds

    def _storage_answered(self) -> None:
        if self._retry_at is not None:
            logger.warning("Rate limit storage answers again: counting there")
            self._retry_at = None

    def reset(self) -> None:
        self._shared.storage.reset()
        self._in_process.storage.reset()


def _outcome(
    limiter: strategies.MovingWindowRateLimiter, limit: RateLimitItem, name: str, client: str, count: bool
) -> Exceeded | None:
    allowed = limiter.hit(limit, name, client) if count else limiter.test(limit, name, client)
    if allowed:
        return None
    reset_at = limiter.get_window_stats(limit, name, client).reset_time
    return Exceeded(str(limit), max(1, math.ceil(reset_at - time.time())))
