"""gunicorn's settings in bench/servers.py: the ones it ran with in production before granian
(deploy/web.py) was chosen over it."""

import os
import shutil
import tempfile
from pathlib import Path

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# One JSON line per request comes from the app itself (service.telemetry), with the route, the
# request id and the key's prefix; gunicorn's own access line would only repeat it.
accesslog = None
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# gunicorn's largest request line: long filtered list URLs fit; beyond it gunicorn answers 414.
limit_request_line = 8190

# Metrics across workers (prometheus-client's multiprocess mode): each worker keeps its values
# in files here, and /metrics adds up every worker's. Set before the workers import the app;
# a directory made here is removed when the server exits.
MADE_METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
if MADE_METRICS_DIR:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="cms-metrics-")


def on_starting(_server):
    """A new server counts from zero: forget what an earlier one left in the directory."""
    for stale in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        stale.unlink()


def on_exit(_server):
    if MADE_METRICS_DIR:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


def child_exit(_server, worker):
    """A dead worker's live gauges (delivery cache bytes) stop counting; its counters stay."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
