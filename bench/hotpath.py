"""`make hotpath`: CPU time per cached delivery request, the service's against the bare-Flask
floor's (bench/floor.py answering with the same bytes), both called as WSGI apps in this
process: no server, no network, no other process's noise but the CPU's. What a request costs
beyond the floor here is what the service adds under any server (make bench measures it there).

    python -m bench.hotpath [--articles 100] [--requests 2000] [--repeats 7] [--profile NAME]
    python -m bench.hotpath --instructions [--requests 200]

Each figure is the best of `repeats` runs of `requests` (CPU time, this process only): the
machine is shared, and other work only ever makes a run slower. `--profile NAME` prints a
cProfile of that scenario instead. `--instructions` counts the instructions each request takes
instead (valgrind's callgrind, the same from one run to the next on any load), and keeps each
scenario's callgrind file for callgrind_annotate.
"""

import argparse
import base64
import cProfile
import io
import json
import logging
import operator
import os
import pstats
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

# As under the server (deploy/web.py): each process's metrics in files, set before
# prometheus-client is imported.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="cms-hotpath-metrics-"))

from bench.generate import BenchData, build
from bench.run import BROWSER_ACCEPT_ENCODING, ORIGIN, VISITORS, floor_key
from service import create_app

SITE = "clinic-austin"
Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def environ(path: str, headers: dict[str, str]) -> dict[str, Any]:
    """A WSGI environ as a WSGI server builds one for a GET of `path` with `headers`."""
    path_info, _, query = path.partition("?")
    built = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "RAW_URI": path,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "50000",
        "HTTP_HOST": "127.0.0.1:8000",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    for name, value in headers.items():
        built["HTTP_" + name.upper().replace("-", "_")] = value
    return built


