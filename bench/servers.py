"""`make bench-servers`: which WSGI server production runs, by measurement. The same app
(wsgi:app), the same worker count and the same seeded SQLite database under each server:

- throughput and p99 of the seed article (wrk, 2 threads, 32 connections), in interleaved rounds
  (which server goes first alternates), each round's ratio to gunicorn's, and the median;
- memory: the PSS and RSS of the server's processes (master and workers) after that load;
- a graceful restart (SIGHUP) under load, with keep-alive connections and with a new
  connection per request: the requests that failed, and whether every worker was replaced;
- slow clients: 50 connections trickling their headers, straight at the server (no nginx),
  while one normal client asks for the article in turn: how many it got, and its p99.

    python -m bench.servers [--rounds 3] [--seconds 5] [--workers 2]

Writes bench/results-servers.json and its section of bench/RESULTS.md; prints a summary.
"""

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.report import write_report
from bench.run import free_port, wrk
from bench.slow_clients import SlowClients

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ARTICLE = "/v1/articles/are-all-types-of-back-pain-treatable-with-stem-cells"
CONNECTIONS = 32
SLOW_CLIENTS = 50
SLOW_SECONDS = 10
RESTART_SECONDS = 90  # long enough for either server to replace every worker (each builds the app)
START_SECONDS = 120  # building the app takes a worker 6 s of CPU; on a busy host, much longer
NORMAL_TIMEOUT = 5  # a normal client gives up after this many seconds


def commands() -> dict[str, list[str]]:
    """How each server runs the app with its production settings (BIND, WEB_CONCURRENCY)."""
    return {
        "gunicorn": [
            str(BIN / "gunicorn"),
            "--config",
            "bench/gunicorn.conf.py",
            "--no-control-socket",
            "wsgi:app",
        ],
        "granian": [str(BIN / "python"), "-m", "deploy.web"],
    }


@contextmanager
def serving(name: str, database_url: str, workers: int) -> Iterator[tuple[str, subprocess.Popen]]:
    """The app under server `name` on a free port, answering; stopped (SIGTERM) on exit."""
    port = free_port()
    environment = {
        "DATABASE_URL": database_url,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "LOG_LEVEL": "warning",
    }
    with running(name, commands()[name], port, ARTICLE, environment) as served:
        yield served


@contextmanager
def running(
    name: str, command: list[str], port: int, ready: str, environment: dict[str, str], cwd: Path = ROOT
) -> Iterator[tuple[str, subprocess.Popen]]:
    """A server's `command`, once it answers `ready` on `port` and its workers have settled;
    stopped (SIGTERM) on exit, killed if it does not stop."""
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env={**os.environ, **environment},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, killed as one if it will not stop
        )
        try:
            deadline = time.monotonic() + START_SECONDS
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise SystemExit(f"{name} did not start:\n{log.read().decode(errors='replace')}")
                try:
                    httpx.get(url + ready, timeout=1).raise_for_status()
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            settled(process.pid)
            yield url, process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                raise SystemExit(f"{name} did not stop within 30 s of SIGTERM") from None


def cpu_ticks(pid: int) -> int:
    """CPU time (user and system, in clock ticks) that `pid` and its descendants have used."""
    total = 0
    for process in descendants(pid):
        fields = Path(f"/proc/{process}/stat").read_text().rpartition(")")[2].split()
        total += int(fields[11]) + int(fields[12])
    return total


def settled(pid: int) -> None:
    """Once the first worker answers, the others may still be building the app: wait until the
    server's processes have used (almost) no CPU for a second."""
    deadline = time.monotonic() + START_SECONDS
    before = cpu_ticks(pid)
    while time.monotonic() < deadline:
        time.sleep(1)
        now = cpu_ticks(pid)
        if now - before <= 5:
            return
        before = now


