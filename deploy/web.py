"""The API's server, for `make run` and production (deploy/systemd/cms-web.service): granian, a
Rust HTTP server, serving wsgi:app, with its settings here. Chosen by measurement over gunicorn
(bench/servers.py, bench/RESULTS.md): more throughput with the same workers, and it reads each
request's headers itself, so slow clients take no worker.

    python -m deploy.web [--app wsgi:app]   # BIND (127.0.0.1:8000), WEB_CONCURRENCY (2), LOG_LEVEL (info)

(--app: another WSGI app under the same settings, as the bench's floor is measured.)

SIGTERM: the requests in flight finish, then it exits (a worker that has not within
STOP_SECONDS is killed). SIGHUP: every worker is replaced, one at a time (see SharedSocketServer).
(granian's backpressure stays at its default: at 1, a stopping worker would hold no accepted
request and a reload under 32 connections lost none, but slow clients then held the workers.)"""

import argparse
import importlib
import os
import shutil
import signal
import socket
import tempfile
import time
from pathlib import Path
from typing import Any

from granian.constants import Interfaces
from granian.http import HTTP1Settings
from granian.log import LogLevels, logger
from granian.net import SocketSpec
from granian.server import Server

# How long a stopping worker may take to finish its requests before it is killed (gunicorn's
# graceful timeout was the same).
STOP_SECONDS = 30
# A slow client's headers must be whole within this long, or granian closes its connection.
HEADER_READ_TIMEOUT_MS = 10_000
# On SIGHUP a worker is stopped once its replacement has built the app (which takes seconds,
# and more on a busy host), or after this long if the new one never gets there.
RESPAWN_SECONDS = 120
# The app each worker serves, module:attribute (--app), passed to the workers as they fork.
APP_VARIABLE = "CMS_WSGI_APP"
# Where each worker notes that it has built the app (a file named by its PID).
READY_VARIABLE = "CMS_WORKERS_READY_DIR"
# The libraries that take seconds to import (scipy's statistics, scikit-learn, spaCy, ...): the
# main process imports them once and every worker is forked with them loaded, so two workers
# do not import them at once on a busy host (a minute, against a 10 s start on an idle one),
# and share their memory. Libraries only: the service's own code is each worker's to import,
# so a SIGHUP brings new code; a library upgrade needs a restart.
PRELOADED = (
    "scipy.stats",
    "scipy.optimize",
    "scipy.integrate",
    "sklearn.linear_model",
    "sklearn.feature_extraction.text",
    "spacy",
    "negspacy.negation",
    "sqlalchemy.orm",
    "flask_migrate",
    "flask_smorest",
    "httpx",
)