def call(app: Wsgi, env: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    """One request, as a WSGI server makes it: start_response, the body read, closed."""
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], _exc_info: Any = None) -> Any:
        started[:] = [status, headers]
        return lambda _data: None

    result = app(env, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return started[0], started[1], body


def scenarios(app: Wsgi, plain_slug: str, experiment_slug: str) -> dict[str, list[tuple[str, dict]]]:
    """make bench's delivery scenarios, each as the requests it cycles through."""
    browser = {"Origin": ORIGIN, "Accept-Encoding": BROWSER_ACCEPT_ENCODING}
    article = f"/v1/sites/{SITE}/articles/{plain_slug}"
    etag = dict(call(app, environ(article, browser))[1])["ETag"]
    tested = f"/v1/sites/{SITE}/articles/{experiment_slug}"
    return {
        "site article": [(article, browser)],
        "experiment, visitor id": [(f"{tested}?visitor=v-{n}", browser) for n in range(VISITORS)],
        "revalidation (304)": [(article, {**browser, "If-None-Match": etag})],
        "list page of 20 (page 3)": [(f"/v1/sites/{SITE}/articles?page=3&page_size=20", browser)],
    }


def floor_app(answers: dict[str, Any], work: Path) -> Wsgi:
    """bench/floor.py, answering with `answers` (what the service sent)."""
    file = work / "floor.json"
    file.write_text(json.dumps(answers), encoding="utf-8")
    os.environ["FLOOR_RESPONSES"] = str(file)
    from bench import floor

    return floor.app


def captured(app: Wsgi, requests: list[tuple[str, dict]]) -> dict[str, Any]:
    answers = {}
    for path, headers in requests:
        status, sent, body = call(app, environ(path, headers))
        skipped = ("content-length",)
        answers[floor_key(path, headers)] = {
            "status": int(status[:3]),
            "headers": {name: value for name, value in sent if name.lower() not in skipped},
            "body": base64.b64encode(body).decode(),
        }
    return answers


def cpu_per_request(app: Wsgi, requests: list[tuple[str, dict]], count: int, repeats: int) -> float:
    """The best of `repeats`: CPU microseconds per request over `count` requests."""
    environs = [environ(path, headers) for path, headers in requests]
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        for number in range(count):
            env = environs[number % len(environs)]
            env["wsgi.input"] = io.BytesIO()
            call(app, env)
        best = min(best, (time.process_time() - started) / count * 1e6)
    return best


# Under callgrind, instructions are counted only inside operator.call (which nothing else
# on the request's path calls), and a file is written as each call returns: one per batch.
MARKER = "_operator_call"
CALLGRIND = [
    "valgrind",
    "--tool=callgrind",
    "--collect-atstart=no",
    f"--toggle-collect={MARKER}",
    f"--dump-after={MARKER}",
]


def serve(app: Wsgi, requests: list[tuple[str, dict]], count: int) -> None:
    environs = [environ(path, headers) for path, headers in requests]
    for number in range(count):
        env = environs[number % len(environs)]
        env["wsgi.input"] = io.BytesIO()
        call(app, env)


def count_instructions(args: argparse.Namespace, work: Path, data: BenchData) -> None:
    """This script again under callgrind, on the database built here (slow under callgrind),
    each batch in operator.call: instructions per request."""
    out = work / "callgrind.out"
    command = [*CALLGRIND, f"--callgrind-out-file={out}", sys.executable, "-m", "bench.hotpath"]
    options = [
        "--requests",
        str(args.requests),
        "--batches",
        str(work),
        data.plain_slug,
        data.experiment_slug,
    ]
    names = subprocess.run(
        [*command, *options], check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ).stdout.splitlines()
    kept = Path(args.keep) if args.keep else None
    for number, name in enumerate(names):
        dump = Path(f"{out}.{number + 1}")
        totals = re.search(r"^(?:summary|totals): (\d+)", dump.read_text(), re.MULTILINE)
        per_request = int(totals[1]) / args.requests if totals else float("nan")
        print(f"{name:38} {per_request:12,.0f} instructions per request", flush=True)
        if kept:
            kept.mkdir(parents=True, exist_ok=True)
            dump.replace(kept / re.sub(r"\W+", "-", name).strip("-"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--profile", help="a scenario to profile (cProfile) instead")
    parser.add_argument("--instructions", action="store_true", help="count instructions instead")
    parser.add_argument("--keep", help="with --instructions: a directory to keep callgrind's files in")
    # Under callgrind: the work directory and slugs of a database built beforehand.
    parser.add_argument("--batches", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cms-hotpath-") as temporary:
        work = Path(args.batches[0] if args.batches else temporary)
        # The access lines go where the server's stderr would: a file.
        sys.stderr = open(work / "stderr.log", "w", encoding="utf-8")  # noqa: SIM115
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'hotpath.db'}"})
        if args.batches:
            plain_slug, experiment_slug = args.batches[1:]
        else:
            data = build(app, args.articles)
            if args.instructions:
                count_instructions(args, work, data)
                return
            plain_slug, experiment_slug = data.plain_slug, data.experiment_slug
        # The migrations' logging set-up (alembic's fileConfig) gave the root logger a handler
        # of its own; a server's worker has none.
        logging.getLogger().handlers.clear()
        measured = scenarios(app, plain_slug, experiment_slug)
        floor = floor_app({k: v for r in measured.values() for k, v in captured(app, r).items()}, work)
        for name, requests in measured.items():
            for path, headers in requests:  # warm: every answer cached, as in make bench
                call(app, environ(path, headers))
            if args.batches:  # each batch named on stdout, in the order callgrind writes them
                for side, served in (("ours", app), ("floor", floor)):
                    serve(served, requests, 50)
                    operator.call(serve, served, requests, args.requests)
                    print(f"{name} ({side})", flush=True)
                continue
            if args.profile:
                if name == args.profile:
                    profiler = cProfile.Profile()
                    profiler.runcall(cpu_per_request, app, requests, args.requests, 1)
                    stats = pstats.Stats(profiler, stream=sys.stdout)
                    stats.sort_stats("cumulative").print_stats(60)
                    stats.sort_stats("tottime").print_stats(30)
                continue
            ours = cpu_per_request(app, requests, args.requests, args.repeats)
            bare = cpu_per_request(floor, requests, args.requests, args.repeats)
            print(
                f"{name:28} ours {ours:7.1f} µs  floor {bare:6.1f} µs  "
                f"beyond the floor {ours - bare:6.1f} µs  floor/ours {bare / ours:.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
