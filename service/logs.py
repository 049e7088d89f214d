"""Logs an operator can search: one JSON object a line, each carrying the id of the request it
was written for (X-Request-ID), and never a secret: what a line says passes `redact`."""

import functools
import logging
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import orjson

from service.content.keys import KEY_PREFIX, redact_keys

HIDDEN = "[redacted]"
# Query parameters whose value is a secret whatever it looks like (a mistyped key too).
SECRET_PARAMETER = re.compile(
    r"(?<![^?&;])((?:api[_-]?)?key|(?:access[_-]?|auth[_-]?)?token|secret|password|auth)=[^&;\s\"']*",
    re.IGNORECASE,
)
# The request being answered in this thread (service.telemetry sets it): every line logged
# meanwhile names it.
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
# Set on the handler this module installs, so that a second app in one process adds no other.
_HANDLER_NAME = "cms-json"


def redact(text: str) -> str:
    """`text` with secret query values and the secret part of every key hidden. (Most lines
    hold neither a query nor a key: they skip the regular expressions, a line per request.)"""
    if "=" not in text and KEY_PREFIX not in text:
        return text
    return redact_keys(SECRET_PARAMETER.sub(rf"\1={HIDDEN}", text))


class JsonLines(logging.Formatter):
    """A record as one JSON object: time, level, logger, message, the request id, and the
    fields a caller passed as `extra={"fields": {...}}` (the access line's)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": f"{_utc_second(int(record.created))}.{int(record.msecs):03d}+00:00",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        if (current := request_id.get()) is not None:
            line["request_id"] = current
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["error"] = redact(self.formatException(record.exc_info))
        return orjson.dumps(line, default=str).decode()


@functools.lru_cache(maxsize=4)
def _utc_second(seconds: int) -> str:
    """A second since the epoch in ISO 8601, UTC: the same for every line written within it
    (datetime's own isoformat cost a fifth of the access line, profiled)."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def configure_logging(level: str) -> None:
    """JSON lines on standard error for the service's loggers, at `level` (LOG_LEVEL). Once
    per process: apps built after the first (tests build many) only set the level.

    A line shows none of the thread's or process's names and ids a record notes by default,
    and a record is made for every request (its access line): they are not looked up (the
    logging HOWTO's "Optimization"; a third of what making a record costs)."""
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    logger = logging.getLogger("service")
    logger.setLevel(level.upper())
    if not any(handler.get_name() == _HANDLER_NAME for handler in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.set_name(_HANDLER_NAME)
        handler.setFormatter(JsonLines())
        logger.addHandler(handler)