def load_app() -> Any:
    """What each worker serves (granian's factory). A worker is forked with the main process's
    signal handlers, which only flag the main: a SIGTERM that came while the app was being
    built (seconds) would be lost, and its stop would wait for ever. Until granian sets the
    worker's own, a signal ends the worker as it would any process."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    module, _, attribute = os.environ.get(APP_VARIABLE, "wsgi:app").partition(":")
    app = getattr(importlib.import_module(module), attribute)
    if hasattr(app, "app_context"):  # (the bench's floor is a bare Flask app: it checks nothing)
        warm_up_guardrails(app)
    if ready := os.environ.get(READY_VARIABLE):
        Path(ready, str(os.getpid())).touch()
    return app


def warm_up_guardrails(app: Any) -> None:
    """spaCy's pipeline and the claim model load once per process, at its first check: here, as
    the worker builds the app, rather than in the first request that checks a draft (seconds;
    a client's timeout under load). Commands (`flask --app wsgi ...`) stay quick."""
    from service.content.guardrails.checks import check_claims
    from service.content.guardrails.policy import current_policy

    with app.app_context():
        check_claims(current_policy().rules, {"intro": "Stem cell therapy may help some patients."})


class SharedSocketServer(Server):
    """granian, with a reload that refuses no connection. Two changes, both checked by name in
    tests/test_library_internals.py against an upgrade:

    - one listening socket that every worker accepts from, as gunicorn's do. On Linux granian
      gives each worker a socket of its own (SO_REUSEPORT): the connections waiting on a
      stopping worker's are reset (unless the net.ipv4.tcp_migrate_req sysctl is set). The
      shared socket is granian's own path for Unix sockets and other systems.
    - on SIGHUP, an old worker stops once its replacement has built the app (load_app notes
      it), not after a fixed 3.5 s: building it takes longer than that on a busy host, and
      with one worker nothing would answer meanwhile."""

    def _init_shared_socket(self) -> None:
        if self.bind_uds:
            return super()._init_shared_socket()
        # granian's own steps for a shared socket (AbstractServer's and MPServer's), on Linux too.
        self._shd = SocketSpec(self.bind_addr, self.bind_port, self.backlog).build()
        self._sfd = self._shd.get_fd()
        self._ssp = None
        self._sso = socket.socket(fileno=self._sfd)
        self._sso.set_inheritable(True)

    def _respawn_workers(self, workers, spawn_target, target_loader, delay: float = 0) -> None:
        # granian's own, but for the wait before stopping each old worker.
        for idx in workers:
            self.respawned_wrks[idx] = time.monotonic()
            logger.info(f"Respawning worker-{idx + 1}")
            old_wrk = self.wrks.pop(idx)
            wrk = self._spawn_worker(idx=idx, target=spawn_target, callback_loader=target_loader)
            wrk.start()
            self.wrks.insert(idx, wrk)
            _wait_until_ready(wrk.inner, delay)
            logger.info(f"Stopping old worker-{idx + 1}")
            old_wrk.terminate()
            old_wrk.join(self.workers_kill_timeout)
            if old_wrk.is_alive():
                logger.warning(f"Killing old worker-{idx + 1} after it refused to gracefully stop")
                old_wrk.kill()
                old_wrk.join()
            logger.info(f"Stopped old worker-{idx + 1}")
        self._metrics.incr_spawn(len(workers))


def _wait_until_ready(process: Any, seconds: float) -> None:
    """Until the worker `process` has built the app, exited, or `seconds` have passed."""
    ready = Path(os.environ[READY_VARIABLE], str(process.pid))
    deadline = time.monotonic() + seconds
    while not ready.exists() and process.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)


def log_config(level: str) -> dict[str, Any]:
    """granian's own lines as the service's: JSON, through service.logs (secrets redacted)."""
    return {
        "formatters": {"json": {"()": "service.logs.JsonLines"}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
        },
        "loggers": {
            "_granian": {"handlers": ["stderr"], "level": level, "propagate": False},
            "granian.access": {"handlers": ["stderr"], "level": "CRITICAL", "propagate": False},
        },
    }


def server(bind: str, workers: int, level: str) -> Server:
    host, _, port = bind.rpartition(":")
    return SharedSocketServer(
        "deploy.web:load_app",
        factory=True,
        address=host,
        port=int(port),
        interface=Interfaces.WSGI,
        workers=workers,
        # One request at a time per worker, as a sync worker: the app's per-process state
        # (delivery's cache, SQLite's connection) is not shared between threads in flight.
        blocking_threads=1,
        backlog=2048,
        http1_settings=HTTP1Settings(header_read_timeout=HEADER_READ_TIMEOUT_MS),
        log_level=LogLevels(level.lower()),
        log_dictconfig=log_config(level.upper()),
        log_access=False,  # the app writes one JSON line per request (service.telemetry)
        respawn_failed_workers=True,
        respawn_interval=RESPAWN_SECONDS,
        workers_kill_timeout=STOP_SECONDS,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", default="wsgi:app", help="the WSGI app, module:attribute (default wsgi:app)")
    os.environ[APP_VARIABLE] = parser.parse_args().app
    # Metrics across workers (prometheus-client's multiprocess mode): each worker keeps its
    # values in files here, /metrics adds them up. Set before the workers start; a directory
    # made here is removed on exit, one given (systemd's RuntimeDirectory) is emptied first.
    made = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
    if made:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="cms-metrics-")
    for stale in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        stale.unlink()
    os.environ[READY_VARIABLE] = tempfile.mkdtemp(prefix="cms-workers-")
    for library in PRELOADED:
        importlib.import_module(library)
    try:
        server(
            os.environ.get("BIND", "127.0.0.1:8000"),
            int(os.environ.get("WEB_CONCURRENCY", "2")),
            os.environ.get("LOG_LEVEL", "info"),
        ).serve()
    finally:
        shutil.rmtree(os.environ[READY_VARIABLE], ignore_errors=True)
        if made:
            shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


if __name__ == "__main__":
    main()
