"""The rate limits (service.ratelimits) applied to a request: counted per client address."""

from flask import current_app, request
from flask_smorest import abort

from service.metrics import RATE_LIMIT_REFUSALS
from service.ratelimits import RateLimits


def rate_limits() -> RateLimits:
    return current_app.extensions["rate_limits"]


def refuse_when_over(name: str, count: bool = True) -> None:
    """429 with Retry-After once this client is over limit `name`. With `count` False the
    request is only checked (a limit on failures counts them with `count_failure`)."""
    limits = rate_limits()
    exceeded = (limits.hit if count else limits.check)(name, client_address())
    if exceeded:
        RATE_LIMIT_REFUSALS.labels(name).inc()
        abort(
            429,
            message=f"Too many requests: at most {exceeded.limit} per client. "
            f"Try again in {exceeded.retry_after} s.",
            headers={"Retry-After": str(exceeded.retry_after)},
        )


def count_failure(name: str) -> None:
    rate_limits().hit(name, client_address())


def client_address() -> str:
    """The client's address: the peer's, or behind PROXY_COUNT trusted proxies the one they
    report (werkzeug's ProxyFix, set up in the app factory)."""
    return request.remote_addr or "unknown"