def descendants(pid: int) -> list[int]:
    """`pid` and every process under it."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += descendants(int(child))
    return found


def memory_kib(pid: int) -> dict[str, int]:
    """PSS (shared pages divided among their sharers) and RSS of `pid` and its descendants."""
    total = {"pss_kib": 0, "rss_kib": 0}
    for process in descendants(pid):
        for line in Path(f"/proc/{process}/smaps_rollup").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("Pss", "Rss"):
                total[f"{name.lower()}_kib"] += int(value.split()[0])
    return total


def throughput_round(name: str, database_url: str, workers: int, seconds: float) -> dict[str, Any]:
    with serving(name, database_url, workers) as (url, process):
        wrk(url, 1, CONNECTIONS, path=ARTICLE)  # warm-up: imports, caches
        result = wrk(url, seconds, CONNECTIONS, path=ARTICLE)
        return {
            "per_second": result["per_second"],
            "p99_ms": result["p99_us"] / 1000,
            "processes": len(descendants(process.pid)),
            **memory_kib(process.pid),
        }


def graceful_restart(name: str, database_url: str, workers: int, keep_alive: bool) -> dict[str, Any]:
    """SIGHUP to the server 2 s into a wrk run: every request wrk saw fail, and the workers'
    PIDs before and after (all replaced, or the reload did nothing)."""
    headers = {} if keep_alive else {"Connection": "close"}
    with serving(name, database_url, workers) as (url, process):
        before = set(descendants(process.pid)[1:])
        outcome: dict[str, Any] = {}

        def load() -> None:
            outcome.update(wrk(url, RESTART_SECONDS, CONNECTIONS, path=ARTICLE, headers=headers, check=False))

        driver = threading.Thread(target=load)
        driver.start()
        time.sleep(2)
        process.send_signal(signal.SIGHUP)
        driver.join()
        after = set(descendants(process.pid)[1:])
        answers = httpx.get(url + ARTICLE, timeout=NORMAL_TIMEOUT).status_code
    return {
        "requests": outcome["requests"],
        "failed": outcome["errors"] + outcome["status_errors"],
        "failed_by_kind": {
            kind: outcome[kind] for kind in ("connect", "read", "write", "timeout", "status_errors")
        },
        "workers_replaced": bool(before) and not before & after,
        "answers_after": answers,
    }


def slow_clients(name: str, database_url: str, workers: int) -> dict[str, Any]:
    """A normal client's requests, one after another, while SLOW_CLIENTS connections trickle."""
    times, timeouts = [], 0
    with serving(name, database_url, workers) as (url, _), SlowClients(url, SLOW_CLIENTS) as attack:
        time.sleep(1)  # every slow connection is open and has been accepted
        deadline = time.monotonic() + SLOW_SECONDS
        with httpx.Client(timeout=NORMAL_TIMEOUT) as client:
            while time.monotonic() < deadline:
                started = time.monotonic()
                try:
                    client.get(url + ARTICLE).raise_for_status()
                    times.append(time.monotonic() - started)
                except httpx.TimeoutException:
                    timeouts += 1
    return {
        "served": len(times),
        "timed_out": timeouts,
        "p99_ms": round(statistics.quantiles(times, n=100)[98] * 1000, 1) if len(times) > 1 else None,
        "slow_dropped": attack.dropped,
    }


def seeded_database(directory: Path) -> str:
    url = f"sqlite:///{directory / 'servers.db'}"
    environment = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi"}
    for command in (["db", "upgrade"], ["seed", "seed/article.json"]):
        subprocess.run(
            [str(BIN / "flask"), *command], cwd=ROOT, env=environment, check=True, capture_output=True
        )
    return url


def this_machine() -> dict[str, Any]:
    """The machine a side-by-side run measured on, as its results file names it."""
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}


def arguments(doc: str) -> argparse.Namespace:
    """The options every side-by-side run takes (bench.servers, bench.peers)."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5, help="per throughput run (default 5)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes per server (default 2)")
    return parser.parse_args()


def main() -> None:
    args = arguments(__doc__)
    names = list(commands())
    with tempfile.TemporaryDirectory(prefix="bench-servers-") as work:
        database_url = seeded_database(Path(work))
        rounds = []
        for number in range(args.rounds):
            order = names if number % 2 == 0 else names[::-1]
            rounds.append(
                {name: throughput_round(name, database_url, args.workers, args.seconds) for name in order}
            )
            print(json.dumps(rounds[-1]), flush=True)
        restarts = {
            name: {
                mode: graceful_restart(name, database_url, args.workers, keep_alive=mode == "keep-alive")
                for mode in ("keep-alive", "connection: close")
            }
            for name in names
        }
        print(json.dumps(restarts), flush=True)
        slow = {name: slow_clients(name, database_url, args.workers) for name in names}
        print(json.dumps(slow), flush=True)

    def ratios(key: str) -> dict[str, float]:
        return {
            name: round(statistics.median(r[name][key] / r["gunicorn"][key] for r in rounds), 2)
            for name in names
        }

    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": this_machine(),
        "workers": args.workers,
        "connections": CONNECTIONS,
        "rounds": rounds,
        "median_ratio_to_gunicorn": {
            key: ratios(key) for key in ("per_second", "p99_ms", "pss_kib", "rss_kib")
        },
        "median_per_second": {
            name: round(statistics.median(r[name]["per_second"] for r in rounds)) for name in names
        },
        "graceful_restart": restarts,
        "slow_clients": slow,
    }
    (ROOT / "bench" / "results-servers.json").write_text(json.dumps(results, indent=2) + "\n")
    write_report(ROOT / "bench")
    print(
        json.dumps({key: results[key] for key in ("median_per_second", "median_ratio_to_gunicorn")}, indent=2)
    )


if __name__ == "__main__":
    main()
