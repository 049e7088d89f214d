"""Around every request, as WSGI middleware: its id (X-Request-ID, taken from the client or
proxy when sane, made otherwise, and sent back), one JSON access line as the answer starts,
and the request metrics by route template. Outside Flask, so that an answer Flask itself failed
to make is still counted and logged."""

import functools
import logging
import os
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, request
from werkzeug.wsgi import ClosingIterator

from service.logs import redact, request_id
from service.metrics import REQUEST_SECONDS, REQUESTS, UNMATCHED_ROUTE

REQUEST_ID_HEADER = "X-Request-ID"
# What an id taken from a request may be: a proxy's (nginx's $request_id, a UUID, a trace id),
# never something that could forge or break a log line.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# What the app notes in the WSGI environ for the access line.
ROUTE, KEY_PREFIX = "cms.route", "cms.key_prefix"
# Methods counted by name; any other a client makes up is "other", so it makes no series of its own.
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Probes answer every few seconds: an answer of theirs is logged only when it is not a 2xx.
QUIET_PATHS = frozenset({"/livez", "/readyz", "/metrics"})

access_log = logging.getLogger("service.access")


def taken_or_made(offered: str | None) -> str:
    """The client's or proxy's id when sane, else 128 random bits in hex (as uuid4().hex
    looks, at a seventh of its cost: a request each)."""
    if offered is not None and SANE_REQUEST_ID.fullmatch(offered):
        return offered
    return os.urandom(16).hex()


class RequestTelemetry:
    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]):
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Counted and logged as the answer starts: Flask has made the whole answer by then
        (delivery's bodies are bytes at hand), and a client that reads it slowly or never
        does not change what the service took."""
        started = time.perf_counter()
        current = taken_or_made(environ.get("HTTP_X_REQUEST_ID"))
        request_id.set(current)

        def start_with_id(status_line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if any(name.lower() == "x-request-id" for name, _ in headers):  # (none of ours sets it)
                headers[:] = [(name, value) for name, value in headers if name.lower() != "x-request-id"]
            headers.append((REQUEST_ID_HEADER, current))
            _account(environ, int(status_line[:3]), time.perf_counter() - started)
            return start_response(status_line, headers, exc_info)

        try:
            return ClosingIterator(self.wsgi_app(environ, start_with_id), _forget_request_id)
        except BaseException:
            _account(environ, 500, time.perf_counter() - started)
            _forget_request_id()
            raise


def _forget_request_id() -> None:
    request_id.set(None)


@functools.lru_cache(maxsize=4096)
def _series(route: str, method: str, status: int) -> tuple[Any, Any]:
    """The request counter and histogram for one route, method and status, looked up once:
    routes are templates and methods few, so this stays small."""
    return REQUESTS.labels(route, method, status), REQUEST_SECONDS.labels(route, method, status)


def _account(environ: dict[str, Any], status: int, seconds: float) -> None:
    route, method = environ.get(ROUTE) or UNMATCHED_ROUTE, environ.get("REQUEST_METHOD", "")
    requests, durations = _series(route, method if method in HTTP_METHODS else "other", status)
    requests.inc()
    durations.observe(seconds)
    path = environ.get("PATH_INFO", "")
    if (path in QUIET_PATHS and status < 300) or not access_log.isEnabledFor(logging.INFO):
        return
    query = environ.get("QUERY_STRING")
    fields = {
        "method": method,
        "route": route,
        "path": redact(f"{path}?{query}" if query else path),
        "status": status,
        "duration_ms": round(seconds * 1000, 2),
        "key_prefix": environ.get(KEY_PREFIX),
        "client": environ.get("REMOTE_ADDR"),
    }
    # (Logger.info less its search of the stack for the caller, which no line shows.)
    access_log.handle(
        access_log.makeRecord(
            access_log.name,
            logging.INFO,
            __file__,
            0,
            "%s %s %s",
            (method, route, status),
            None,
            extra={"fields": fields},
        )
    )


def _note_route() -> None:
    request.environ[ROUTE] = request.url_rule.rule if request.url_rule is not None else None


def init_app(app: Flask) -> None:
    """Outermost but for ProxyFix, so that the access line has the client's address."""
    app.before_request(_note_route)
    app.wsgi_app = RequestTelemetry(app.wsgi_app)  # type: ignore[method-assign]
