"""The service's Prometheus metrics, defined once (names, help, labels) and counted where things
happen. Flask-free, so that the domain (delivery's cache) counts too.

Under granian each worker is a process: prometheus-client's multiprocess mode keeps each one's
values in files under PROMETHEUS_MULTIPROC_DIR (deploy/web.py sets it), and /metrics adds them
up, leaving out the live gauges of workers that are gone (forget_dead_workers). What lives in
the database (the webhook outbox, due schedules) is read at each scrape instead, so it is the
same whichever host is asked."""

import os
from datetime import datetime
from pathlib import Path

from prometheus_client import Counter, Gauge, Histogram, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from service.models import DeliveryStatus, Schedule, WebhookAttempt, WebhookDelivery

# A request that matched no route is counted under this template, so that scanners' random
# paths cannot make one time series each.
UNMATCHED_ROUTE = "(unmatched)"

REQUESTS = Counter(
    "cms_http_requests",
    "HTTP requests answered, by route template, method and status.",
    ["route", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "cms_http_request_duration_seconds",
    "Time from a request reaching the app to its answer starting, by route template and status.",
    ["route", "method", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
CACHE_LOOKUPS = Counter(
    "cms_delivery_cache_lookups", "Delivery cache lookups, by outcome: hit or miss.", ["outcome"]
)
# Bound once: a cached answer looks up twice (its URL, its site's origins).
CACHE_HITS, CACHE_MISSES = CACHE_LOOKUPS.labels("hit"), CACHE_LOOKUPS.labels("miss")
CACHE_EVICTIONS = Counter(
    "cms_delivery_cache_evictions", "Entries the delivery cache dropped to stay within DELIVERY_CACHE_BYTES."
)
CACHE_BYTES = Gauge(
    "cms_delivery_cache_bytes",
    "Bytes the delivery caches hold, all live processes.",
    multiprocess_mode="livesum",
)
FRESHNESS_READS = Counter(
    "cms_delivery_freshness_reads",
    "Reads of the delivery change counter, by whether it had moved (and the cache was emptied).",
    ["changed"],
)
EVENTS = Counter(
    "cms_events", "Events reported to POST /v1/events, by outcome and reason.", ["outcome", "reason"]
)
RATE_LIMIT_REFUSALS = Counter("cms_rate_limit_refusals", "Requests refused with 429, by limit.", ["limit"])
DEPENDENCY_FAILURES = Counter(
    "cms_dependency_failures",
    "Failures of what the service depends on (database, redis), each time one was met.",
    ["dependency"],
)


def forget_dead_workers(directory: str) -> None:
    """A worker that has exited (replaced on reload, or crashed) stops counting in the live
    gauges (delivery cache bytes); its counters stay. granian tells the app of no exit, so each
    scrape looks for the files of processes that are gone."""
    for path in Path(directory).glob("gauge_live*_*.db"):
        pid = int(path.stem.rsplit("_", 1)[1])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, directory)
        except PermissionError:  # alive, another user's
            pass


class StoredWork:
    """Work waiting in the database, read at each scrape: the webhook outbox (depth, age of the
    oldest, deliveries given up on, failed attempts) and schedules due but not yet applied."""

    def __init__(self, session: Session, now: datetime):
        self.session, self.now = session, now

    def collect(self) -> list[Metric]:
        """Nothing while the database cannot answer (counted as its failure): /metrics still
        answers with everything else, when it matters most."""
        try:
            return self._read()
        except SQLAlchemyError:
            DEPENDENCY_FAILURES.labels("database").inc()
            return []

    def _read(self) -> list[Metric]:
        pending = WebhookDelivery.status == DeliveryStatus.PENDING
        depth, oldest = self.session.execute(
            select(func.count(), func.min(WebhookDelivery.created_at)).where(pending)
        ).one()
        given_up = self.session.scalar(
            select(func.count()).where(WebhookDelivery.status == DeliveryStatus.FAILED)
        )
        failed_attempts = self.session.scalar(select(func.count()).where(WebhookAttempt.error.is_not(None)))
        due = self.session.scalar(
            select(func.min(Schedule.at)).where(Schedule.applied_at.is_(None), Schedule.at <= self.now)
        )
        return [
            GaugeMetricFamily("cms_webhook_outbox_depth", "Webhook deliveries waiting to be sent.", depth),
            GaugeMetricFamily(
                "cms_webhook_outbox_oldest_age_seconds",
                "Age of the oldest webhook delivery waiting to be sent (0: none waits).",
                _seconds_since(oldest, self.now),
            ),
            GaugeMetricFamily(
                "cms_webhook_deliveries_given_up",
                "Webhook deliveries given up on after every retry.",
                given_up,
            ),
            CounterMetricFamily(
                "cms_webhook_attempts_failed",
                "Webhook attempts that failed (each retry counts).",
                failed_attempts,
            ),
            GaugeMetricFamily(
                "cms_schedule_lag_seconds",
                "How late the most overdue scheduled publish or unpublish is (0: none is due).",
                _seconds_since(due, self.now),
            ),
        ]


def _seconds_since(then: datetime | None, now: datetime) -> float:
    if then is None:
        return 0.0
    if then.tzinfo is None:  # SQLite gives back naive UTC
        now = now.replace(tzinfo=None)
    return max(0.0, (now - then).total_seconds())
