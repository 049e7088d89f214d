"""`flask worker`: the background work (due schedules, then due webhook deliveries) in a loop,
a round every period, until SIGTERM or SIGINT. A round that is running when the signal comes
is finished first, so nothing is left half done. Run one on every host if you like: each
schedule and each delivery is taken by one worker only (their locks, in content.scheduling
and content.webhooks)."""

import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from service.metrics import DEPENDENCY_FAILURES

logger = logging.getLogger(__name__)

Job = Callable[[], Any]


def run_rounds(jobs: dict[str, Job], period: float, stop: threading.Event, end: Callable[[], None]) -> int:
    """Run each job in turn, then wait `period` seconds (or less, if `stop` is set meanwhile),
    until `stop` is set; `end` after each job (to hand the connection back). A job that fails on
    the database is logged and tried again next round: an outage must not kill the worker.
    Returns how many rounds ran."""
    rounds = 0
    while not stop.is_set():
        for name, job in jobs.items():
            try:
                done = job()
                if done:
                    logger.info("%s: %d done", name, len(done))
            except SQLAlchemyError as error:
                DEPENDENCY_FAILURES.labels("database").inc()
                logger.warning(
                    "%s failed, tried again next round: %s", name, getattr(error, "orig", None) or error
                )
            finally:
                end()
        rounds += 1
        stop.wait(period)
    return rounds


def stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM (systemd, docker stop) and SIGINT (Ctrl-C) end the loop after the current round."""

    def request_stop(signum: int, _frame: Any) -> None:
        logger.info("%s: stopping after this round", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
